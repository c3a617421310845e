using System.Net;
using Leadline.Tests.TestInfrastructure;

namespace Leadline.Tests.Common;

public sealed class SecurityHeadersTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task Pages_api_responses_and_static_files_carry_the_security_headers(Db db)
    {
        var ws = await TestWorkspace.CreateAsync(await fixture.For(db));
        using var anonymous = ws.App.CreateClient();

        var page = await anonymous.GetAsync("/login");
        var api = await ws.Admin.GetAsync("/api/v1/me");
        var problem = await anonymous.GetAsync("/api/v1/leads");   // 401 problem+json from the API's own error branch
        var file = await anonymous.GetAsync("/css/app.css");

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.Unauthorized, HttpStatusCode.OK), (page.StatusCode, api.StatusCode, problem.StatusCode, file.StatusCode));
        foreach (var response in new[] { page, api, problem, file })
        {
            var csp = Header(response, "Content-Security-Policy");
            Assert.Matches("script-src 'self' 'nonce-[A-Za-z0-9_-]{22}';", csp);
            Assert.Matches("style-src 'self' 'nonce-[A-Za-z0-9_-]{22}';", csp);   // no inline <style> element either
            Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
            Assert.Contains("object-src 'none'", csp, StringComparison.Ordinal);
            Assert.Equal("nosniff", Header(response, "X-Content-Type-Options"));
            Assert.Equal("DENY", Header(response, "X-Frame-Options"));
            Assert.Equal("strict-origin-when-cross-origin", Header(response, "Referrer-Policy"));
        }
        // a fresh nonce for every response, so an injected script cannot learn one
        Assert.NotEqual(Header(page, "Content-Security-Policy"), Header(await anonymous.GetAsync("/login"), "Content-Security-Policy"));
        // the page has no inline script and no inline event handler: everything runs from the app's own files
        var html = await page.Content.ReadAsStringAsync();
        Assert.DoesNotMatch("<script(?![^>]*\\ssrc=)", html);
        Assert.DoesNotMatch("\\son[a-z]+=\"", html);
    }

    private static string Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) || response.Content.Headers.TryGetValues(name, out values)
            ? string.Join(", ", values)
            : $"(no {name})";
}

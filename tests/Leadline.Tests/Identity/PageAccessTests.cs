using System.Net;
using Leadline.Tests.TestInfrastructure;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Leadline.Tests.Identity;

/// <summary>Which page a visitor lands on, before and after the first admin exists (the browser flows are in EndToEnd).</summary>
public sealed class PageAccessTests
{
    private static HttpClient NoRedirects(LeadlineApp app) => app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task Setup_is_offered_once_on_an_empty_database(Db db)
    {
        await using var app = await LeadlineApp.StartAsync(db);
        using var client = NoRedirects(app);

        var login = await client.GetAsync("/login");
        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        Assert.Equal("/setup", login.Headers.Location?.AbsolutePath);
        var setup = await client.GetAsync("/setup");
        Assert.Equal(HttpStatusCode.OK, setup.StatusCode);
        Assert.Contains("Welcome to Leadline", await setup.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        await TestWorkspace.CreateAsync(app);

        var again = await client.GetAsync("/setup");
        Assert.Equal(HttpStatusCode.Redirect, again.StatusCode);
        Assert.Equal("/login", again.Headers.Location?.AbsolutePath);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/login")).StatusCode);
    }

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task Pages_need_a_signed_in_user(Db db)
    {
        await using var app = await LeadlineApp.StartAsync(db);
        await TestWorkspace.CreateAsync(app);
        using var client = NoRedirects(app);

        foreach (var path in new[] { "/", "/settings", "/settings/users", "/settings/workspace" })
        {
            var response = await client.GetAsync(path);
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            Assert.StartsWith("http://localhost/login?ReturnUrl=", response.Headers.Location?.ToString(), StringComparison.Ordinal);
        }
        var rowAction = await client.PostAsync("/settings/users/1/role", new FormUrlEncodedContent([new("role", "Admin")]));
        Assert.NotEqual(HttpStatusCode.OK, rowAction.StatusCode);
    }

    [Fact]
    public async Task OpenApi_document_describes_the_api()
    {
        await using var app = await LeadlineApp.StartAsync(Db.Sqlite);
        using var client = app.CreateClient();

        var document = await client.GetStringAsync("/openapi/v1.json");

        Assert.Contains("/api/v1/auth/token", document, StringComparison.Ordinal);
        Assert.Contains("/api/v1/users", document, StringComparison.Ordinal);
    }
}

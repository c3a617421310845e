using System.Net;
using Leadline.Tests.TestInfrastructure;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

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

    private static async Task<HttpResponseMessage> PostSetupAsync(HttpClient client, string email)
    {
        // the antiforgery token and cookie come from the setup or sign-in page, as an attacker's script would take them
        var first = await client.GetAsync("/setup");
        var login = first.IsSuccessStatusCode ? await first.Content.ReadAsStringAsync() : await client.GetStringAsync("/login");
        var token = CookieBrowser.AntiforgeryToken(login);
        Assert.NotEmpty(token);
        return await client.PostAsync("/setup", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "setup", ["__RequestVerificationToken"] = token, ["Input.Name"] = "Intruder Co", ["Input.TimeZone"] = "UTC",
            ["Input.DefaultCountry"] = "US", ["Input.AdminName"] = "Intruder", ["Input.AdminEmail"] = email, ["Input.AdminPassword"] = "Intruder!Passw0rd#1",
        }));
    }

    private static async Task<int> CountAsync(LeadlineApp app, string table)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<Leadline.Data.LeadlineDb>();
        return table == "users" ? await db.Users.IgnoreQueryFilters().CountAsync() : await db.Workspaces.CountAsync();
    }

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task An_anonymous_setup_post_after_setup_creates_nothing(Db db)
    {
        await using var app = await LeadlineApp.StartAsync(db);
        await TestWorkspace.CreateAsync(app);
        using var client = NoRedirects(app);

        var response = await PostSetupAsync(client, "intruder@evil.example");

        // a refused form post is redirected to the not-found page (CommonFeature)
        Assert.Equal("/status/404", response.Headers.Location?.OriginalString);
        Assert.Equal(1, await CountAsync(app, "users"));
        Assert.Equal(1, await CountAsync(app, "workspaces"));
        Assert.False(response.Headers.TryGetValues("Set-Cookie", out var cookies) && cookies.Any(c => c.StartsWith("leadline.session=", StringComparison.Ordinal)));
    }

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task Two_first_visits_at_once_create_one_workspace(Db db)
    {
        await using var app = await LeadlineApp.StartAsync(db);
        var clients = Enumerable.Range(0, 6).Select(_ => NoRedirects(app)).ToList();

        var responses = await Task.WhenAll(clients.Select((c, i) => PostSetupAsync(c, $"first{i}@example.com")));

        Assert.Single(responses, r => r.Headers.Location is { IsAbsoluteUri: true, AbsolutePath: "/" });
        Assert.Equal(5, responses.Count(r => r.Headers.Location?.OriginalString == "/status/404"));
        Assert.Equal(1, await CountAsync(app, "users"));
        Assert.Equal(1, await CountAsync(app, "workspaces"));
        clients.ForEach(c => c.Dispose());
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

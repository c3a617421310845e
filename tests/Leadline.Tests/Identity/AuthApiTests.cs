using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Leadline.Identity;
using Leadline.Tests.TestInfrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace Leadline.Tests.Identity;

public sealed class AuthApiTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task Token_for_valid_credentials_authenticates_me(Db db)
    {
        var workspace = await TestWorkspace.CreateAsync(await fixture.For(db));

        var me = await workspace.Admin.GetFromJsonAsync<JsonElement>("/api/v1/me");

        Assert.Equal(workspace.AdminEmail, me.GetProperty("email").GetString());
        Assert.Equal("Admin", me.GetProperty("role").GetString());
        Assert.Equal(workspace.Id, me.GetProperty("workspaceId").GetInt32());
        Assert.StartsWith("Workspace ", me.GetProperty("workspaceName").GetString(), StringComparison.Ordinal);
    }

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task Wrong_password_and_unknown_email_get_the_same_401(Db db)
    {
        var app = await fixture.For(db);
        var workspace = await TestWorkspace.CreateAsync(app);
        using var client = app.CreateClient();

        var wrong = await client.PostAsJsonAsync("/api/v1/auth/token", new { email = workspace.AdminEmail, password = "Wrong!Passw0rd" });
        var unknown = await client.PostAsJsonAsync("/api/v1/auth/token", new { email = "nobody@example.com", password = "Wrong!Passw0rd" });

        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, unknown.StatusCode);
        Assert.Equal("application/problem+json", wrong.Content.Headers.ContentType?.MediaType);
        Assert.Equal(Detail(await wrong.Content.ReadAsStringAsync()), Detail(await unknown.Content.ReadAsStringAsync()));
    }

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task Malformed_json_gets_400_problem_json(Db db)
    {
        using var client = (await fixture.For(db)).CreateClient();

        var response = await client.PostAsync("/api/v1/auth/token", new StringContent("{not json", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("valid JSON", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task Missing_fields_get_400_with_field_errors(Db db)
    {
        using var client = (await fixture.For(db)).CreateClient();

        var response = await client.PostAsJsonAsync("/api/v1/auth/token", new { email = "" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.True(errors.TryGetProperty("email", out _));
        Assert.True(errors.TryGetProperty("password", out _));
    }

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task Five_wrong_passwords_lock_the_account_even_for_the_right_one(Db db)
    {
        var app = await fixture.For(db);
        var workspace = await TestWorkspace.CreateAsync(app);
        using var client = app.CreateClient();
        for (var i = 0; i < 5; i++)
            await client.PostAsJsonAsync("/api/v1/auth/token", new { email = workspace.AdminEmail, password = "Wrong!Passw0rd" });

        var right = await client.PostAsJsonAsync("/api/v1/auth/token", new { email = workspace.AdminEmail, password = TestWorkspace.Password });
        Assert.Equal(HttpStatusCode.Unauthorized, right.StatusCode);

        // lockout is time-bound: once its end has passed, the right password works again
        // (Identity reads the system clock for lockout, not TimeProvider, so move the end instead of the clock)
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<User>>();
            var admin = await users.FindByEmailAsync(workspace.AdminEmail);
            Assert.True(await users.IsLockedOutAsync(admin!));
            Assert.InRange(admin!.LockoutEnd!.Value - DateTimeOffset.UtcNow, TimeSpan.FromMinutes(14), TimeSpan.FromMinutes(15));
            await users.SetLockoutEndDateAsync(admin, DateTimeOffset.UtcNow.AddSeconds(-1));
        }
        var later = await client.PostAsJsonAsync("/api/v1/auth/token", new { email = workspace.AdminEmail, password = TestWorkspace.Password });
        Assert.Equal(HttpStatusCode.OK, later.StatusCode);
    }

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task Bad_missing_and_expired_tokens_get_401(Db db)
    {
        var app = await fixture.For(db);
        var workspace = await TestWorkspace.CreateAsync(app);
        using var client = app.CreateClient();

        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/v1/me")).StatusCode);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "not-a-token");
        var bad = await client.GetAsync("/api/v1/me");
        Assert.Equal(HttpStatusCode.Unauthorized, bad.StatusCode);
        Assert.Equal("application/problem+json", bad.Content.Headers.ContentType?.MediaType);

        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await TestWorkspace.TokenAsync(app, workspace.AdminEmail, TestWorkspace.Password));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/v1/me")).StatusCode);
        app.Clock.Advance(TimeSpan.FromHours(8) + TimeSpan.FromSeconds(1));
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/v1/me")).StatusCode);
    }

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task Deactivated_users_token_stops_working_and_no_new_one_is_issued(Db db)
    {
        var app = await fixture.For(db);
        var workspace = await TestWorkspace.CreateAsync(app);
        var (agentId, agentEmail, agent) = await workspace.AddUserAsync("Agent");
        Assert.Equal(HttpStatusCode.OK, (await agent.GetAsync("/api/v1/me")).StatusCode);

        var deactivate = await workspace.Admin.PatchAsJsonAsync($"/api/v1/users/{agentId}", new { active = false });
        Assert.Equal(HttpStatusCode.OK, deactivate.StatusCode);

        Assert.Equal(HttpStatusCode.Unauthorized, (await agent.GetAsync("/api/v1/me")).StatusCode);
        using var anonymous = app.CreateClient();
        var token = await anonymous.PostAsJsonAsync("/api/v1/auth/token", new { email = agentEmail, password = TestWorkspace.Password });
        Assert.Equal(HttpStatusCode.Unauthorized, token.StatusCode);

        // reactivation lets them sign in again, but the old token stays dead
        await workspace.Admin.PatchAsJsonAsync($"/api/v1/users/{agentId}", new { active = true });
        Assert.Equal(HttpStatusCode.Unauthorized, (await agent.GetAsync("/api/v1/me")).StatusCode);
        using var fresh = await TestWorkspace.ClientForAsync(app, agentEmail, TestWorkspace.Password);
        Assert.Equal(HttpStatusCode.OK, (await fresh.GetAsync("/api/v1/me")).StatusCode);
    }

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task Cookies_do_not_authenticate_the_api(Db db)
    {
        // the API is bearer-only, so a browser session cannot be abused cross-site against it
        var app = await fixture.For(db);
        using var client = app.CreateClient();
        client.DefaultRequestHeaders.Add("Cookie", "leadline.session=anything");
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/v1/me")).StatusCode);
    }

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task Neither_passwords_nor_tokens_reach_the_logs(Db db)
    {
        var app = await fixture.For(db);
        var workspace = await TestWorkspace.CreateAsync(app);
        var token = await TestWorkspace.TokenAsync(app, workspace.AdminEmail, TestWorkspace.Password);
        using var anonymous = app.CreateClient();
        await anonymous.PostAsJsonAsync("/api/v1/auth/token", new { email = workspace.AdminEmail, password = "Leaky!Secret99" });

        var logs = string.Join("\n", app.Logs);
        Assert.Contains("/api/v1/auth/token", logs, StringComparison.Ordinal);
        Assert.DoesNotContain(TestWorkspace.Password, logs, StringComparison.Ordinal);
        Assert.DoesNotContain("Leaky!Secret99", logs, StringComparison.Ordinal);
        Assert.DoesNotContain(token, logs, StringComparison.Ordinal);
    }

    private static string? Detail(string json) => JsonDocument.Parse(json).RootElement.GetProperty("detail").GetString();
}

public sealed class TokenRateLimitTests
{
    [Fact]
    public async Task Token_requests_beyond_the_limit_get_429()
    {
        await using var app = await LeadlineApp.StartAsync(Db.Sqlite, new Dictionary<string, string?> { ["Leadline:Auth:TokenRequestsPerMinute"] = "3" });
        using var client = app.CreateClient();

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 5; i++)
            statuses.Add((await client.PostAsJsonAsync("/api/v1/auth/token", new { email = "x@example.com", password = "Wrong!Passw0rd" })).StatusCode);

        Assert.Equal([HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests], statuses);
    }
}

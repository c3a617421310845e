using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Leadline.Tests.TestInfrastructure;

namespace Leadline.Tests.Identity;

public sealed class UsersApiTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task Admin_creates_a_user_who_can_sign_in_with_that_role(Db db)
    {
        var workspace = await TestWorkspace.CreateAsync(await fixture.For(db));

        var response = await workspace.Admin.PostAsJsonAsync("/api/v1/users", new { email = "Mia.Manager@Example.com", name = "Mia Manager", role = "manager", password = TestWorkspace.Password + "x" });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var user = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal($"/api/v1/users/{user.GetProperty("id").GetInt32()}", response.Headers.Location?.OriginalString);
        Assert.Equal("Manager", user.GetProperty("role").GetString());
        Assert.True(user.GetProperty("active").GetBoolean());
        Assert.Equal(workspace.Id, user.GetProperty("workspaceId").GetInt32());
        using var manager = await TestWorkspace.ClientForAsync(workspace.App, "mia.manager@example.com", TestWorkspace.Password + "x");
        Assert.Equal("Manager", (await manager.GetFromJsonAsync<JsonElement>("/api/v1/me")).GetProperty("role").GetString());
    }

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task Invalid_user_gets_400_naming_each_field_and_creates_nothing(Db db)
    {
        var workspace = await TestWorkspace.CreateAsync(await fixture.For(db));
        var before = await workspace.Admin.GetFromJsonAsync<JsonElement>("/api/v1/users");

        var response = await workspace.Admin.PostAsJsonAsync("/api/v1/users", new { email = "not-an-email", name = "", role = "Owner", password = "short" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        foreach (var field in new[] { "email", "name", "role", "password" })
            Assert.True(errors.TryGetProperty(field, out _), field);
        var after = await workspace.Admin.GetFromJsonAsync<JsonElement>("/api/v1/users");
        Assert.Equal(before.GetProperty("total").GetInt32(), after.GetProperty("total").GetInt32());
    }

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task Email_already_used_in_any_workspace_gets_409(Db db)
    {
        var app = await fixture.For(db);
        var a = await TestWorkspace.CreateAsync(app);
        var b = await TestWorkspace.CreateAsync(app);

        var sameWorkspace = await a.Admin.PostAsJsonAsync("/api/v1/users", new { email = a.AdminEmail.ToUpperInvariant(), name = "Twin", role = "Agent", password = TestWorkspace.Password });
        var otherWorkspace = await b.Admin.PostAsJsonAsync("/api/v1/users", new { email = a.AdminEmail, name = "Twin", role = "Agent", password = TestWorkspace.Password });

        Assert.Equal(HttpStatusCode.Conflict, sameWorkspace.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, otherWorkspace.StatusCode);
    }

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task Agents_and_managers_cannot_manage_users_and_managers_read_them(Db db)
    {
        var workspace = await TestWorkspace.CreateAsync(await fixture.For(db));
        var (_, _, agent) = await workspace.AddUserAsync("Agent");
        var (_, _, manager) = await workspace.AddUserAsync("Manager");

        foreach (var client in new[] { agent, manager })
        {
            Assert.Equal(client == manager ? HttpStatusCode.OK : HttpStatusCode.Forbidden, (await client.GetAsync("/api/v1/users")).StatusCode);
            var post = await client.PostAsJsonAsync("/api/v1/users", new { email = "x@example.com", name = "X", role = "Admin", password = TestWorkspace.Password });
            Assert.Equal(HttpStatusCode.Forbidden, post.StatusCode);
            Assert.Equal("application/problem+json", post.Content.Headers.ContentType?.MediaType);
        }
    }

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task List_pages_with_a_keyset_cursor(Db db)
    {
        var workspace = await TestWorkspace.CreateAsync(await fixture.For(db));
        for (var i = 0; i < 4; i++)
            await workspace.AddUserAsync("Agent", $"Agent {i}");

        var first = await workspace.Admin.GetFromJsonAsync<JsonElement>("/api/v1/users?limit=3");
        var cursor = first.GetProperty("nextCursor").GetString();
        var second = await workspace.Admin.GetFromJsonAsync<JsonElement>($"/api/v1/users?limit=3&cursor={cursor}");

        Assert.Equal(5, first.GetProperty("total").GetInt32());
        var ids = first.GetProperty("items").EnumerateArray().Concat(second.GetProperty("items").EnumerateArray()).Select(u => u.GetProperty("id").GetInt32()).ToList();
        Assert.Equal(5, ids.Distinct().Count());
        Assert.Equal(JsonValueKind.Null, second.GetProperty("nextCursor").ValueKind);
    }

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task Role_change_takes_effect_on_the_users_token(Db db)
    {
        var workspace = await TestWorkspace.CreateAsync(await fixture.For(db));
        var (id, _, agent) = await workspace.AddUserAsync("Agent");

        var promote = await workspace.Admin.PatchAsJsonAsync($"/api/v1/users/{id}", new { role = "Admin" });

        Assert.Equal("Admin", (await promote.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("role").GetString());
        Assert.Equal(HttpStatusCode.OK, (await agent.GetAsync("/api/v1/users")).StatusCode);
    }

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task Admin_cannot_remove_own_admin_access(Db db)
    {
        var workspace = await TestWorkspace.CreateAsync(await fixture.For(db));
        var me = await workspace.Admin.GetFromJsonAsync<JsonElement>("/api/v1/me");
        var id = me.GetProperty("id").GetInt32();

        var deactivate = await workspace.Admin.PatchAsJsonAsync($"/api/v1/users/{id}", new { active = false });
        var demote = await workspace.Admin.PatchAsJsonAsync($"/api/v1/users/{id}", new { role = "Agent" });

        Assert.Equal(HttpStatusCode.BadRequest, deactivate.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, demote.StatusCode);
        Assert.Equal("Admin", (await workspace.Admin.GetFromJsonAsync<JsonElement>("/api/v1/me")).GetProperty("role").GetString());
    }
}

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Leadline.Identity;
using Leadline.Tests.TestInfrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Leadline.Tests.Workspaces;

public sealed class WorkspaceIsolationTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task Another_workspaces_user_is_404_for_read_and_write(Db db)
    {
        var app = await fixture.For(db);
        var a = await TestWorkspace.CreateAsync(app);
        var b = await TestWorkspace.CreateAsync(app);
        var (bUserId, _, _) = await b.AddUserAsync("Agent", "Bea Other");

        var read = await a.Admin.GetAsync($"/api/v1/users/{bUserId}");
        var write = await a.Admin.PatchAsJsonAsync($"/api/v1/users/{bUserId}", new { active = false, name = "Hijacked" });

        Assert.Equal(HttpStatusCode.NotFound, read.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, write.StatusCode);
        var unchanged = await b.Admin.GetFromJsonAsync<JsonElement>($"/api/v1/users/{bUserId}");
        Assert.Equal("Bea Other", unchanged.GetProperty("name").GetString());
        Assert.True(unchanged.GetProperty("active").GetBoolean());
        var list = await a.Admin.GetFromJsonAsync<JsonElement>("/api/v1/users");
        Assert.All(list.GetProperty("items").EnumerateArray(), u => Assert.Equal(a.Id, u.GetProperty("workspaceId").GetInt32()));
    }

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task Query_filter_hides_other_workspaces_rows(Db db)
    {
        var app = await fixture.For(db);
        var a = await TestWorkspace.CreateAsync(app);
        var b = await TestWorkspace.CreateAsync(app);

        await using var scope = a.Scope(out var leadlineDb);
        var tokenOwners = await leadlineDb.ApiTokens.Select(t => t.WorkspaceId).Distinct().ToListAsync();
        var users = await leadlineDb.Users.Select(u => u.WorkspaceId).Distinct().ToListAsync();

        Assert.Equal([a.Id], tokenOwners);
        Assert.Equal([a.Id], users);
        Assert.NotEqual(a.Id, b.Id);
    }

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task Writing_a_row_into_another_workspace_is_refused(Db db)
    {
        var app = await fixture.For(db);
        var a = await TestWorkspace.CreateAsync(app);
        var b = await TestWorkspace.CreateAsync(app);
        await using var scope = a.Scope(out var leadlineDb);
        var bUser = await leadlineDb.Users.IgnoreQueryFilters().FirstAsync(u => u.WorkspaceId == b.Id);

        leadlineDb.ApiTokens.Add(new ApiToken { WorkspaceId = b.Id, UserId = bUser.Id, TokenHash = new string('a', 64), CreatedAt = DateTime.UtcNow, ExpiresAt = DateTime.UtcNow });

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => leadlineDb.SaveChangesAsync());
        Assert.Contains("another workspace", error.Message, StringComparison.Ordinal);
    }

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task Without_a_workspace_in_scope_business_rows_are_invisible(Db db)
    {
        var app = await fixture.For(db);
        await TestWorkspace.CreateAsync(app);
        await using var scope = app.Services.CreateAsyncScope();
        var leadlineDb = scope.ServiceProvider.GetRequiredService<Leadline.Data.LeadlineDb>();

        Assert.Equal(0, await leadlineDb.ApiTokens.CountAsync());
        Assert.True(await leadlineDb.ApiTokens.IgnoreQueryFilters().AnyAsync());
    }

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task Workspace_settings_are_validated_and_saved(Db db)
    {
        var app = await fixture.For(db);
        var a = await TestWorkspace.CreateAsync(app);
        await using var scope = a.Scope(out _);
        var service = scope.ServiceProvider.GetRequiredService<Leadline.Workspaces.WorkspaceService>();

        var bad = await service.UpdateAsync(a.Id, new() { Name = " ", TimeZone = "Mars/Olympus", DefaultCountry = "XX" }, CancellationToken.None);
        var good = await service.UpdateAsync(a.Id, new() { Name = "Acme Sales", TimeZone = "Europe/Berlin", DefaultCountry = "at" }, CancellationToken.None);

        Assert.Equal(["defaultCountry", "name", "timeZone"], bad.Errors.ToDictionary().Keys.Order());
        Assert.True(good.Succeeded);
        Assert.Equal(("Acme Sales", "Europe/Berlin", "AT"), (good.Value!.Name, good.Value.TimeZone, good.Value.DefaultCountry));
    }
}

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Leadline.Identity;
using Leadline.Tests.TestInfrastructure;

namespace Leadline.Tests.Leads;

/// <summary>Archive and restore by role (API.md "Permissions"): nothing is deleted, the history says who did what.</summary>
public sealed class LeadArchiveTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task Restore_brings_an_archived_lead_back_into_the_list_and_the_history_says_so(Db db)
    {
        var ws = await TestWorkspace.CreateAsync(await fixture.For(db));
        var id = (await ws.Admin.CreateLeadAsync(new { name = "Rita Restore" })).GetProperty("id").GetInt32();
        Assert.Equal(HttpStatusCode.NoContent, (await ws.Admin.DeleteAsync($"/api/v1/leads/{id}")).StatusCode);

        var restored = await ws.Admin.PostAsync($"/api/v1/leads/{id}/restore", null);

        Assert.Equal(HttpStatusCode.OK, restored.StatusCode);
        Assert.NotNull(restored.Headers.ETag);
        Assert.False((await restored.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("archived").GetBoolean());
        Assert.Equal(["Rita Restore"], await ws.Admin.LeadNamesAsync(""));
        Assert.Empty(await ws.Admin.LeadNamesAsync("archived=true"));
        var archiveRows = (await ws.Admin.GetFromJsonAsync<JsonElement>($"/api/v1/leads/{id}/history")).GetProperty("items").EnumerateArray()
            .Where(h => h.GetProperty("field").GetString() == "archived").ToList();
        Assert.Equal(2, archiveRows.Count);   // newest first: the restore empties the field the archive had set
        Assert.Equal(JsonValueKind.Null, archiveRows[0].GetProperty("to").ValueKind);
        Assert.Equal(JsonValueKind.Null, archiveRows[1].GetProperty("from").ValueKind);
        Assert.All(archiveRows, h => Assert.Equal("Archived", h.GetProperty("label").GetString()));
        // restoring a lead that is not archived changes nothing
        Assert.Equal(HttpStatusCode.OK, (await ws.Admin.PostAsync($"/api/v1/leads/{id}/restore", null)).StatusCode);
        Assert.Equal(3, (await ws.Admin.GetFromJsonAsync<JsonElement>($"/api/v1/leads/{id}/history")).GetProperty("items").GetArrayLength());
    }

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task A_merged_duplicate_is_not_restored_beside_its_survivor(Db db)
    {
        var ws = await TestWorkspace.CreateAsync(await fixture.For(db));
        var survivor = (await ws.Admin.CreateLeadAsync(new { name = "Mia Merge", email = "mia@merge.example" })).GetProperty("id").GetInt32();
        var duplicate = (await ws.Admin.CreateLeadAsync(new { name = "Mia Merge", email = "mia.m@merge.example" })).GetProperty("id").GetInt32();
        Assert.Equal(HttpStatusCode.OK, (await ws.Admin.PostAsJsonAsync($"/api/v1/leads/{survivor}/merge", new { duplicateIds = new[] { duplicate } })).StatusCode);

        var restore = await ws.Admin.PostAsync($"/api/v1/leads/{duplicate}/restore", null);

        Assert.Equal(HttpStatusCode.Conflict, restore.StatusCode);
        Assert.Contains($"#{survivor}", (await restore.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(["Mia Merge"], await ws.Admin.LeadNamesAsync(""));
    }

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task An_agent_restores_their_own_lead_but_not_someone_elses(Db db)
    {
        var ws = await TestWorkspace.CreateAsync(await fixture.For(db));
        var (agentId, _, agent) = await ws.AddUserAsync(Roles.Agent);
        var (_, _, manager) = await ws.AddUserAsync(Roles.Manager);
        var agentsLead = (await ws.Admin.CreateLeadAsync(new { name = "Agent Own", ownerId = agentId })).GetProperty("id").GetInt32();
        var adminId = (await ws.Admin.GetFromJsonAsync<JsonElement>("/api/v1/me")).GetProperty("id").GetInt32();
        var othersLead = (await ws.Admin.CreateLeadAsync(new { name = "Admin Own", ownerId = adminId })).GetProperty("id").GetInt32();
        var unowned = (await ws.Admin.CreateLeadAsync(new { name = "Nobody's", ownerId = (int?)null })).GetProperty("id").GetInt32();
        foreach (var id in new[] { agentsLead, othersLead, unowned })
            Assert.Equal(HttpStatusCode.NoContent, (await ws.Admin.DeleteAsync($"/api/v1/leads/{id}")).StatusCode);

        // an agent's Archived view holds only their own leads; a manager's the workspace's
        Assert.Equal(["Agent Own"], await agent.LeadNamesAsync("archived=true"));
        Assert.Equal(3, (await manager.LeadNamesAsync("archived=true")).Count);

        var refused = await agent.PostAsync($"/api/v1/leads/{othersLead}/restore", null);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.Forbidden, (await agent.PostAsync($"/api/v1/leads/{unowned}/restore", null)).StatusCode);
        Assert.True((await ws.Admin.GetFromJsonAsync<JsonElement>($"/api/v1/leads/{othersLead}")).GetProperty("archived").GetBoolean());

        Assert.Equal(HttpStatusCode.OK, (await agent.PostAsync($"/api/v1/leads/{agentsLead}/restore", null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await manager.PostAsync($"/api/v1/leads/{othersLead}/restore", null)).StatusCode);
        Assert.Equal(["Admin Own", "Agent Own"], (await agent.LeadNamesAsync("sort=name")).Order());
        var restoredBy = (await ws.Admin.GetFromJsonAsync<JsonElement>($"/api/v1/leads/{agentsLead}/history")).GetProperty("items")[0];
        Assert.Equal(("archived", agentId), (restoredBy.GetProperty("field").GetString(), restoredBy.GetProperty("userId").GetInt32()));
    }

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task Restore_of_an_unknown_or_another_workspaces_lead_is_404(Db db)
    {
        var app = await fixture.For(db);
        var a = await TestWorkspace.CreateAsync(app);
        var b = await TestWorkspace.CreateAsync(app);
        var id = (await b.Admin.CreateLeadAsync(new { name = "Elsewhere" })).GetProperty("id").GetInt32();
        await b.Admin.DeleteAsync($"/api/v1/leads/{id}");

        Assert.Equal(HttpStatusCode.NotFound, (await a.Admin.PostAsync($"/api/v1/leads/{id}/restore", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await a.Admin.PostAsync("/api/v1/leads/999999999/restore", null)).StatusCode);
        Assert.True((await b.Admin.GetFromJsonAsync<JsonElement>($"/api/v1/leads/{id}")).GetProperty("archived").GetBoolean());
    }
}

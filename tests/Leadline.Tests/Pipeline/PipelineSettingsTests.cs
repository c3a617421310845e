using System.Net.Http.Json;
using System.Text.Json;
using Leadline.Pipeline;
using Leadline.Tests.Leads;
using Leadline.Tests.TestInfrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Leadline.Tests.Pipeline;

public sealed class PipelineSettingsTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task Stages_are_added_recategorised_reordered_and_validated(Db db)
    {
        var ws = await TestWorkspace.CreateAsync(await fixture.For(db));
        var stages = await LeadsApiTests.StagesAsync(ws);
        var lead = (await ws.Admin.CreateLeadAsync(new { name = "Stage Steve", stageId = stages["Working"] })).GetProperty("id").GetInt32();
        await using var scope = ws.Scope(out var leadlineDb);
        var service = scope.ServiceProvider.GetRequiredService<PipelineSettingsService>();
        var pipelineId = await leadlineDb.Pipelines.Select(p => p.Id).FirstAsync();

        var bad = await service.AddStageAsync(pipelineId, new StageInput("", "Sideways", "red", 0), CancellationToken.None);
        Assert.Equal(["category", "color", "name", "rottingDays"], bad.Errors.ToDictionary().Keys.Order());
        var demo = await service.AddStageAsync(pipelineId, new StageInput("Demo booked", "Working", "#112233", 5), CancellationToken.None);
        Assert.True(demo.Succeeded);
        Assert.Equal(8, demo.Value!.Order);

        await service.MoveStageAsync(demo.Value.Id, -1, CancellationToken.None);
        var pipelines = await ws.Admin.GetFromJsonAsync<JsonElement>("/api/v1/pipelines");
        var names = pipelines.GetProperty("items")[0].GetProperty("stages").EnumerateArray().Select(s => s.GetProperty("name").GetString()).ToList();
        Assert.Equal(["Demo booked", "Lost"], names[^2..]);

        // re-categorising a stage changes its leads' status (filters and reports read the category), and their ETag: a
        // client that holds the lead with its old status must not write over the new one unseen
        var etagBefore = (await ws.Admin.GetAsync($"/api/v1/leads/{lead}")).Headers.ETag!.ToString();
        ws.App.Clock.Advance(TimeSpan.FromMinutes(5));
        await service.UpdateStageAsync(stages["Working"], new StageInput("In progress", "Qualified", "#fd7e14", 14), CancellationToken.None);
        var after = await ws.Admin.GetFromJsonAsync<JsonElement>($"/api/v1/leads/{lead}");
        Assert.Equal(("qualified", "In progress"), (after.GetProperty("status").GetString(), after.GetProperty("stageName").GetString()));
        Assert.Equal(ws.App.Clock.GetUtcNow().UtcDateTime, after.GetProperty("updatedAt").GetDateTime());
        Assert.Equal(["Stage Steve"], await ws.Admin.LeadNamesAsync("status=qualified"));
        var stalePatch = new HttpRequestMessage(HttpMethod.Patch, $"/api/v1/leads/{lead}") { Content = JsonContent.Create(new { title = "Stale" }) };
        stalePatch.Headers.TryAddWithoutValidation("If-Match", etagBefore);
        Assert.Equal(System.Net.HttpStatusCode.PreconditionFailed, (await ws.Admin.SendAsync(stalePatch)).StatusCode);
    }

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task Deleting_a_stage_with_leads_asks_where_they_go_and_moves_them_with_history(Db db)
    {
        var ws = await TestWorkspace.CreateAsync(await fixture.For(db));
        var stages = await LeadsApiTests.StagesAsync(ws);
        var ids = new List<int>();
        for (var i = 0; i < 3; i++)
            ids.Add((await ws.Admin.CreateLeadAsync(new { name = $"Mover {i}", stageId = stages["Contacted"] })).GetProperty("id").GetInt32());
        await using var scope = ws.Scope(out _);
        var service = scope.ServiceProvider.GetRequiredService<PipelineSettingsService>();

        var refused = await service.DeleteStageAsync(stages["Contacted"], null, CancellationToken.None);
        Assert.True(refused.Errors.ToDictionary().ContainsKey("targetStageId"));
        var other = await TestWorkspace.CreateAsync(ws.App);
        var foreignStage = (await LeadsApiTests.StagesAsync(other))["New"];
        Assert.False((await service.DeleteStageAsync(stages["Contacted"], foreignStage, CancellationToken.None)).Succeeded);

        var deleted = await service.DeleteStageAsync(stages["Contacted"], stages["Working"], CancellationToken.None);

        Assert.Equal(3, deleted.Value);
        foreach (var id in ids)
        {
            var lead = await ws.Admin.GetFromJsonAsync<JsonElement>($"/api/v1/leads/{id}");
            Assert.Equal("Working", lead.GetProperty("stageName").GetString());
            var history = await ws.Admin.GetFromJsonAsync<JsonElement>($"/api/v1/leads/{id}/history");
            Assert.Contains(history.GetProperty("items").EnumerateArray(), h => h.GetProperty("field").GetString() == "stage" && h.GetProperty("to").GetString() == "Working");
        }
        Assert.DoesNotContain("Contacted", (await LeadsApiTests.StagesAsync(ws)).Keys);
    }

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task A_second_pipeline_gets_its_own_stages_and_board(Db db)
    {
        var ws = await TestWorkspace.CreateAsync(await fixture.For(db));
        await using var scope = ws.Scope(out _);
        var service = scope.ServiceProvider.GetRequiredService<PipelineSettingsService>();

        var created = await service.CreatePipelineAsync("Partners", CancellationToken.None);
        var stage = created.Value!.Stages.OrderBy(s => s.Order).First();
        var lead = await ws.Admin.CreateLeadAsync(new { name = "Partner Pia", stageId = stage.Id });

        Assert.Equal(created.Value.Id, lead.GetProperty("pipelineId").GetInt32());
        var board = await ws.Admin.GetFromJsonAsync<JsonElement>($"/api/v1/pipelines/{created.Value.Id}/board");
        Assert.Equal(1, board.GetProperty("stages")[0].GetProperty("count").GetInt32());
        var pipelines = await ws.Admin.GetFromJsonAsync<JsonElement>("/api/v1/pipelines");
        Assert.Equal(2, pipelines.GetProperty("total").GetInt32());
        Assert.Single(pipelines.GetProperty("items").EnumerateArray(), p => p.GetProperty("isDefault").GetBoolean());
    }
}

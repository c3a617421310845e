using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Leadline.Tests.Leads;
using Leadline.Tests.TestInfrastructure;

namespace Leadline.Tests.Pipeline;

/// <summary>The board payload: counts per stage (archived leads left out, filters applied), cards with their owner's name.</summary>
public sealed class BoardTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task Board_counts_each_stage_and_names_the_owners(Db db)
    {
        var ws = await TestWorkspace.CreateAsync(await fixture.For(db));
        var stages = await LeadsApiTests.StagesAsync(ws);
        var (agentId, _, _) = await ws.AddUserAsync("Agent", "Ann Agent");
        await ws.Admin.CreateLeadAsync(new { name = "Owned One", ownerId = agentId });
        await ws.Admin.CreateLeadAsync(new { name = "Nobody's" });
        await ws.Admin.CreateLeadAsync(new { name = "Working Wes", ownerId = agentId, stageId = stages["Working"] });
        var archived = (await ws.Admin.CreateLeadAsync(new { name = "Gone Gary", ownerId = agentId })).GetProperty("id").GetInt32();
        Assert.True((await ws.Admin.DeleteAsync($"/api/v1/leads/{archived}")).IsSuccessStatusCode);
        var pipeline = (await ws.Admin.GetFromJsonAsync<JsonElement>("/api/v1/pipelines")).GetProperty("items")[0].GetProperty("id").GetInt32();

        var board = await ws.Admin.GetFromJsonAsync<JsonElement>($"/api/v1/pipelines/{pipeline}/board");
        var columns = board.GetProperty("stages").EnumerateArray().ToDictionary(s => s.GetProperty("stageId").GetInt32());
        Assert.Equal(8, columns.Count);
        Assert.Equal(2, columns[stages["New"]].GetProperty("count").GetInt32());
        Assert.Equal(1, columns[stages["Working"]].GetProperty("count").GetInt32());
        Assert.Equal(0, columns[stages["Lost"]].GetProperty("count").GetInt32());
        var cards = columns[stages["New"]].GetProperty("leads").EnumerateArray().ToDictionary(c => c.GetProperty("name").GetString()!);
        Assert.Equal("Ann Agent", cards["Owned One"].GetProperty("ownerName").GetString());
        Assert.Equal(JsonValueKind.Null, cards["Nobody's"].GetProperty("ownerName").ValueKind);

        var mine = await ws.Admin.GetFromJsonAsync<JsonElement>($"/api/v1/pipelines/{pipeline}/board?owner={agentId}");
        var filtered = mine.GetProperty("stages").EnumerateArray().ToDictionary(s => s.GetProperty("stageId").GetInt32());
        Assert.Equal(1, filtered[stages["New"]].GetProperty("count").GetInt32());
        Assert.Equal("Owned One", filtered[stages["New"]].GetProperty("leads")[0].GetProperty("name").GetString());
    }

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task Move_without_a_position_appends_to_the_column(Db db)
    {
        var ws = await TestWorkspace.CreateAsync(await fixture.For(db));
        var stages = await LeadsApiTests.StagesAsync(ws);
        var first = (await ws.Admin.CreateLeadAsync(new { name = "A", stageId = stages["Working"] })).GetProperty("id").GetInt32();
        var second = (await ws.Admin.CreateLeadAsync(new { name = "B", stageId = stages["Working"] })).GetProperty("id").GetInt32();
        var moved = (await ws.Admin.CreateLeadAsync(new { name = "C" })).GetProperty("id").GetInt32();

        var response = await ws.Admin.PostAsJsonAsync($"/api/v1/leads/{moved}/move", new { stageId = stages["Working"] });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var pipeline = (await ws.Admin.GetFromJsonAsync<JsonElement>("/api/v1/pipelines")).GetProperty("items")[0].GetProperty("id").GetInt32();
        var board = await ws.Admin.GetFromJsonAsync<JsonElement>($"/api/v1/pipelines/{pipeline}/board");
        var column = board.GetProperty("stages").EnumerateArray().Single(s => s.GetProperty("stageId").GetInt32() == stages["Working"]);
        Assert.Equal([first, second, moved], column.GetProperty("leads").EnumerateArray().Select(l => l.GetProperty("id").GetInt32()).ToList());
    }

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task Renumbering_a_worn_gap_keeps_the_exact_order(Db db)
    {
        var ws = await TestWorkspace.CreateAsync(await fixture.For(db));
        var stages = await LeadsApiTests.StagesAsync(ws);
        var ids = new List<int>();
        for (var i = 0; i < 5; i++)
            ids.Add((await ws.Admin.CreateLeadAsync(new { name = $"R{i}", stageId = stages["Working"] })).GetProperty("id").GetInt32());

        // the last two cards take turns at position 1: the gap there halves each time until the column is renumbered
        for (var i = 0; i < 60; i++)
            Assert.Equal(HttpStatusCode.OK, (await ws.Admin.PostAsJsonAsync($"/api/v1/leads/{ids[3 + i % 2]}/move", new { stageId = stages["Working"], position = 1 })).StatusCode);

        var pipeline = (await ws.Admin.GetFromJsonAsync<JsonElement>("/api/v1/pipelines")).GetProperty("items")[0].GetProperty("id").GetInt32();
        var board = await ws.Admin.GetFromJsonAsync<JsonElement>($"/api/v1/pipelines/{pipeline}/board");
        var column = board.GetProperty("stages").EnumerateArray().Single(s => s.GetProperty("stageId").GetInt32() == stages["Working"]);
        Assert.Equal([ids[0], ids[4], ids[3], ids[1], ids[2]], column.GetProperty("leads").EnumerateArray().Select(l => l.GetProperty("id").GetInt32()).ToList());
    }
}

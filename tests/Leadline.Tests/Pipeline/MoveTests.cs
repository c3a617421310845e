using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Leadline.Tests.Leads;
using Leadline.Tests.TestInfrastructure;
using Microsoft.EntityFrameworkCore;

namespace Leadline.Tests.Pipeline;

public sealed class MoveTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    private static async Task<(TestWorkspace Ws, Dictionary<string, int> Stages, int PipelineId, List<int> Ids)> ColumnAsync(LeadlineApp app, int count)
    {
        var ws = await TestWorkspace.CreateAsync(app);
        var stages = await LeadsApiTests.StagesAsync(ws);
        var pipelines = await ws.Admin.GetFromJsonAsync<JsonElement>("/api/v1/pipelines");
        var ids = new List<int>();
        for (var i = 0; i < count; i++)
            ids.Add((await ws.Admin.CreateLeadAsync(new { name = $"L{i}" })).GetProperty("id").GetInt32());
        return (ws, stages, pipelines.GetProperty("items")[0].GetProperty("id").GetInt32(), ids);
    }

    private static async Task<List<int>> ColumnOrderAsync(TestWorkspace ws, int pipelineId, int stageId)
    {
        var board = await ws.Admin.GetFromJsonAsync<JsonElement>($"/api/v1/pipelines/{pipelineId}/board?perStage=200");
        var column = board.GetProperty("stages").EnumerateArray().Single(s => s.GetProperty("stageId").GetInt32() == stageId);
        var ids = column.GetProperty("leads").EnumerateArray().Select(l => l.GetProperty("id").GetInt32()).ToList();
        Assert.Equal(column.GetProperty("count").GetInt32(), ids.Count);
        return ids;
    }

    private static Task<HttpResponseMessage> MoveAsync(TestWorkspace ws, int id, object body) => ws.Admin.PostAsJsonAsync($"/api/v1/leads/{id}/move", body);

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task Reorder_makes_the_column_exactly_the_given_list(Db db)
    {
        var (ws, stages, pipeline, ids) = await ColumnAsync(await fixture.For(db), 5);
        List<int> order = [ids[3], ids[0], ids[4], ids[2], ids[1]];

        var response = await ws.Admin.PostAsJsonAsync("/api/v1/leads/reorder", new { stageId = stages["New"], leadIds = order });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(order, await ColumnOrderAsync(ws, pipeline, stages["New"]));
    }

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task Move_puts_the_lead_at_the_position_at_both_ends_and_in_the_middle(Db db)
    {
        var (ws, stages, pipeline, ids) = await ColumnAsync(await fixture.For(db), 4);

        await MoveAsync(ws, ids[3], new { stageId = stages["New"], position = 0 });
        Assert.Equal([ids[3], ids[0], ids[1], ids[2]], await ColumnOrderAsync(ws, pipeline, stages["New"]));
        await MoveAsync(ws, ids[3], new { stageId = stages["New"], position = 99 });
        Assert.Equal([ids[0], ids[1], ids[2], ids[3]], await ColumnOrderAsync(ws, pipeline, stages["New"]));
        await MoveAsync(ws, ids[0], new { stageId = stages["New"], position = 2 });
        Assert.Equal([ids[1], ids[2], ids[0], ids[3]], await ColumnOrderAsync(ws, pipeline, stages["New"]));
    }

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task Move_into_an_empty_column_and_between_columns_keeps_both_orders(Db db)
    {
        var (ws, stages, pipeline, ids) = await ColumnAsync(await fixture.For(db), 3);

        var first = await MoveAsync(ws, ids[1], new { stageId = stages["Working"], position = 0 });
        await MoveAsync(ws, ids[2], new { stageId = stages["Working"], position = 0 });

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal("working", (await first.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
        Assert.Equal([ids[2], ids[1]], await ColumnOrderAsync(ws, pipeline, stages["Working"]));
        Assert.Equal([ids[0]], await ColumnOrderAsync(ws, pipeline, stages["New"]));
    }

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task Many_moves_into_the_same_gap_never_break_the_order(Db db)
    {
        var (ws, stages, pipeline, ids) = await ColumnAsync(await fixture.For(db), 3);
        // alternately drop the last card between the first two: halves one gap 60 times (forces a renumber)
        for (var i = 0; i < 60; i++)
            await MoveAsync(ws, i % 2 == 0 ? ids[2] : ids[1], new { stageId = stages["New"], position = 1 });

        var order = await ColumnOrderAsync(ws, pipeline, stages["New"]);
        Assert.Equal(ids[0], order[0]);
        Assert.Equal(3, order.Distinct().Count());
    }

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task A_worn_gap_in_a_long_column_is_spread_out_again_around_it_alone(Db db)
    {
        var ws = await TestWorkspace.CreateAsync(await fixture.For(db));
        var stages = await LeadsApiTests.StagesAsync(ws);
        var pipeline = (await ws.Admin.GetFromJsonAsync<JsonElement>("/api/v1/pipelines")).GetProperty("items")[0].GetProperty("id").GetInt32();
        var column = Enumerable.Range(0, 120).Select(i => new Leadline.Leads.Lead { Name = $"C{i:000}", Position = (i + 1) * 1024 }).ToList();
        await ws.WriteLeadsAsync(column, stages["New"]);
        var ids = column.Select(l => l.Id).ToList();

        // the last two cards take turns at index 60: one gap halves with every drop, past what a double can split
        var expected = ids.ToList();
        for (var i = 0; i < 70; i++)
        {
            var id = ids[118 + i % 2];
            Assert.Equal(HttpStatusCode.OK, (await MoveAsync(ws, id, new { stageId = stages["New"], position = 60 })).StatusCode);
            expected.Remove(id);
            expected.Insert(60, id);
        }

        Assert.Equal(expected, await ColumnOrderAsync(ws, pipeline, stages["New"]));
        await using (var scope = ws.Scope(out var leadlineDb))
        {
            // the cards well away from the spot still hold the positions they were written with: no column-wide renumbering
            var positions = await leadlineDb.Leads.Where(l => ids.Contains(l.Id)).ToDictionaryAsync(l => l.Id, l => l.Position);
            foreach (var i in Enumerable.Range(0, 30).Concat(Enumerable.Range(90, 28)))
                Assert.Equal((i + 1) * 1024.0, positions[ids[i]]);
        }
    }

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task A_move_next_to_a_card_goes_by_that_card_not_by_the_index(Db db)
    {
        var (ws, stages, pipeline, ids) = await ColumnAsync(await fixture.For(db), 5);
        var newStage = stages["New"];

        // position 0 is what a board filtered down to two cards would send for "after the first of them"
        Assert.Equal(HttpStatusCode.OK, (await MoveAsync(ws, ids[4], new { stageId = newStage, position = 1, afterLeadId = ids[1] })).StatusCode);
        Assert.Equal([ids[0], ids[1], ids[4], ids[2], ids[3]], await ColumnOrderAsync(ws, pipeline, newStage));
        await MoveAsync(ws, ids[3], new { stageId = newStage, position = 3, beforeLeadId = ids[0] });
        Assert.Equal([ids[3], ids[0], ids[1], ids[4], ids[2]], await ColumnOrderAsync(ws, pipeline, newStage));
        await MoveAsync(ws, ids[0], new { stageId = newStage, position = 0, afterLeadId = ids[2] });
        Assert.Equal([ids[3], ids[1], ids[4], ids[2], ids[0]], await ColumnOrderAsync(ws, pipeline, newStage));

        // into another column, after its only card
        await MoveAsync(ws, ids[1], new { stageId = stages["Working"], position = 0 });
        await MoveAsync(ws, ids[4], new { stageId = stages["Working"], position = 0, afterLeadId = ids[1] });
        Assert.Equal([ids[1], ids[4]], await ColumnOrderAsync(ws, pipeline, stages["Working"]));
        Assert.Equal([ids[3], ids[2], ids[0]], await ColumnOrderAsync(ws, pipeline, newStage));
    }

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task A_neighbour_that_left_the_column_leaves_the_move_to_the_position(Db db)
    {
        var (ws, stages, pipeline, ids) = await ColumnAsync(await fixture.For(db), 4);
        await MoveAsync(ws, ids[0], new { stageId = stages["Working"], position = 0 });

        // ids[0] was moved away meanwhile (another user), and the lead itself is no neighbour of its own
        await MoveAsync(ws, ids[3], new { stageId = stages["New"], position = 0, afterLeadId = ids[0] });
        Assert.Equal([ids[3], ids[1], ids[2]], await ColumnOrderAsync(ws, pipeline, stages["New"]));
        await MoveAsync(ws, ids[3], new { stageId = stages["New"], position = 1, beforeLeadId = ids[3] });
        Assert.Equal([ids[1], ids[3], ids[2]], await ColumnOrderAsync(ws, pipeline, stages["New"]));
    }

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task Drops_after_one_card_past_what_the_gap_can_split_keep_the_exact_order(Db db)
    {
        var (ws, stages, pipeline, ids) = await ColumnAsync(await fixture.For(db), 4);
        // the last two cards take turns right after the first: the gap after it halves each time and wears out
        var expected = ids.ToList();
        for (var i = 0; i < 70; i++)
        {
            var id = ids[2 + i % 2];
            Assert.Equal(HttpStatusCode.OK, (await MoveAsync(ws, id, new { stageId = stages["New"], position = 3, afterLeadId = ids[0] })).StatusCode);
            expected.Remove(id);
            expected.Insert(1, id);
        }

        Assert.Equal(expected, await ColumnOrderAsync(ws, pipeline, stages["New"]));
    }

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task Moving_to_lost_needs_a_reason(Db db)
    {
        var (ws, stages, _, ids) = await ColumnAsync(await fixture.For(db), 1);

        var without = await MoveAsync(ws, ids[0], new { stageId = stages["Lost"], position = 0 });
        var with = await MoveAsync(ws, ids[0], new { stageId = stages["Lost"], position = 0, lostReason = "Budget" });

        Assert.True((await without.ErrorsAsync()).TryGetProperty("lostReason", out _));
        Assert.Equal(HttpStatusCode.OK, with.StatusCode);
        Assert.Equal("Budget", (await with.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("lostReason").GetString());
    }

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task Two_concurrent_moves_of_the_same_card_leave_one_consistent_result(Db db)
    {
        var (ws, stages, pipeline, ids) = await ColumnAsync(await fixture.For(db), 2);
        var version = (await ws.Admin.GetFromJsonAsync<JsonElement>($"/api/v1/leads/{ids[0]}")).GetProperty("updatedAt");
        Assert.NotEqual(JsonValueKind.Undefined, version.ValueKind);

        var responses = await Task.WhenAll(
            MoveAsync(ws, ids[0], new { stageId = stages["Working"], position = 0, version = 0 }),
            MoveAsync(ws, ids[0], new { stageId = stages["Qualified"], position = 0, version = 0 }));

        // both were made against version 0: exactly one wins, the other is told its view is stale
        Assert.Equal(1, responses.Count(r => r.StatusCode == HttpStatusCode.OK));
        Assert.Equal(1, responses.Count(r => r.StatusCode == HttpStatusCode.PreconditionFailed));
        var lead = await ws.Admin.GetFromJsonAsync<JsonElement>($"/api/v1/leads/{ids[0]}");
        var stage = lead.GetProperty("stageId").GetInt32();
        Assert.Contains(stage, new[] { stages["Working"], stages["Qualified"] });
        Assert.Equal([ids[0]], await ColumnOrderAsync(ws, pipeline, stage));
    }

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task Reorder_refuses_leads_of_another_stage_or_workspace(Db db)
    {
        var (ws, stages, _, ids) = await ColumnAsync(await fixture.For(db), 2);
        var other = await TestWorkspace.CreateAsync(ws.App);
        var foreign = (await other.Admin.CreateLeadAsync(new { name = "Foreign" })).GetProperty("id").GetInt32();

        var wrongStage = await ws.Admin.PostAsJsonAsync("/api/v1/leads/reorder", new { stageId = stages["Working"], leadIds = ids });
        var wrongWorkspace = await ws.Admin.PostAsJsonAsync("/api/v1/leads/reorder", new { stageId = stages["New"], leadIds = new[] { ids[0], foreign } });
        var moveForeign = await MoveAsync(ws, foreign, new { stageId = stages["New"], position = 0 });

        Assert.True((await wrongStage.ErrorsAsync()).TryGetProperty("leadIds", out _));
        Assert.True((await wrongWorkspace.ErrorsAsync()).TryGetProperty("leadIds", out _));
        Assert.Equal(HttpStatusCode.NotFound, moveForeign.StatusCode);
    }

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task Fifty_concurrent_moves_and_reorders_keep_a_strict_order(Db db)
    {
        var ws = await TestWorkspace.CreateAsync(await fixture.For(db));
        var stages = await LeadsApiTests.StagesAsync(ws);
        var pipeline = (await ws.Admin.GetFromJsonAsync<JsonElement>("/api/v1/pipelines")).GetProperty("items")[0].GetProperty("id").GetInt32();
        var (column, incoming) = (stages["New"], stages["Working"]);
        var residents = Enumerable.Range(0, 12).Select(i => new Leadline.Leads.Lead { Name = $"R{i}", Position = (i + 1) * 1024 }).ToList();
        var movers = Enumerable.Range(0, 12).Select(i => new Leadline.Leads.Lead { Name = $"M{i}", Position = (i + 1) * 1024 }).ToList();
        await ws.WriteLeadsAsync(residents, column);
        await ws.WriteLeadsAsync(movers, incoming);
        var (residentIds, moverIds) = (residents.Select(l => l.Id).ToList(), movers.Select(l => l.Id).ToList());

        // 25 reorders of the column's first cards, and 25 moves of other cards into it (some twice), all at once
        var random = new Random(17);
        var reorders = Enumerable.Range(0, 25).Select(_ => residentIds.OrderBy(_ => random.Next()).ToList()).ToList();
        var moves = Enumerable.Range(0, 25).Select(i => (object)(i % 3 == 0
            ? new { stageId = column, position = random.Next(0, 20), afterLeadId = residentIds[random.Next(12)] }
            : new { stageId = column, position = random.Next(0, 20) })).ToList();
        var requests = reorders.Select(order => ws.Admin.PostAsJsonAsync("/api/v1/leads/reorder", new { stageId = column, leadIds = order }))
            .Zip(moves.Select((body, i) => MoveAsync(ws, moverIds[i % 12], body)), (a, b) => new[] { a, b }).SelectMany(p => p);
        var responses = await Task.WhenAll(requests);

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        await using (var scope = ws.Scope(out var leadlineDb))
        {
            var positions = await leadlineDb.Leads.Where(l => l.StageId == column).Select(l => l.Position).ToListAsync();
            Assert.Equal(24, positions.Count);
            Assert.Equal(positions.Count, positions.Distinct().Count());
        }
        // moves never touch the residents' positions, so their order is the order of whichever reorder went last
        var order = await ColumnOrderAsync(ws, pipeline, column);
        var residentOrder = order.Where(residentIds.Contains).ToList();
        Assert.Contains(reorders, r => r.SequenceEqual(residentOrder));

        // and a reorder of the whole column afterwards is the column's exact order
        var final = order.OrderBy(_ => random.Next()).ToList();
        Assert.Equal(HttpStatusCode.OK, (await ws.Admin.PostAsJsonAsync("/api/v1/leads/reorder", new { stageId = column, leadIds = final })).StatusCode);
        Assert.Equal(final, await ColumnOrderAsync(ws, pipeline, column));
    }

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task Reorder_of_cards_that_share_positions_gives_the_exact_order(Db db)
    {
        var ws = await TestWorkspace.CreateAsync(await fixture.For(db));
        var stages = await LeadsApiTests.StagesAsync(ws);
        var pipeline = (await ws.Admin.GetFromJsonAsync<JsonElement>("/api/v1/pipelines")).GetProperty("items")[0].GetProperty("id").GetInt32();
        // what concurrent moves used to leave behind: a dozen cards on three positions
        var column = Enumerable.Range(0, 12).Select(i => new Leadline.Leads.Lead { Name = $"T{i}", Position = 1024 * (1 + i % 3) }).ToList();
        await ws.WriteLeadsAsync(column, stages["New"]);
        var order = column.Select(l => l.Id).Reverse().ToList();

        var response = await ws.Admin.PostAsJsonAsync("/api/v1/leads/reorder", new { stageId = stages["New"], leadIds = order });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(order, await ColumnOrderAsync(ws, pipeline, stages["New"]));
    }
}

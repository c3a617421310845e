using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Leadline.Identity;
using Leadline.Tests.TestInfrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Leadline.Tests.Leads;

/// <summary>
/// Bulk actions (issue 18, item 6): each goes through the lead write path (history rows), changes exactly the selected
/// leads, asks the permission table per lead, runs large selections as a job, and can be undone.
/// </summary>
public sealed class BulkActionTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task Each_action_changes_exactly_the_selected_leads_and_writes_history(Db db)
    {
        var ws = await TestWorkspace.CreateAsync(await fixture.For(db));
        var (agentId, _, _) = await ws.AddUserAsync(Roles.Agent, "Olga Owner");
        var stages = await LeadsApiTests.StagesAsync(ws);
        var ids = await CreateLeadsAsync(ws.Admin, 5, "Pick");
        int[] picked = [ids[0], ids[2], ids[4]];
        int[] others = [ids[1], ids[3]];
        var list = await (await ws.Admin.PostAsJsonAsync("/api/v1/lists", new { name = "Spring" })).Content.ReadFromJsonAsync<JsonElement>();
        var listId = list.GetProperty("id").GetInt32();

        await DoneAsync(ws.Admin, new { action = "assignOwner", leadIds = picked, ownerId = agentId }, changed: 3);
        await DoneAsync(ws.Admin, new { action = "moveToStage", leadIds = picked, stageId = stages["Lost"], lostReason = "No budget" }, changed: 3);
        await DoneAsync(ws.Admin, new { action = "addTag", leadIds = picked, tag = "  VIP  " }, changed: 3);
        await DoneAsync(ws.Admin, new { action = "removeTag", leadIds = new[] { ids[0], ids[1] }, tag = "vip" }, changed: 1, unchanged: 1);
        await DoneAsync(ws.Admin, new { action = "addToList", leadIds = picked, listId }, changed: 3);
        await DoneAsync(ws.Admin, new { action = "archive", leadIds = picked }, changed: 3);

        foreach (var id in picked)
        {
            var lead = await LeadAsync(ws.Admin, id);
            Assert.Equal(agentId, lead.GetProperty("ownerId").GetInt32());
            Assert.Equal(stages["Lost"], lead.GetProperty("stageId").GetInt32());
            Assert.Equal("No budget", lead.GetProperty("lostReason").GetString());
            Assert.Equal(id == ids[0] ? new List<string?>() : ["vip"], lead.GetProperty("tags").EnumerateArray().Select(t => t.GetString()).ToList());
            Assert.True(lead.GetProperty("archived").GetBoolean());
            var fields = (await HistoryAsync(ws.Admin, id)).Select(h => h.Field).ToList();
            Assert.Contains("owner", fields);
            Assert.Contains("stage", fields);
            Assert.Contains("lostReason", fields);
            Assert.Contains("tags", fields);
            Assert.Contains("archived", fields);
            Assert.All(await HistoryAsync(ws.Admin, id), h => Assert.NotEqual("System", h.User));
        }
        foreach (var id in others)
        {
            var lead = await LeadAsync(ws.Admin, id);
            Assert.Equal(JsonValueKind.Null, lead.GetProperty("ownerId").ValueKind);
            Assert.Equal(stages["New"], lead.GetProperty("stageId").GetInt32());
            Assert.Empty(lead.GetProperty("tags").EnumerateArray());
            Assert.False(lead.GetProperty("archived").GetBoolean());
            Assert.Equal(["created"], (await HistoryAsync(ws.Admin, id)).Select(h => h.Field));
        }
        var members = await ws.Admin.GetFromJsonAsync<JsonElement>($"/api/v1/leads?listId={listId}&archived=true");
        Assert.Equal(picked.Order(), members.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetInt32()).Order());
    }

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task Leads_the_permission_table_refuses_are_counted_and_left_as_they_were(Db db)
    {
        var ws = await TestWorkspace.CreateAsync(await fixture.For(db));
        var (agentId, _, agent) = await ws.AddUserAsync(Roles.Agent);
        var adminId = (await ws.Admin.GetFromJsonAsync<JsonElement>("/api/v1/me")).GetProperty("id").GetInt32();
        var own = await CreateLeadsAsync(ws.Admin, 3, "Own", agentId);
        var admins = await CreateLeadsAsync(ws.Admin, 2, "Admins", adminId);
        var unassigned = await CreateLeadsAsync(ws.Admin, 1, "Nobody's");

        var archive = await DoneAsync(agent, new { action = "archive", leadIds = own.Concat(admins).ToArray() }, changed: 3, refused: 2);
        Assert.Equal("3 changed, 2 not yours to archive", archive.GetProperty("summary").GetString());
        Assert.Equal(2, archive.GetProperty("refusals").EnumerateArray().Single(r => r.GetProperty("reason").GetString() == "not yours to archive").GetProperty("count").GetInt32());
        foreach (var id in admins)
        {
            Assert.False((await LeadAsync(ws.Admin, id)).GetProperty("archived").GetBoolean());
            Assert.Equal(["created"], (await HistoryAsync(ws.Admin, id)).Select(h => h.Field));
        }

        // an agent hands on unassigned leads, not someone else's; a manager may
        await DoneAsync(agent, new { action = "assignOwner", leadIds = admins.Concat(unassigned).ToArray(), ownerId = agentId }, changed: 1, refused: 2);
        Assert.All(admins, id => Assert.Equal(adminId, LeadAsync(ws.Admin, id).GetAwaiter().GetResult().GetProperty("ownerId").GetInt32()));
        var (_, _, manager) = await ws.AddUserAsync(Roles.Manager);
        await DoneAsync(manager, new { action = "assignOwner", leadIds = admins, ownerId = agentId }, changed: 2);
    }

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task Undo_restores_what_the_action_changed_and_refuses_leads_changed_since(Db db)
    {
        var ws = await TestWorkspace.CreateAsync(await fixture.For(db));
        var stages = await LeadsApiTests.StagesAsync(ws);
        var ids = await CreateLeadsAsync(ws.Admin, 3, "Undo");
        var positions = new Dictionary<int, double>();
        await using (var scope = ws.Scope(out var data))
            foreach (var lead in data.Leads.Where(l => ids.Contains(l.Id)))
                positions[lead.Id] = lead.Position;
        var moved = await DoneAsync(ws.Admin, new { action = "moveToStage", leadIds = ids, stageId = stages["Lost"], lostReason = "Went elsewhere" }, changed: 3);
        Assert.True(moved.GetProperty("canUndo").GetBoolean());
        Assert.Equal(HttpStatusCode.OK, (await ws.Admin.PatchAsJsonAsync($"/api/v1/leads/{ids[1]}", new { company = "Changed Since GmbH" })).StatusCode);

        var undone = await ws.Admin.PostAsync($"/api/v1/leads/bulk/{moved.GetProperty("id").GetInt32()}/undo", null);

        Assert.Equal(HttpStatusCode.OK, undone.StatusCode);
        var undo = await undone.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal((2, 1), (undo.GetProperty("changed").GetInt32(), undo.GetProperty("refused").GetInt32()));
        Assert.Equal("2 restored, 1 changed since, left as they are", undo.GetProperty("summary").GetString());
        foreach (var id in new[] { ids[0], ids[2] })
        {
            var lead = await LeadAsync(ws.Admin, id);
            Assert.Equal(stages["New"], lead.GetProperty("stageId").GetInt32());
            Assert.Equal(JsonValueKind.Null, lead.GetProperty("lostReason").ValueKind);
            var fields = (await HistoryAsync(ws.Admin, id)).Select(h => h.Field).ToList();
            Assert.Equal((2, 2, 5), (fields.Count(f => f == "stage"), fields.Count(f => f == "lostReason"), fields.Count));
        }
        await using (var scope = ws.Scope(out var data))
            foreach (var lead in data.Leads.Where(l => l.Id == ids[0] || l.Id == ids[2]))
                Assert.Equal(positions[lead.Id], lead.Position);   // back in its place in the column
        Assert.Equal(stages["Lost"], (await LeadAsync(ws.Admin, ids[1])).GetProperty("stageId").GetInt32());
        // once only, and an undo is not undone
        Assert.Equal(HttpStatusCode.Conflict, (await ws.Admin.PostAsync($"/api/v1/leads/bulk/{moved.GetProperty("id").GetInt32()}/undo", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await ws.Admin.PostAsync($"/api/v1/leads/bulk/{undo.GetProperty("id").GetInt32()}/undo", null)).StatusCode);

        // the owner, archive, tags and list membership come back too
        var adminId = (await ws.Admin.GetFromJsonAsync<JsonElement>("/api/v1/me")).GetProperty("id").GetInt32();
        var list = (await (await ws.Admin.PostAsJsonAsync("/api/v1/lists", new { name = "Undo list" })).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt32();
        foreach (var body in new object[]
                 {
                     new { action = "assignOwner", leadIds = ids, ownerId = adminId }, new { action = "archive", leadIds = ids }, new { action = "addTag", leadIds = ids, tag = "undo-me" }, new { action = "addToList", leadIds = ids, listId = list },
                 })
        {
            var done = await DoneAsync(ws.Admin, body, changed: 3);
            var back = await (await ws.Admin.PostAsync($"/api/v1/leads/bulk/{done.GetProperty("id").GetInt32()}/undo", null)).Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal(3, back.GetProperty("changed").GetInt32());
        }
        Assert.Equal(3, (await ws.Admin.GetFromJsonAsync<JsonElement>("/api/v1/leads?owner=unassigned&q=Undo")).GetProperty("total").GetInt32());
        Assert.Equal(0, (await ws.Admin.GetFromJsonAsync<JsonElement>("/api/v1/leads?tag=undo-me")).GetProperty("total").GetInt32());
        Assert.Equal(0, (await ws.Admin.GetFromJsonAsync<JsonElement>($"/api/v1/leads?listId={list}")).GetProperty("total").GetInt32());
    }

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task A_job_for_all_matching_leads_completes_in_batches_as_its_user(Db db)
    {
        await using var app = await LeadlineApp.StartAsync(db, new Dictionary<string, string?> { ["Leadline:BulkActions:BatchSize"] = "2" });
        var ws = await TestWorkspace.CreateAsync(app);
        var me = (await ws.Admin.GetFromJsonAsync<JsonElement>("/api/v1/me")).GetProperty("id").GetInt32();
        var (agentId, _, _) = await ws.AddUserAsync(Roles.Agent);
        var mine = await CreateLeadsAsync(ws.Admin, 7, "Mine", me, tags: ["spring"]);
        var theirs = await CreateLeadsAsync(ws.Admin, 2, "Theirs", agentId, tags: ["spring"]);
        var untagged = await CreateLeadsAsync(ws.Admin, 2, "Untagged", me);

        // "owner=me" is the user who started it, though the worker runs it
        var started = await ws.Admin.PostAsJsonAsync("/api/v1/leads/bulk", new { action = "removeTag", filter = new { tag = "spring", owner = "me" }, tag = "spring" });

        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        var location = started.Headers.Location!.OriginalString;
        var job = await started.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(7, job.GetProperty("total").GetInt32());
        var done = await WaitAsync(ws.Admin, location);
        Assert.Equal("completed", done.GetProperty("status").GetString());
        Assert.Equal((7, 7, 0), (done.GetProperty("processed").GetInt32(), done.GetProperty("changed").GetInt32(), done.GetProperty("refused").GetInt32()));
        Assert.Equal(theirs.Order(), (await ws.Admin.GetFromJsonAsync<JsonElement>("/api/v1/leads?tag=spring")).GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetInt32()).Order());
        var adminName = (await ws.Admin.GetFromJsonAsync<JsonElement>("/api/v1/me")).GetProperty("name").GetString();
        Assert.Contains(await HistoryAsync(ws.Admin, mine[3]), h => h.Field == "tags" && h.User == adminName);
        Assert.Equal(["created"], (await HistoryAsync(ws.Admin, untagged[0])).Select(h => h.Field));

        // its undo is a job as well when the action was one
        var undo = await ws.Admin.PostAsync($"/api/v1/leads/bulk/{job.GetProperty("id").GetInt32()}/undo", null);
        var undone = await WaitAsync(ws.Admin, undo.Headers.Location?.OriginalString ?? $"/api/v1/leads/bulk/{(await undo.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt32()}");
        Assert.Equal(7, undone.GetProperty("changed").GetInt32());
        Assert.Equal(9, (await ws.Admin.GetFromJsonAsync<JsonElement>("/api/v1/leads?tag=spring")).GetProperty("total").GetInt32());
    }

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task An_action_whose_instance_stopped_is_claimed_again_and_resumes_after_its_last_batch(Db db)
    {
        var app = await fixture.For(db);
        var ws = await TestWorkspace.CreateAsync(app);
        var me = (await ws.Admin.GetFromJsonAsync<JsonElement>("/api/v1/me")).GetProperty("id").GetInt32();
        var ids = await CreateLeadsAsync(ws.Admin, 6, "Resume");
        int actionId;
        await using (var scope = ws.Scope(out var data))
        {
            // as a crashed instance left it: three leads committed, running, its heartbeat two minutes old
            var now = app.Clock.GetUtcNow().UtcDateTime;
            var stalled = new Leadline.Leads.Bulk.BulkAction
            {
                UserId = me, Kind = Leadline.Leads.Bulk.BulkActionKind.AddTag, Parameters = """{"tag":"resumed"}""", LeadIds = JsonSerializer.Serialize(ids),
                Status = Leadline.Leads.Bulk.BulkActionStatus.Running, Total = 6, Processed = 3, Changed = 3, LastLeadId = ids[2], Instance = "gone",
                HeartbeatAt = now.AddMinutes(-2), CreatedAt = now.AddMinutes(-3),
            };
            data.BulkActions.Add(stalled);
            await data.SaveChangesAsync();
            actionId = stalled.Id;
        }

        app.Services.GetRequiredService<Leadline.Leads.Bulk.BulkActionSignal>().Notify();

        var done = await WaitAsync(ws.Admin, $"/api/v1/leads/bulk/{actionId}");
        Assert.Equal(("completed", 6, 6), (done.GetProperty("status").GetString(), done.GetProperty("processed").GetInt32(), done.GetProperty("changed").GetInt32()));
        var tagged = (await ws.Admin.GetFromJsonAsync<JsonElement>("/api/v1/leads?tag=resumed")).GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetInt32()).Order();
        Assert.Equal(ids.Skip(3), tagged);   // the batches before the crash are not done again
    }

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task An_action_another_live_instance_runs_is_left_to_it(Db db)
    {
        var app = await fixture.For(db);
        var ws = await TestWorkspace.CreateAsync(app);
        var me = (await ws.Admin.GetFromJsonAsync<JsonElement>("/api/v1/me")).GetProperty("id").GetInt32();
        var ids = await CreateLeadsAsync(ws.Admin, 2, "Theirs");
        await using var scope = ws.Scope(out var data);
        var now = app.Clock.GetUtcNow().UtcDateTime;
        var elsewhere = new Leadline.Leads.Bulk.BulkAction
        {
            UserId = me, Kind = Leadline.Leads.Bulk.BulkActionKind.AddTag, Parameters = """{"tag":"twice"}""", LeadIds = JsonSerializer.Serialize(ids),
            Status = Leadline.Leads.Bulk.BulkActionStatus.Running, Total = 2, Instance = "alive-elsewhere", HeartbeatAt = now, CreatedAt = now,
        };
        data.BulkActions.Add(elsewhere);
        await data.SaveChangesAsync();

        // this instance's worker looks (its heartbeat is fresh: not claimed), and a run here stops before its first batch
        app.Services.GetRequiredService<Leadline.Leads.Bulk.BulkActionSignal>().Notify();
        await scope.ServiceProvider.GetRequiredService<Leadline.Leads.Bulk.BulkActions>().RunAsync(elsewhere.Id, CancellationToken.None);

        var state = await ws.Admin.GetFromJsonAsync<JsonElement>($"/api/v1/leads/bulk/{elsewhere.Id}");
        Assert.Equal(("running", 0), (state.GetProperty("status").GetString(), state.GetProperty("processed").GetInt32()));
        Assert.Equal(0, (await ws.Admin.GetFromJsonAsync<JsonElement>("/api/v1/leads?tag=twice")).GetProperty("total").GetInt32());
    }

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task The_list_page_runs_an_action_on_ticked_leads_and_on_all_matching_and_shows_its_outcome(Db db)
    {
        var app = await fixture.For(db);
        var ws = await TestWorkspace.CreateAsync(app);
        var run = Guid.NewGuid().ToString("N")[..6];
        var ids = await CreateLeadsAsync(ws.Admin, 4, "Page" + run);
        var browser = await CookieBrowser.SignInAsync(app, ws.AdminEmail);
        var filter = $"q=Page{run}";
        var list = await browser.GetStringAsync("/leads?" + filter);
        Assert.Contains("id=\"bulk-bar\"", list, StringComparison.Ordinal);

        var ticked = await browser.PostAsync("/leads/bulk", new FormUrlEncodedContent(
        [
            new("__RequestVerificationToken", CookieBrowser.AntiforgeryToken(list)), new("filter", filter), new("scope", "selected"),
            new("ids", ids[0].ToString()), new("ids", ids[1].ToString()), new("action", "addTag"), new("tag", "ticked"),
        ]));

        Assert.Equal(HttpStatusCode.Redirect, ticked.StatusCode);
        var back = ticked.Headers.Location!.OriginalString;
        Assert.StartsWith($"/leads?{filter}&bulk=", back, StringComparison.Ordinal);
        var outcome = await browser.GetStringAsync(back);
        Assert.Contains("Tag added:</strong> 2 changed.", outcome, StringComparison.Ordinal);
        Assert.Contains("id=\"bulk-undo\"", outcome, StringComparison.Ordinal);
        Assert.Equal(2, (await ws.Admin.GetFromJsonAsync<JsonElement>("/api/v1/leads?tag=ticked")).GetProperty("total").GetInt32());

        var matching = await browser.PostAsync("/leads/bulk", new FormUrlEncodedContent(
        [
            new("__RequestVerificationToken", CookieBrowser.AntiforgeryToken(outcome)), new("filter", filter), new("scope", "matching"),
            new("ids", ids[0].ToString()), new("action", "addTag"), new("tag", "everyone"),
        ]));
        var job = int.Parse(matching.Headers.Location!.OriginalString.Split("bulk=")[1], System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(4, (await WaitAsync(ws.Admin, $"/api/v1/leads/bulk/{job}")).GetProperty("changed").GetInt32());
        Assert.Contains("Tag added:</strong> 4 changed.", await browser.GetStringAsync($"/leads/bulk/{job}"), StringComparison.Ordinal);
        // without the form's token nothing runs: the refused form goes to the 400 status page
        var forged = await browser.PostAsync("/leads/bulk", new FormUrlEncodedContent([new("filter", filter), new("scope", "matching"), new("action", "archive")]));
        Assert.Equal(HttpStatusCode.Redirect, forged.StatusCode);
        Assert.Equal("/status/400", forged.Headers.Location?.OriginalString);
        Assert.Equal(4, (await ws.Admin.GetFromJsonAsync<JsonElement>($"/api/v1/leads?{filter}")).GetProperty("total").GetInt32());
    }

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task Bad_requests_name_the_field_and_change_nothing(Db db)
    {
        var ws = await TestWorkspace.CreateAsync(await fixture.For(db));
        var stages = await LeadsApiTests.StagesAsync(ws);
        var ids = await CreateLeadsAsync(ws.Admin, 2, "Bad");

        Assert.True((await (await ws.Admin.PostAsJsonAsync("/api/v1/leads/bulk", new { action = "explode", leadIds = ids })).ErrorsAsync()).TryGetProperty("action", out _));
        Assert.True((await (await ws.Admin.PostAsJsonAsync("/api/v1/leads/bulk", new { action = "archive" })).ErrorsAsync()).TryGetProperty("leadIds", out _));
        Assert.True((await (await ws.Admin.PostAsJsonAsync("/api/v1/leads/bulk", new { action = "archive", filter = new { hot = "maybe" } })).ErrorsAsync()).TryGetProperty("filter.hot", out _));
        Assert.True((await (await ws.Admin.PostAsJsonAsync("/api/v1/leads/bulk", new { action = "moveToStage", leadIds = ids, stageId = stages["Lost"] })).ErrorsAsync()).TryGetProperty("lostReason", out _));
        Assert.True((await (await ws.Admin.PostAsJsonAsync("/api/v1/leads/bulk", new { action = "addTag", leadIds = ids, tag = " " })).ErrorsAsync()).TryGetProperty("tag", out _));
        Assert.True((await (await ws.Admin.PostAsJsonAsync("/api/v1/leads/bulk", new { action = "addToList", leadIds = ids, listId = 999999 })).ErrorsAsync()).TryGetProperty("listId", out _));
        Assert.True((await (await ws.Admin.PostAsJsonAsync("/api/v1/leads/bulk", new { action = "assignOwner", leadIds = ids, ownerId = 999999 })).ErrorsAsync()).TryGetProperty("ownerId", out _));
        Assert.All(ids, id => Assert.Single(HistoryAsync(ws.Admin, id).GetAwaiter().GetResult()));
        Assert.Equal(HttpStatusCode.NotFound, (await ws.Admin.GetAsync("/api/v1/leads/bulk/999999")).StatusCode);
        // another user's action is not theirs to read or undo
        var done = await DoneAsync(ws.Admin, new { action = "addTag", leadIds = ids, tag = "x" }, changed: 2);
        var (_, _, manager) = await ws.AddUserAsync(Roles.Manager);
        Assert.Equal(HttpStatusCode.NotFound, (await manager.GetAsync($"/api/v1/leads/bulk/{done.GetProperty("id").GetInt32()}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await manager.PostAsync($"/api/v1/leads/bulk/{done.GetProperty("id").GetInt32()}/undo", null)).StatusCode);
    }

    private static async Task<JsonElement> DoneAsync(HttpClient client, object body, int changed, int unchanged = 0, int refused = 0)
    {
        var response = await client.PostAsJsonAsync("/api/v1/leads/bulk", body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode} {text}");
        var result = JsonSerializer.Deserialize<JsonElement>(text);
        Assert.Equal("completed", result.GetProperty("status").GetString());
        Assert.Equal((changed, unchanged, refused), (result.GetProperty("changed").GetInt32(), result.GetProperty("unchanged").GetInt32(), result.GetProperty("refused").GetInt32()));
        return result;
    }

    /// <summary>Polls a job until it ends (the worker runs it in the background); fails after a generous deadline.</summary>
    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task A_job_is_cancelled_from_its_progress_line_and_stops_before_its_next_batch(Db db)
    {
        // an app of its own without the worker: it would claim the queued action at its next look
        await using var app = await LeadlineApp.StartAsync(db, new Dictionary<string, string?> { ["Leadline:BulkActions:JobsEnabled"] = "false" });
        var ws = await TestWorkspace.CreateAsync(app);
        var me = (await ws.Admin.GetFromJsonAsync<JsonElement>("/api/v1/me")).GetProperty("id").GetInt32();
        var ids = await CreateLeadsAsync(ws.Admin, 4, "Cancel");
        var browser = await CookieBrowser.SignInAsync(app, ws.AdminEmail);
        int queuedId, runningId;
        await using (var scope = ws.Scope(out var data))
        {
            // one waiting for the worker, one this instance runs (two of four leads done, its heartbeat fresh)
            var now = app.Clock.GetUtcNow().UtcDateTime;
            var queued = new Leadline.Leads.Bulk.BulkAction
            {
                UserId = me, Kind = Leadline.Leads.Bulk.BulkActionKind.AddTag, Parameters = """{"tag":"never"}""", LeadIds = JsonSerializer.Serialize(ids),
                Status = Leadline.Leads.Bulk.BulkActionStatus.Queued, Total = 4, HeartbeatAt = now, CreatedAt = now,
            };
            var running = new Leadline.Leads.Bulk.BulkAction
            {
                UserId = me, Kind = Leadline.Leads.Bulk.BulkActionKind.AddTag, Parameters = """{"tag":"half"}""", LeadIds = JsonSerializer.Serialize(ids),
                Status = Leadline.Leads.Bulk.BulkActionStatus.Running, Total = 4, Processed = 2, Changed = 2, LastLeadId = ids[1],
                Instance = Leadline.Leads.Bulk.BulkActions.Instance, HeartbeatAt = now, CreatedAt = now,
            };
            data.BulkActions.AddRange(queued, running);
            await data.SaveChangesAsync();
            (queuedId, runningId) = (queued.Id, running.Id);
        }

        // the progress line has a Cancel button; its form goes back to the list with the outcome
        var progress = await browser.GetStringAsync($"/leads/bulk/{queuedId}");
        Assert.Contains("id=\"bulk-cancel\"", progress, StringComparison.Ordinal);
        var cancelled = await browser.PostAsync($"/leads/bulk/{queuedId}/cancel", new FormUrlEncodedContent(
            [new("__RequestVerificationToken", CookieBrowser.AntiforgeryToken(progress)), new("filter", "tag=x")]));
        Assert.Equal($"/leads?tag=x&bulk={queuedId}", cancelled.Headers.Location?.OriginalString);
        var outcome = await browser.GetStringAsync($"/leads/bulk/{queuedId}");
        Assert.Contains("data-status=\"cancelled\"", outcome, StringComparison.Ordinal);
        Assert.Contains("Tag added, cancelled after 0 of 4 leads:", outcome, StringComparison.Ordinal);
        Assert.DoesNotContain("id=\"bulk-cancel\"", outcome, StringComparison.Ordinal);

        // the API's cancel of the running one; its next batch does not run
        var stop = await ws.Admin.PostAsync($"/api/v1/leads/bulk/{runningId}/cancel", null);
        Assert.Equal(HttpStatusCode.OK, stop.StatusCode);
        Assert.Equal("cancelled", (await stop.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
        await using (var scope = ws.Scope(out _))
        {
            var bulk = scope.ServiceProvider.GetRequiredService<Leadline.Leads.Bulk.BulkActions>();
            await bulk.RunAsync(queuedId, CancellationToken.None);
            await bulk.RunAsync(runningId, CancellationToken.None);
        }
        var after = await ws.Admin.GetFromJsonAsync<JsonElement>($"/api/v1/leads/bulk/{runningId}");
        Assert.Equal(("cancelled", 2), (after.GetProperty("status").GetString(), after.GetProperty("processed").GetInt32()));
        Assert.Equal(0, (await ws.Admin.GetFromJsonAsync<JsonElement>("/api/v1/leads?tag=never")).GetProperty("total").GetInt32());
        Assert.Equal(0, (await ws.Admin.GetFromJsonAsync<JsonElement>("/api/v1/leads?tag=half")).GetProperty("total").GetInt32());

        // over is over: a second cancel is a conflict
        Assert.Equal(HttpStatusCode.Conflict, (await ws.Admin.PostAsync($"/api/v1/leads/bulk/{runningId}/cancel", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await ws.Admin.PostAsync("/api/v1/leads/bulk/999999/cancel", null)).StatusCode);
    }

    private static async Task<JsonElement> WaitAsync(HttpClient client, string location)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var state = await client.GetFromJsonAsync<JsonElement>(location);
            var status = state.GetProperty("status").GetString();
            if (status is "completed" or "failed")
                return state;
            Assert.True(state.GetProperty("processed").GetInt32() <= state.GetProperty("total").GetInt32());
            Assert.True(DateTime.UtcNow < deadline, $"the job is still {status} after a minute: {state}");
            await Task.Delay(50);
        }
    }

    private static async Task<List<int>> CreateLeadsAsync(HttpClient client, int count, string prefix, int? ownerId = null, string[]? tags = null)
    {
        var ids = new List<int>();
        for (var i = 0; i < count; i++)
            ids.Add((await client.CreateLeadAsync(new { name = $"{prefix} {i}", ownerId, tags = tags ?? [] })).GetProperty("id").GetInt32());
        return ids;
    }

    private static Task<JsonElement> LeadAsync(HttpClient client, int id) => client.GetFromJsonAsync<JsonElement>($"/api/v1/leads/{id}");

    private static async Task<List<(string Field, string? User)>> HistoryAsync(HttpClient client, int id) =>
        (await client.GetFromJsonAsync<JsonElement>($"/api/v1/leads/{id}/history")).GetProperty("items").EnumerateArray()
        .Select(h => (h.GetProperty("field").GetString()!, h.GetProperty("userName").GetString())).ToList();
}

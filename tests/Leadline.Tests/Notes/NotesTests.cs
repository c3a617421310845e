using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Leadline.Queue;
using Leadline.Tests.TestInfrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Leadline.Tests.Notes;

public sealed class NotesTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    private static async Task<int> LeadAsync(TestWorkspace ws, object? body = null) =>
        (await ws.Admin.CreateLeadAsync(body ?? new { name = "Nora Note" })).GetProperty("id").GetInt32();

    private static async Task<JsonElement> TemplateAsync(HttpClient client, object body)
    {
        var response = await client.PostAsJsonAsync("/api/v1/note-templates", body);
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private static async Task<JsonElement> PostAsync(HttpClient client, string url, object body)
    {
        var response = await client.PostAsJsonAsync(url, body);
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"{url}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private static async Task<JsonElement> GetLeadAsync(TestWorkspace ws, int id) => await ws.Admin.GetFromJsonAsync<JsonElement>($"/api/v1/leads/{id}");

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task A_template_applies_its_tags_once_with_one_history_row_and_sets_the_outcome(Db db)
    {
        var ws = await TestWorkspace.CreateAsync(await fixture.For(db));
        var lead = await LeadAsync(ws, new { name = "Tina Tagged", tags = new[] { "vip" } });
        var template = await TemplateAsync(ws.Admin, new { title = "Call back", text = "Asked us to call back next week.", tags = new[] { "Callback", "interested", "vip" }, outcome = "partial" });

        var note = await PostAsync(ws.Admin, $"/api/v1/leads/{lead}/notes", new { templateId = template.GetProperty("id").GetInt32() });
        Assert.Equal("Asked us to call back next week.", note.GetProperty("text").GetString());   // empty text takes the template's
        Assert.Equal("partial", note.GetProperty("outcome").GetString());
        Assert.Equal("Ada Admin", note.GetProperty("authorName").GetString());
        await PostAsync(ws.Admin, $"/api/v1/leads/{lead}/notes", new { templateId = template.GetProperty("id").GetInt32(), text = "Again" });

        var tags = (await GetLeadAsync(ws, lead)).GetProperty("tags").EnumerateArray().Select(t => t.GetString()).ToList();
        Assert.Equal(["vip", "callback", "interested"], tags);
        var history = (await ws.Admin.GetFromJsonAsync<JsonElement>($"/api/v1/leads/{lead}/history")).GetProperty("items").EnumerateArray().ToList();
        var tagRow = Assert.Single(history, h => h.GetProperty("field").GetString() == "tags");
        Assert.Equal("vip", tagRow.GetProperty("from").GetString());
        Assert.Equal("vip, callback, interested", tagRow.GetProperty("to").GetString());

        var notes = (await ws.Admin.GetFromJsonAsync<JsonElement>($"/api/v1/leads/{lead}/notes")).GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(["Again", "Asked us to call back next week."], notes.Select(n => n.GetProperty("text").GetString()));   // newest first
    }

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task Notes_and_templates_refuse_bad_input_and_other_workspaces(Db db)
    {
        var ws = await TestWorkspace.CreateAsync(await fixture.For(db));
        var lead = await LeadAsync(ws);
        Assert.True((await (await ws.Admin.PostAsJsonAsync($"/api/v1/leads/{lead}/notes", new { text = "  " })).ErrorsAsync()).TryGetProperty("text", out _));
        Assert.True((await (await ws.Admin.PostAsJsonAsync($"/api/v1/leads/{lead}/notes", new { text = "x", outcome = "great" })).ErrorsAsync()).TryGetProperty("outcome", out _));
        Assert.True((await (await ws.Admin.PostAsJsonAsync($"/api/v1/leads/{lead}/notes", new { text = "x", templateId = 999999 })).ErrorsAsync()).TryGetProperty("templateId", out _));
        Assert.True((await (await ws.Admin.PostAsJsonAsync("/api/v1/note-templates", new { title = "", text = "" })).ErrorsAsync()).TryGetProperty("title", out _));
        // a NUL character: PostgreSQL cannot store one (it answered with a 500), SQLite stored it; refused on both
        Assert.True((await (await ws.Admin.PostAsJsonAsync($"/api/v1/leads/{lead}/notes", new { text = "Called\u0000back" })).ErrorsAsync()).TryGetProperty("text", out _));
        Assert.True((await (await ws.Admin.PostAsJsonAsync($"/api/v1/leads/{lead}/activities", new { type = "call", subject = "Ring\u0000" })).ErrorsAsync()).TryGetProperty("subject", out _));
        Assert.True((await (await ws.Admin.PostAsJsonAsync("/api/v1/note-templates", new { title = "T\u0000", text = "Fine" })).ErrorsAsync()).TryGetProperty("title", out _));
        await TemplateAsync(ws.Admin, new { title = "Voicemail", text = "Left a voicemail." });
        Assert.True((await (await ws.Admin.PostAsJsonAsync("/api/v1/note-templates", new { title = "Voicemail", text = "Again" })).ErrorsAsync()).TryGetProperty("title", out _));
        Assert.Empty((await ws.Admin.GetFromJsonAsync<JsonElement>($"/api/v1/leads/{lead}/notes")).GetProperty("items").EnumerateArray());

        var other = await TestWorkspace.CreateAsync(ws.App);
        Assert.Equal(HttpStatusCode.NotFound, (await other.Admin.PostAsJsonAsync($"/api/v1/leads/{lead}/notes", new { text = "Sneaky" })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.Admin.GetAsync($"/api/v1/leads/{lead}/activities")).StatusCode);
        Assert.Empty((await other.Admin.GetFromJsonAsync<JsonElement>("/api/v1/note-templates")).GetProperty("items").EnumerateArray());
    }

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task Lead_flow_follows_notes_closing_templates_and_closing_stages(Db db)
    {
        var ws = await TestWorkspace.CreateAsync(await fixture.For(db));
        var untouched = await LeadAsync(ws, new { name = "Una Untouched" });
        var working = await LeadAsync(ws, new { name = "Wim Working" });
        var closedByNote = await LeadAsync(ws, new { name = "Clara Closed" });
        var lost = await LeadAsync(ws, new { name = "Lou Lost" });
        Assert.Equal("none", (await GetLeadAsync(ws, untouched)).GetProperty("leadFlow").GetString());

        await PostAsync(ws.Admin, $"/api/v1/leads/{working}/notes", new { text = "Rang, no answer" });
        var closing = await TemplateAsync(ws.Admin, new { title = "Not interested", text = "Not interested, do not call again.", tags = new[] { "do-not-call" }, outcome = "negative", closesLead = true });
        var closingNote = await PostAsync(ws.Admin, $"/api/v1/leads/{closedByNote}/notes", new { templateId = closing.GetProperty("id").GetInt32() });
        Assert.True(closingNote.GetProperty("closesLead").GetBoolean());
        var pipelines = await ws.Admin.GetFromJsonAsync<JsonElement>("/api/v1/pipelines");
        var lostStage = pipelines.GetProperty("items")[0].GetProperty("stages").EnumerateArray().First(s => s.GetProperty("category").GetString() == "lost").GetProperty("id").GetInt32();
        Assert.Equal(HttpStatusCode.OK, (await ws.Admin.PostAsJsonAsync($"/api/v1/leads/{lost}/move", new { stageId = lostStage, position = 0, lostReason = "Budget" })).StatusCode);

        var working1 = await GetLeadAsync(ws, working);
        Assert.Equal("inProgress", working1.GetProperty("leadFlow").GetString());
        Assert.Equal(ws.App.Clock.GetUtcNow().UtcDateTime, working1.GetProperty("lastActivityAt").GetDateTime());
        Assert.Equal(JsonValueKind.Null, working1.GetProperty("firstResponseAt").ValueKind);   // an internal note is not a response
        var closed = await GetLeadAsync(ws, closedByNote);
        Assert.Equal("completed", closed.GetProperty("leadFlow").GetString());
        Assert.NotEqual(JsonValueKind.Null, closed.GetProperty("closedAt").ValueKind);
        Assert.Equal(["Una Untouched"], await ws.Admin.LeadNamesAsync("leadFlow=none"));
        Assert.Equal(["Wim Working"], await ws.Admin.LeadNamesAsync("leadFlow=inProgress"));
        Assert.Equal(["Lou Lost", "Clara Closed"], await ws.Admin.LeadNamesAsync("leadFlow=COMPLETED"));
        Assert.True((await (await ws.Admin.GetAsync("/api/v1/leads?leadFlow=maybe")).ErrorsAsync()).TryGetProperty("leadFlow", out _));
    }

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task Activities_set_first_response_and_a_scheduled_meeting_is_the_next_follow_up(Db db)
    {
        var ws = await TestWorkspace.CreateAsync(await fixture.For(db));
        var lead = await LeadAsync(ws);
        var now = ws.App.Clock.GetUtcNow().UtcDateTime;
        Assert.True((await (await ws.Admin.PostAsJsonAsync($"/api/v1/leads/{lead}/activities", new { type = "fax" })).ErrorsAsync()).TryGetProperty("type", out _));
        Assert.True((await (await ws.Admin.PostAsJsonAsync($"/api/v1/leads/{lead}/activities", new { type = "meeting", subject = "Demo" })).ErrorsAsync()).TryGetProperty("dueAt", out _));

        var call = await PostAsync(ws.Admin, $"/api/v1/leads/{lead}/activities", new { type = "call", outcome = "positive", durationSeconds = 300, doneAt = now.AddMinutes(-30) });
        Assert.Equal("Call", call.GetProperty("subject").GetString());
        var meeting = await PostAsync(ws.Admin, $"/api/v1/leads/{lead}/activities", new { type = "meeting", subject = "Demo", dueAt = now.AddDays(2) });
        await PostAsync(ws.Admin, $"/api/v1/leads/{lead}/reminders", new { dueAt = now.AddDays(3) });

        var after = await GetLeadAsync(ws, lead);
        Assert.Equal(now.AddMinutes(-30), after.GetProperty("firstResponseAt").GetDateTime());
        Assert.Equal(now.AddMinutes(-30), after.GetProperty("lastActivityAt").GetDateTime());
        Assert.Equal(now.AddDays(2), after.GetProperty("nextFollowUpAt").GetDateTime());

        Assert.Equal(HttpStatusCode.OK, (await ws.Admin.PostAsync($"/api/v1/activities/{meeting.GetProperty("id").GetInt32()}/done", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await ws.Admin.PostAsync($"/api/v1/activities/{meeting.GetProperty("id").GetInt32()}/done", null)).StatusCode);
        Assert.Equal(now.AddDays(3), (await GetLeadAsync(ws, lead)).GetProperty("nextFollowUpAt").GetDateTime());
        var timeline = (await ws.Admin.GetFromJsonAsync<JsonElement>($"/api/v1/leads/{lead}/activities")).GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(["meeting", "call"], timeline.Select(a => a.GetProperty("type").GetString()));
    }

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task The_first_of_fifty_agents_noting_at_once_reserves_the_lead(Db db)
    {
        var ws = await TestWorkspace.CreateAsync(await fixture.For(db));
        await using (var scope = ws.Scope(out var ctx))
        {
            var workspace = await ctx.Workspaces.FirstAsync(w => w.Id == ws.Id);
            workspace.ReservationRoles = ["Agent"];
            await ctx.SaveChangesAsync();
        }
        var lead = await LeadAsync(ws, new { name = "Rex Reserved" });
        var agents = new List<(int Id, HttpClient Client)>();
        for (var i = 0; i < 50; i++)
        {
            var (id, _, client) = await ws.AddUserAsync("Agent", $"Agent {i:00}");
            agents.Add((id, client));
        }

        using var start = new ManualResetEventSlim();
        var posts = agents.Select(a => Task.Run(async () =>
        {
            start.Wait();
            return await a.Client.PostAsJsonAsync($"/api/v1/leads/{lead}/notes", new { text = $"First note by {a.Id}" });
        })).ToList();
        start.Set();
        var responses = await Task.WhenAll(posts);

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Created, r.StatusCode));
        var after = await GetLeadAsync(ws, lead);
        var owner = after.GetProperty("ownerId").GetInt32();
        Assert.Contains(owner, agents.Select(a => a.Id));
        Assert.NotEqual(JsonValueKind.Null, after.GetProperty("reservedAt").ValueKind);
        Assert.Equal(50, (await ws.Admin.GetFromJsonAsync<JsonElement>($"/api/v1/leads/{lead}/notes")).GetProperty("total").GetInt32());
        var history = (await ws.Admin.GetFromJsonAsync<JsonElement>($"/api/v1/leads/{lead}/history")).GetProperty("items").EnumerateArray();
        Assert.Single(history, h => h.GetProperty("field").GetString() == "owner");

        // an Admin is not in the reservation roles: their note on an unowned lead leaves it unowned
        var other = await LeadAsync(ws, new { name = "Otto Open" });
        await PostAsync(ws.Admin, $"/api/v1/leads/{other}/notes", new { text = "Admin note" });
        Assert.Equal(JsonValueKind.Null, (await GetLeadAsync(ws, other)).GetProperty("ownerId").ValueKind);
    }

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task A_reservation_without_activity_is_released_after_the_configured_hours(Db db)
    {
        var ws = await TestWorkspace.CreateAsync(await fixture.For(db));
        await using (var scope = ws.Scope(out var ctx))
        {
            var workspace = await ctx.Workspaces.FirstAsync(w => w.Id == ws.Id);
            workspace.ReservationRoles = ["Agent"];
            workspace.ReservationReleaseHours = 2;
            await ctx.SaveChangesAsync();
        }
        var (agentId, _, agent) = await ws.AddUserAsync("Agent", "Ava Agent");
        var idle = await LeadAsync(ws, new { name = "Ida Idle" });
        var busy = await LeadAsync(ws, new { name = "Bea Busy" });
        await PostAsync(agent, $"/api/v1/leads/{idle}/notes", new { text = "Took it" });
        await PostAsync(agent, $"/api/v1/leads/{busy}/notes", new { text = "Took it too" });
        ws.App.Clock.Advance(TimeSpan.FromHours(1));
        await PostAsync(agent, $"/api/v1/leads/{busy}/activities", new { type = "call", outcome = "partial" });
        ws.App.Clock.Advance(TimeSpan.FromHours(1.5));   // idle: 2.5 h since the note; busy: 1.5 h since the call

        await using (var scope = ws.App.Services.CreateAsyncScope())
            Assert.True(await scope.ServiceProvider.GetRequiredService<ReservationReleaser>().ReleaseStaleAsync(CancellationToken.None) >= 1);

        var released = await GetLeadAsync(ws, idle);
        Assert.Equal(JsonValueKind.Null, released.GetProperty("ownerId").ValueKind);
        Assert.Equal(JsonValueKind.Null, released.GetProperty("reservedAt").ValueKind);
        Assert.Equal(agentId, (await GetLeadAsync(ws, busy)).GetProperty("ownerId").GetInt32());
        var history = (await ws.Admin.GetFromJsonAsync<JsonElement>($"/api/v1/leads/{idle}/history")).GetProperty("items").EnumerateArray().ToList();
        var release = history.First(h => h.GetProperty("field").GetString() == "owner");
        Assert.Equal("System", release.GetProperty("userName").GetString());
        Assert.Equal("Ava Agent", release.GetProperty("from").GetString());
        Assert.Equal(JsonValueKind.Null, release.GetProperty("to").ValueKind);
    }

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task The_work_queue_puts_never_contacted_leads_first_then_the_oldest_contact(Db db)
    {
        var ws = await TestWorkspace.CreateAsync(await fixture.For(db));
        var a = await LeadAsync(ws, new { name = "A never" });
        var b = await LeadAsync(ws, new { name = "B contacted long ago" });
        var c = await LeadAsync(ws, new { name = "C contacted recently" });
        ws.App.Clock.Advance(TimeSpan.FromMinutes(1));
        var d = await LeadAsync(ws, new { name = "D never, newer" });
        var e = await LeadAsync(ws, new { name = "E closed" });
        await PostAsync(ws.Admin, $"/api/v1/leads/{b}/activities", new { type = "call" });
        ws.App.Clock.Advance(TimeSpan.FromHours(1));
        await PostAsync(ws.Admin, $"/api/v1/leads/{c}/notes", new { text = "Spoke briefly" });
        var closing = await TemplateAsync(ws.Admin, new { title = "Done", text = "Done.", closesLead = true });
        await PostAsync(ws.Admin, $"/api/v1/leads/{e}/notes", new { templateId = closing.GetProperty("id").GetInt32() });

        await using var scope = ws.Scope(out _);
        var queue = scope.ServiceProvider.GetRequiredService<WorkQueueService>();
        var page = await queue.PageAsync(null, includeClosed: false, 1, CancellationToken.None);
        Assert.Equal(["A never", "D never, newer", "B contacted long ago", "C contacted recently"], page.Rows.Select(r => r.Lead.Name));
        Assert.Equal("Spoke briefly", page.Rows[3].LastNote?.Text);
        Assert.Equal(5, (await queue.PageAsync(null, includeClosed: true, 1, CancellationToken.None)).Total);
        Assert.Equal(["C contacted recently"], (await queue.PageAsync("recently", false, 1, CancellationToken.None)).Rows.Select(r => r.Lead.Name));
        Assert.Equal(d, await queue.NextAsync(a, CancellationToken.None));
        _ = c;
    }

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task A_queue_page_runs_on_from_the_never_contacted_leads_into_the_contacted_ones(Db db)
    {
        var ws = await TestWorkspace.CreateAsync(await fixture.For(db));
        var contacted = new List<int>();
        for (var i = 0; i < 2; i++)
            contacted.Add(await LeadAsync(ws, new { name = $"Contacted {i}" }));
        for (var i = 0; i < WorkQueueService.PageSize + 1; i++)
        {
            ws.App.Clock.Advance(TimeSpan.FromSeconds(1));
            await LeadAsync(ws, new { name = $"Never {i:00}" });
        }
        foreach (var id in contacted)
        {
            ws.App.Clock.Advance(TimeSpan.FromMinutes(1));
            await PostAsync(ws.Admin, $"/api/v1/leads/{id}/activities", new { type = "call" });
        }

        await using var scope = ws.Scope(out _);
        var queue = scope.ServiceProvider.GetRequiredService<WorkQueueService>();
        var first = await queue.PageAsync(null, includeClosed: false, 1, CancellationToken.None);
        var second = await queue.PageAsync(null, includeClosed: false, 2, CancellationToken.None);
        var third = await queue.PageAsync(null, includeClosed: false, 3, CancellationToken.None);

        Assert.Equal(Enumerable.Range(0, WorkQueueService.PageSize).Select(i => $"Never {i:00}"), first.Rows.Select(r => r.Lead.Name));
        Assert.Equal([$"Never {WorkQueueService.PageSize:00}", "Contacted 0", "Contacted 1"], second.Rows.Select(r => r.Lead.Name));
        Assert.Empty(third.Rows);
        Assert.Equal((WorkQueueService.PageSize + 3, false), (first.Total, first.Capped));
    }

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task Queue_settings_limit_the_queue_to_lists_and_refuse_unknown_values(Db db)
    {
        var ws = await TestWorkspace.CreateAsync(await fixture.For(db));
        var onList = await LeadAsync(ws, new { name = "On the list" });
        await LeadAsync(ws, new { name = "Not on it" });
        var list = (await PostAsync(ws.Admin, "/api/v1/lists", new { name = "Call list" })).GetProperty("id").GetInt32();
        await ws.Admin.PostAsJsonAsync($"/api/v1/lists/{list}/leads", new { leadIds = new[] { onList } });

        await using var scope = ws.Scope(out _);
        var settings = scope.ServiceProvider.GetRequiredService<QueueSettingsService>();
        var bad = await settings.SaveAsync(new QueueSettingsInput(["Wizard"], 0, [999999], ["shoeSize"]), CancellationToken.None);
        Assert.Equal(["fields", "listIds", "releaseHours", "reservationRoles"], bad.Errors.ToDictionary().Keys.Order());
        Assert.Empty((await settings.CurrentAsync(CancellationToken.None)).QueueFields);   // nothing half-saved

        var ok = await settings.SaveAsync(new QueueSettingsInput(["agent"], 24, [list], ["company", "phone"]), CancellationToken.None);
        Assert.True(ok.Succeeded);
        Assert.Equal(["Agent"], ok.Value!.ReservationRoles);
        Assert.Equal(["company", "phone"], (await settings.CurrentAsync(CancellationToken.None)).QueueFields);
        var queue = scope.ServiceProvider.GetRequiredService<WorkQueueService>();
        Assert.Equal(["On the list"], (await queue.PageAsync(null, false, 1, CancellationToken.None)).Rows.Select(r => r.Lead.Name));
    }
}

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Leadline.Inbox;
using Leadline.Leads;
using Leadline.Tests.Conversations;
using Leadline.Tests.TestInfrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Leadline.Tests.Inbox;

/// <summary>
/// The response discipline end to end through the API, with the app's manual clock: a customer's WhatsApp message starts
/// the first-response SLA and puts the lead in the Inbox's Now queue; a reply meets it, records the first response and
/// moves the lead from New to Contacted (the history naming the reply); business hours stretch the due time over a
/// weekend; the sweeper marks a breach once and notifies the owner and the manager; the queues and next action by hand.
/// </summary>
public sealed class ResponseDisciplineTests
{
    private static Task<LeadlineApp> StartAsync(Db db) => LeadlineApp.StartAsync(db, new Dictionary<string, string?>
    {
        ["Leadline:Webhooks:Enabled"] = "false",
        ["Leadline:Outbox:Enabled"] = "false",
        ["Leadline:Sla:Enabled"] = "false",
    });

    private static async Task<int> CustomerWritesAsync(WhatsappKit kit, string waId, string name, string text, DateTimeOffset at)
    {
        await kit.PostOkAsync(kit.Text(waId, name, text, "wamid." + Guid.NewGuid().ToString("N"), at));
        Assert.True(await kit.ProcessAsync() >= 1);
        await using var scope = kit.Workspace.Scope(out var db);
        return await db.ChannelIdentities.Where(i => i.ExternalId == waId).Select(i => i.LeadId).SingleAsync();
    }

    private static async Task<JsonElement> LeadAsync(HttpClient client, int id) =>
        await client.GetFromJsonAsync<JsonElement>($"/api/v1/leads/{id}");

    private static async Task<List<int>> QueueAsync(HttpClient client, string queue)
    {
        var response = await client.GetAsync($"/api/v1/inbox?queue={queue}");
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        var ids = body.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetInt32()).ToList();
        Assert.Equal(ids.Count, body.GetProperty("total").GetInt32());
        return ids;
    }

    private static async Task ReplyAsync(HttpClient client, WhatsappKit kit, int leadId, string text)
    {
        var response = await client.PostAsJsonAsync($"/api/v1/leads/{leadId}/messages", new { channelId = kit.ChannelId, text });
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
    }

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task A_prompt_first_reply_meets_the_SLA_and_moves_the_lead_from_New_to_Contacted(Db db)
    {
        await using var app = await StartAsync(db);
        var ws = await TestWorkspace.CreateAsync(app);
        var kit = await WhatsappKit.CreateAsync(ws);
        var wrote = app.Clock.GetUtcNow();
        var id = await CustomerWritesAsync(kit, "972501110001", "Noa Levi", "Is the flat still free?", wrote);

        var lead = await LeadAsync(ws.Admin, id);
        Assert.Equal("new", lead.GetProperty("status").GetString());
        Assert.Equal("due", lead.GetProperty("sla").GetProperty("state").GetString());
        Assert.Equal(wrote.UtcDateTime.AddMinutes(60), lead.GetProperty("sla").GetProperty("dueAt").GetDateTime());   // 60 minutes, around the clock
        Assert.Equal("reply", lead.GetProperty("nextAction").GetProperty("type").GetString());
        Assert.Equal(wrote.UtcDateTime, lead.GetProperty("nextAction").GetProperty("dueAt").GetDateTime());
        Assert.Equal(JsonValueKind.Null, lead.GetProperty("firstResponseAt").ValueKind);
        Assert.Equal([id], await QueueAsync(ws.Admin, "now"));

        // a second message while the first is unanswered keeps the clock where it started
        app.Clock.Advance(TimeSpan.FromMinutes(20));
        await CustomerWritesAsync(kit, "972501110001", "Noa Levi", "Hello?", app.Clock.GetUtcNow());
        Assert.Equal(wrote.UtcDateTime.AddMinutes(60), (await LeadAsync(ws.Admin, id)).GetProperty("sla").GetProperty("dueAt").GetDateTime());

        app.Clock.Advance(TimeSpan.FromMinutes(25));
        var repliedAt = app.Clock.GetUtcNow().UtcDateTime;
        await ReplyAsync(ws.Admin, kit, id, "Yes, come and see it tomorrow.");

        lead = await LeadAsync(ws.Admin, id);
        Assert.Equal("contacted", lead.GetProperty("status").GetString());
        Assert.Equal(repliedAt, lead.GetProperty("firstResponseAt").GetDateTime());
        Assert.Equal("met", lead.GetProperty("sla").GetProperty("state").GetString());
        Assert.Equal(JsonValueKind.Null, lead.GetProperty("nextAction").ValueKind);
        Assert.Empty(await QueueAsync(ws.Admin, "now"));

        var history = await ws.Admin.GetFromJsonAsync<JsonElement>($"/api/v1/leads/{id}/history");
        var stage = history.GetProperty("items").EnumerateArray().Single(h => h.GetProperty("field").GetString() == "stage");
        Assert.Equal("Attempted contact", stage.GetProperty("to").GetString());   // the default pipeline's first Contacted stage
        Assert.Equal("Ada Admin", stage.GetProperty("userName").GetString());
        Assert.Equal("first reply by WhatsApp", stage.GetProperty("reason").GetString());

        // the next reply moves nothing: the lead is no longer New, the first response stays the first
        app.Clock.Advance(TimeSpan.FromMinutes(5));
        await ReplyAsync(ws.Admin, kit, id, "See you then.");
        lead = await LeadAsync(ws.Admin, id);
        Assert.Equal(repliedAt, lead.GetProperty("firstResponseAt").GetDateTime());
        Assert.Equal("met", lead.GetProperty("sla").GetProperty("state").GetString());
    }

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task Business_hours_carry_the_SLA_over_the_weekend_and_a_breach_notifies_owner_and_manager_once(Db db)
    {
        await using var app = await StartAsync(db);
        // Friday 6 November 2026, 16:50 in Berlin (CET)
        app.Clock.Set(new DateTimeOffset(2026, 11, 6, 15, 50, 0, TimeSpan.Zero));
        var ws = await TestWorkspace.CreateAsync(app);
        var admin = ws.Admin;
        var kit = await WhatsappKit.CreateAsync(ws);
        var settings = await admin.PatchAsJsonAsync("/api/v1/settings/workspace", new
        {
            timeZone = "Europe/Berlin",
            firstResponseMinutes = 30,
            businessHours = new[] { "monday", "tuesday", "wednesday", "thursday", "friday" }.Select(d => new { day = d, from = "09:00", to = "17:00" }),
        });
        Assert.True(settings.IsSuccessStatusCode, await settings.Content.ReadAsStringAsync());
        var read = await admin.GetFromJsonAsync<JsonElement>("/api/v1/settings/workspace");
        Assert.Equal(30, read.GetProperty("firstResponseMinutes").GetInt32());
        Assert.Equal(5, read.GetProperty("businessHours").GetArrayLength());
        var (agentId, _, _) = await ws.AddUserAsync("Agent", "Avi Agent");
        var (managerId, managerEmail, _) = await ws.AddUserAsync("Manager", "Mira Manager");
        // the bearer tokens expire as the clock moves on: a fresh one after each jump
        async Task SetClockAsync(DateTimeOffset at)
        {
            app.Clock.Set(at);
            admin = await TestWorkspace.ClientForAsync(app, ws.AdminEmail, TestWorkspace.Password);
        }

        // 10 minutes today, 20 on Monday → due Monday 09:20 (08:20 UTC)
        var id = await CustomerWritesAsync(kit, "972501110002", "Dan Cohen", "Need a quote", app.Clock.GetUtcNow());
        var owned = await admin.PatchAsJsonAsync($"/api/v1/leads/{id}", new { ownerId = agentId });
        Assert.True(owned.IsSuccessStatusCode, await owned.Content.ReadAsStringAsync());
        var due = new DateTime(2026, 11, 9, 8, 20, 0, DateTimeKind.Utc);
        Assert.Equal(due, (await LeadAsync(admin, id)).GetProperty("sla").GetProperty("dueAt").GetDateTime());

        // Saturday: still due, in Now
        await SetClockAsync(new DateTimeOffset(2026, 11, 7, 10, 0, 0, TimeSpan.Zero));
        Assert.Equal("due", (await LeadAsync(admin, id)).GetProperty("sla").GetProperty("state").GetString());
        Assert.Equal([id], await QueueAsync(admin, "now"));
        // Sunday: the SLA is not breached yet, but 24 hours unanswered is too long: Recovery
        await SetClockAsync(new DateTimeOffset(2026, 11, 8, 16, 0, 0, TimeSpan.Zero));
        Assert.Equal("due", (await LeadAsync(admin, id)).GetProperty("sla").GetProperty("state").GetString());
        Assert.Empty(await QueueAsync(admin, "now"));
        Assert.Equal([id], await QueueAsync(admin, "recovery"));
        Assert.Equal(0, await SweepAsync(app));

        // Monday 09:21 Berlin: breached; the sweeper marks it once and tells the owner and the manager
        await SetClockAsync(new DateTimeOffset(due.AddMinutes(1)));
        Assert.Equal("breached", (await LeadAsync(admin, id)).GetProperty("sla").GetProperty("state").GetString());
        Assert.Equal(1, await SweepAsync(app));
        Assert.Equal(0, await SweepAsync(app));
        await using (var scope = ws.Scope(out var d))
        {
            var notified = await d.Notifications.Where(n => n.LeadId == id).Select(n => n.UserId).OrderBy(u => u).ToListAsync();
            Assert.Equal(new[] { agentId, managerId }.Order(), notified);
            Assert.Equal(SlaState.Breached, (await d.Leads.SingleAsync(l => l.Id == id)).SlaState);
        }
        using (var manager = await CookieBrowser.SignInAsync(app, managerEmail))
            Assert.Contains("Dan Cohen", await manager.GetStringAsync("/notifications/menu"));

        // the customer nudges (which reopens WhatsApp's window, not the SLA clock); a late reply leaves the SLA breached
        // and takes the lead out of Recovery
        await CustomerWritesAsync(kit, "972501110002", "Dan Cohen", "Anyone there?", app.Clock.GetUtcNow());
        Assert.Equal(due, (await LeadAsync(admin, id)).GetProperty("sla").GetProperty("dueAt").GetDateTime());
        await ReplyAsync(admin, kit, id, "Sorry for the wait!");
        var lead = await LeadAsync(admin, id);
        Assert.Equal("breached", lead.GetProperty("sla").GetProperty("state").GetString());
        Assert.Equal("contacted", lead.GetProperty("status").GetString());
        Assert.Empty(await QueueAsync(admin, "recovery"));

        // the customer writes again: a new clock, due within business hours of Monday
        app.Clock.Advance(TimeSpan.FromHours(1));
        await CustomerWritesAsync(kit, "972501110002", "Dan Cohen", "Thanks, when?", app.Clock.GetUtcNow());
        lead = await LeadAsync(admin, id);
        Assert.Equal("due", lead.GetProperty("sla").GetProperty("state").GetString());
        Assert.Equal(app.Clock.GetUtcNow().UtcDateTime.AddMinutes(30), lead.GetProperty("sla").GetProperty("dueAt").GetDateTime());
    }

    private static async Task<int> SweepAsync(LeadlineApp app)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<SlaSweeper>().MarkBreachesAsync(CancellationToken.None);
    }

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task Next_actions_set_by_hand_sort_leads_into_the_Today_and_Later_queues(Db db)
    {
        await using var app = await StartAsync(db);
        var ws = await TestWorkspace.CreateAsync(app, timeZone: "America/New_York");
        // 2 November 2026 09:00 UTC is 04:00 in New York: "today" there ends at 05:00 UTC on the 3rd
        var now = app.Clock.GetUtcNow().UtcDateTime;
        async Task<int> WithActionAsync(string name, object? nextAction)
        {
            var id = (await ws.Admin.CreateLeadAsync(new { name })).GetProperty("id").GetInt32();
            var response = await ws.Admin.PatchAsJsonAsync($"/api/v1/leads/{id}", new { nextAction });
            Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
            return id;
        }
        var overdue = await WithActionAsync("Overdue Olga", new { type = "followUp", dueAt = now.AddHours(-3) });
        var tonight = await WithActionAsync("Tonight Tom", new { type = "followUp", dueAt = now.AddHours(19) });
        var tomorrow = await WithActionAsync("Tomorrow Tia", new { type = "reviewRequest", dueAt = now.AddHours(21) });
        var dueNow = await WithActionAsync("Now Nina", new { type = "reply" });
        await ws.Admin.CreateLeadAsync(new { name = "Nothing Ned" });

        Assert.Equal([overdue, dueNow], await QueueAsync(ws.Admin, "now"));
        Assert.Equal([tonight], await QueueAsync(ws.Admin, "today"));
        Assert.Equal([tomorrow], await QueueAsync(ws.Admin, "later"));
        Assert.Empty(await QueueAsync(ws.Admin, "recovery"));
        var lead = await LeadAsync(ws.Admin, tomorrow);
        Assert.Equal("reviewRequest", lead.GetProperty("nextAction").GetProperty("type").GetString());
        Assert.Equal("none", lead.GetProperty("sla").GetProperty("state").GetString());
        // the board's quick edit shows it, overdue in red, and links to where it is changed
        using (var browser = await CookieBrowser.SignInAsync(app, ws.AdminEmail))
        {
            var quick = await browser.GetStringAsync($"/pipeline/cards/{overdue}/quick");
            Assert.Matches("id=\"quick-next-action\">.*Next: <strong>Follow up</strong>\\s*<span class=\"text-danger fw-semibold\">", quick.ReplaceLineEndings(" "));
            Assert.Contains($"href=\"/leads/{overdue}#next-action\"", quick, StringComparison.Ordinal);
            var plain = (await ws.Admin.CreateLeadAsync(new { name = "Plain Pete" })).GetProperty("id").GetInt32();
            Assert.DoesNotContain("id=\"quick-next-action\"", await browser.GetStringAsync($"/pipeline/cards/{plain}/quick"), StringComparison.Ordinal);
        }

        // each item is a lead with its fields at the top level plus its last message (none yet); paging by cursor
        var page = await ws.Admin.GetFromJsonAsync<JsonElement>("/api/v1/inbox?queue=now&limit=1");
        var first = page.GetProperty("items")[0];
        Assert.Equal("Overdue Olga", first.GetProperty("name").GetString());
        Assert.Equal(JsonValueKind.Null, first.GetProperty("lastMessage").ValueKind);
        Assert.Equal(2, page.GetProperty("total").GetInt32());
        var second = await ws.Admin.GetFromJsonAsync<JsonElement>($"/api/v1/inbox?queue=now&limit=1&cursor={page.GetProperty("nextCursor").GetString()}");
        Assert.Equal("Now Nina", second.GetProperty("items")[0].GetProperty("name").GetString());
        Assert.Equal(JsonValueKind.Null, second.GetProperty("nextCursor").ValueKind);

        // cleared by hand: out of the Inbox; history records the change
        Assert.True((await ws.Admin.PatchAsJsonAsync($"/api/v1/leads/{tonight}", new { nextAction = (object?)null })).IsSuccessStatusCode);
        Assert.Empty(await QueueAsync(ws.Admin, "today"));
        var history = await ws.Admin.GetFromJsonAsync<JsonElement>($"/api/v1/leads/{tonight}/history");
        Assert.Contains(history.GetProperty("items").EnumerateArray(), h => h.GetProperty("field").GetString() == "nextActionType" && h.GetProperty("from").GetString() == "followUp");
    }

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task Bad_queue_next_action_and_settings_are_400_naming_the_field(Db db)
    {
        await using var app = await StartAsync(db);
        var ws = await TestWorkspace.CreateAsync(app);
        var id = (await ws.Admin.CreateLeadAsync(new { name = "Rita" })).GetProperty("id").GetInt32();
        Assert.True((await (await ws.Admin.GetAsync("/api/v1/inbox?queue=someday")).ErrorsAsync()).TryGetProperty("queue", out _));
        Assert.True((await (await ws.Admin.PatchAsJsonAsync($"/api/v1/leads/{id}", new { nextAction = new { type = "dance" } })).ErrorsAsync()).TryGetProperty("nextAction.type", out _));
        Assert.True((await (await ws.Admin.PatchAsJsonAsync($"/api/v1/leads/{id}", new { nextAction = new { type = "reply", dueAt = "soon" } })).ErrorsAsync()).TryGetProperty("nextAction.dueAt", out _));
        Assert.True((await (await ws.Admin.PatchAsJsonAsync("/api/v1/settings/workspace", new { firstResponseMinutes = 0 })).ErrorsAsync()).TryGetProperty("firstResponseMinutes", out _));
        var hours = await (await ws.Admin.PatchAsJsonAsync("/api/v1/settings/workspace", new { firstResponseMinutes = 15, businessHours = new[] { new { day = "monday", from = "17:00", to = "09:00" } } })).ErrorsAsync();
        Assert.Contains("end after they start", hours.GetProperty("businessHours")[0].GetString(), StringComparison.Ordinal);
        // nothing half-written: the valid minutes of the refused change were not saved
        Assert.Equal(60, (await ws.Admin.GetFromJsonAsync<JsonElement>("/api/v1/settings/workspace")).GetProperty("firstResponseMinutes").GetInt32());
        var (_, _, agent) = await ws.AddUserAsync("Agent");
        Assert.Equal(HttpStatusCode.Forbidden, (await agent.PatchAsJsonAsync("/api/v1/settings/workspace", new { firstResponseMinutes = 5 })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await agent.GetAsync("/api/v1/inbox?queue=recovery")).StatusCode);
    }
}

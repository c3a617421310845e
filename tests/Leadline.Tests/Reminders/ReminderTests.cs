using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Leadline.Data;
using Leadline.Reminders;
using Leadline.Tests.TestInfrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Leadline.Tests.Reminders;

public sealed class ReminderTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    private static async Task<int> LeadAsync(TestWorkspace ws, object? body = null) =>
        (await ws.Admin.CreateLeadAsync(body ?? new { name = "Rita Reminder" })).GetProperty("id").GetInt32();

    private static async Task<string> FollowUpStateAsync(TestWorkspace ws, int leadId) =>
        (await ws.Admin.GetFromJsonAsync<JsonElement>($"/api/v1/leads/{leadId}")).GetProperty("followUpState").GetString()!;

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task Follow_up_state_follows_the_workspace_day_boundaries(Db db)
    {
        // the app's clock: 2026-11-02 09:00Z, which is 04:00 on 2 November in New York (UTC-5)
        var ws = await TestWorkspace.CreateAsync(await fixture.For(db), timeZone: "America/New_York");
        var cases = new (string DueAt, string State)[]
        {
            ("2026-11-02T08:59:00Z", "overdue"),
            ("2026-11-03T04:59:00Z", "today"),      // 23:59 on the 2nd, local
            ("2026-11-03T05:00:00Z", "tomorrow"),   // midnight of the 3rd, local
            ("2026-11-04T05:00:00Z", "later"),
        };
        foreach (var (dueAt, state) in cases)
        {
            var lead = await LeadAsync(ws);
            var response = await ws.Admin.PostAsJsonAsync($"/api/v1/leads/{lead}/reminders", new { dueAt, kind = "internal", message = "Call" });
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            Assert.Equal(state, await FollowUpStateAsync(ws, lead));
        }
        // the Today filter is the local calendar day (so it includes what fell due earlier today); Overdue is what is past
        Assert.Equal(2, (await ws.Admin.LeadNamesAsync("followUp=today")).Count);
        Assert.Single(await ws.Admin.LeadNamesAsync("followUp=overdue"));
    }

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task Invalid_reminders_get_400_and_cancel_moves_the_follow_up(Db db)
    {
        var ws = await TestWorkspace.CreateAsync(await fixture.For(db));
        var lead = await LeadAsync(ws);

        Assert.True((await (await ws.Admin.PostAsJsonAsync($"/api/v1/leads/{lead}/reminders", new { kind = "internal" })).ErrorsAsync()).TryGetProperty("dueAt", out _));
        var wa = await (await ws.Admin.PostAsJsonAsync($"/api/v1/leads/{lead}/reminders", new { dueAt = "2026-11-05T10:00:00Z", kind = "whatsappTemplate" })).ErrorsAsync();
        Assert.True(wa.TryGetProperty("templateName", out _) && wa.TryGetProperty("language", out _));
        Assert.True((await (await ws.Admin.PostAsJsonAsync($"/api/v1/leads/{lead}/reminders", new { dueAt = "2026-11-05T10:00:00Z", kind = "carrier-pigeon" })).ErrorsAsync()).TryGetProperty("kind", out _));

        var early = await (await ws.Admin.PostAsJsonAsync($"/api/v1/leads/{lead}/reminders", new { dueAt = "2026-11-03T10:00:00Z" })).Content.ReadFromJsonAsync<JsonElement>();
        await ws.Admin.PostAsJsonAsync($"/api/v1/leads/{lead}/reminders", new { dueAt = "2026-11-09T10:00:00Z" });
        Assert.Equal(new DateTime(2026, 11, 3, 10, 0, 0, DateTimeKind.Utc), (await ws.Admin.GetFromJsonAsync<JsonElement>($"/api/v1/leads/{lead}")).GetProperty("nextFollowUpAt").GetDateTime());

        Assert.Equal(HttpStatusCode.OK, (await ws.Admin.DeleteAsync($"/api/v1/reminders/{early.GetProperty("id").GetInt32()}")).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await ws.Admin.DeleteAsync($"/api/v1/reminders/{early.GetProperty("id").GetInt32()}")).StatusCode);
        Assert.Equal(new DateTime(2026, 11, 9, 10, 0, 0, DateTimeKind.Utc), (await ws.Admin.GetFromJsonAsync<JsonElement>($"/api/v1/leads/{lead}")).GetProperty("nextFollowUpAt").GetDateTime());
        var other = await TestWorkspace.CreateAsync(ws.App);
        Assert.Equal(HttpStatusCode.NotFound, (await other.Admin.GetAsync($"/api/v1/leads/{lead}/reminders")).StatusCode);
    }

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task Dispatcher_fires_due_reminders_once_and_notifies_the_agent(Db db)
    {
        var ws = await TestWorkspace.CreateAsync(await fixture.For(db));
        var (agentId, agentEmail, _) = await ws.AddUserAsync("Agent", "Ann Agent");
        var lead = await LeadAsync(ws, new { name = "Due Dora", ownerId = agentId });
        var now = ws.App.Clock.GetUtcNow().UtcDateTime;
        await ws.Admin.PostAsJsonAsync($"/api/v1/leads/{lead}/reminders", new { dueAt = now.AddMinutes(-5), notifyUserId = agentId });
        await ws.Admin.PostAsJsonAsync($"/api/v1/leads/{lead}/reminders", new { dueAt = now.AddHours(2), notifyUserId = agentId, message = "Later" });

        await DispatchAsync(ws.App);
        await DispatchAsync(ws.App);   // nothing fires twice
        await using (var first = ws.Scope(out var firstDb))
            Assert.Equal(1, await firstDb.Notifications.CountAsync(n => n.LeadId == lead));
        ws.App.Clock.Advance(TimeSpan.FromHours(3));
        await DispatchAsync(ws.App);

        await using var scope = ws.Scope(out var leadlineDb);
        var notes = await leadlineDb.Notifications.Where(n => n.LeadId == lead).OrderBy(n => n.Id).ToListAsync();
        Assert.Equal(["Follow up with Due Dora", "Later"], notes.Select(n => n.Text));
        Assert.All(notes, n => Assert.Equal(agentId, n.UserId));
        Assert.Equal(2, await leadlineDb.Reminders.CountAsync(r => r.LeadId == lead && r.Status == ReminderStatus.Sent));
        Assert.NotEmpty(agentEmail);
    }

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task Racing_dispatchers_fire_each_reminder_exactly_once(Db db)
    {
        var ws = await TestWorkspace.CreateAsync(await fixture.For(db));
        var lead = await LeadAsync(ws);
        var now = ws.App.Clock.GetUtcNow().UtcDateTime;
        await using (var scope = ws.Scope(out var leadlineDb))
        {
            for (var i = 0; i < 1200; i++)
                leadlineDb.Reminders.Add(new Reminder { LeadId = lead, DueAt = now.AddSeconds(-i), Kind = ReminderKind.Internal, NotifyUserId = null, CreatedById = null });
            await leadlineDb.SaveChangesAsync();
        }
        var me = (await ws.Admin.GetFromJsonAsync<JsonElement>("/api/v1/me")).GetProperty("id").GetInt32();
        await using (var scope = ws.Scope(out var leadlineDb))
            await leadlineDb.Reminders.Where(r => r.LeadId == lead).ExecuteUpdateAsync(s => s.SetProperty(r => r.NotifyUserId, me));

        var fired = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => DispatchWithRetryAsync(ws.App))));

        Assert.True(fired.Sum() >= 1200);   // the dispatcher serves every workspace: other tests' due reminders may fire too
        await using var check = ws.Scope(out var checkDb);
        Assert.Equal(1200, await checkDb.Notifications.CountAsync(n => n.LeadId == lead));
        Assert.Equal(1200, await checkDb.Notifications.Where(n => n.LeadId == lead).Select(n => n.ReminderId).Distinct().CountAsync());
    }

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task A_crash_before_commit_leaves_the_reminder_to_fire_once_later(Db db)
    {
        var ws = await TestWorkspace.CreateAsync(await fixture.For(db));
        var lead = await LeadAsync(ws);
        var now = ws.App.Clock.GetUtcNow().UtcDateTime;
        await ws.Admin.PostAsJsonAsync($"/api/v1/leads/{lead}/reminders", new { dueAt = now.AddMinutes(-1) });

        await using (var scope = ws.App.Services.CreateAsyncScope())
        {
            var leadlineDb = scope.ServiceProvider.GetRequiredService<LeadlineDb>();
            leadlineDb.SavingChanges += (_, _) => throw new IOException("power cut");   // dies after claiming, before committing
            var dispatcher = ActivatorUtilities.CreateInstance<ReminderDispatcher>(scope.ServiceProvider, leadlineDb);
            await Assert.ThrowsAsync<IOException>(() => dispatcher.RunDueAsync(CancellationToken.None));
        }

        await DispatchAsync(ws.App);
        await DispatchAsync(ws.App);
        await using var check = ws.Scope(out var checkDb);
        Assert.Equal(1, await checkDb.Notifications.CountAsync(n => n.LeadId == lead));
    }

    private static async Task<int> DispatchAsync(LeadlineApp app)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<ReminderDispatcher>().RunDueAsync(CancellationToken.None);
    }

    /// <summary>On SQLite a racing writer can find the database busy; a real worker just tries again next interval.</summary>
    private static async Task<int> DispatchWithRetryAsync(LeadlineApp app)
    {
        var total = 0;
        for (var attempt = 0; attempt < 20; attempt++)
        {
            try
            {
                total += await DispatchAsync(app);
                return total;
            }
            catch (Exception ex) when (ex is DbUpdateException or Microsoft.Data.Sqlite.SqliteException or InvalidOperationException)
            {
                await Task.Delay(50);
            }
        }
        return total;
    }
}

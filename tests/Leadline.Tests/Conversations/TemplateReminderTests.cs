using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Leadline.Data;
using Leadline.Reminders;
using Leadline.Tests.Outbox;
using Leadline.Tests.TestInfrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Leadline.Tests.Conversations;

public sealed class TemplateReminderTests
{
    private static async Task<int> RunRemindersAsync(LeadlineApp app)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<ReminderDispatcher>().RunDueAsync(CancellationToken.None);
    }

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task A_WhatsApp_template_reminder_is_sent_through_the_outbox_at_its_due_time(Db db)
    {
        await using var h = await SendingHarness.StartAsync(db);
        var lead = await h.LeadAsync("Wong Ka Ming", "+85291234567");
        var due = h.App.Clock.GetUtcNow().UtcDateTime.AddHours(3);
        var created = await h.Admin.PostAsJsonAsync($"/api/v1/leads/{lead}/reminders",
            new { dueAt = due, kind = "whatsappTemplate", templateName = "happy_birthday", language = "en", parameters = new[] { "{{lead.name}}" } });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);

        Assert.Equal(0, await RunRemindersAsync(h.App));
        await h.DispatchAsync();
        Assert.DoesNotContain(h.Graph.Requests, r => r.Method == "POST");   // not before its time

        h.App.Clock.Advance(TimeSpan.FromHours(3));
        Assert.Equal(1, await RunRemindersAsync(h.App));
        Assert.Equal(0, await RunRemindersAsync(h.App));   // exactly once
        await h.DispatchAsync();

        var sent = Assert.Single(h.Graph.SentMessages);
        Assert.Equal("85291234567", sent["to"]!.GetValue<string>());
        Assert.Equal("happy_birthday", sent["template"]!["name"]!.GetValue<string>());
        Assert.Equal("Wong Ka Ming", sent["template"]!["components"]![0]!["parameters"]![0]!["text"]!.GetValue<string>());
        var reminders = await h.Admin.GetFromJsonAsync<JsonElement>($"/api/v1/leads/{lead}/reminders");
        Assert.Equal("Sent", Assert.Single(reminders.GetProperty("items").EnumerateArray().ToList()).GetProperty("status").ToString(), ignoreCase: true);
        var message = await h.WithDbAsync(d => d.Messages.AsNoTracking().SingleAsync(m => m.LeadId == lead));
        Assert.Equal((Leadline.Conversations.MessageType.Template, Leadline.Conversations.MessageStatus.Sent, (int?)null), (message.Type, message.Status, message.UserId));
    }

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task A_birthday_rule_falls_due_at_nine_workspace_time_and_is_rescheduled_for_next_year(Db db)
    {
        await using var h = await SendingHarness.StartAsync(db);
        // the clock: 2026-11-02 09:00Z; the workspace is on UTC; the lead was born on 5 November
        var lead = await h.LeadAsync("Birthday Person", "+85291234567", extra: new { name = "Birthday Person", phone = "+85291234567", dateOfBirth = "1990-11-05" });
        var response = await h.Admin.PostAsJsonAsync($"/api/v1/leads/{lead}/reminders", new
        {
            kind = "whatsappTemplate", templateName = "happy_birthday", language = "en", parameters = new[] { "{{lead.name}}" },
            dueRule = new { field = "dateOfBirth", yearly = true, at = "09:00" },
        });
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        var reminder = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(new DateTime(2026, 11, 5, 9, 0, 0, DateTimeKind.Utc), reminder.GetProperty("dueAt").GetDateTime().ToUniversalTime());

        // a day after the enquiry
        var later = await h.Admin.PostAsJsonAsync($"/api/v1/leads/{lead}/reminders", new
        {
            kind = "whatsappTemplate", templateName = "payment_link", language = "en", dueRule = new { after = "createdAt", hours = 24 },
        });
        Assert.Equal(HttpStatusCode.Created, later.StatusCode);
        var laterBody = await later.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(new DateTime(2026, 11, 3, 9, 0, 0, DateTimeKind.Utc), laterBody.GetProperty("dueAt").GetDateTime().ToUniversalTime());   // created at 09:00 on the 2nd
        Assert.Equal(HttpStatusCode.OK, (await h.Admin.DeleteAsync($"/api/v1/reminders/{laterBody.GetProperty("id").GetInt32()}")).StatusCode);

        var noDate = await h.LeadAsync("No Birthday", "+85298765432");
        var refused = await h.Admin.PostAsJsonAsync($"/api/v1/leads/{noDate}/reminders", new
        {
            kind = "whatsappTemplate", templateName = "happy_birthday", language = "en", dueRule = new { field = "dateOfBirth", yearly = true, at = "09:00" },
        });
        Assert.True((await refused.ErrorsAsync()).TryGetProperty("dueRule.field", out _));

        h.App.Clock.Set(new DateTimeOffset(2026, 11, 5, 8, 59, 0, TimeSpan.Zero));
        Assert.Equal(0, await RunRemindersAsync(h.App));
        h.App.Clock.Set(new DateTimeOffset(2026, 11, 5, 9, 0, 0, TimeSpan.Zero));
        Assert.Equal(1, await RunRemindersAsync(h.App));
        await h.DispatchAsync();
        Assert.Single(h.Graph.SentMessages);

        // (read from the database: the admin's token has expired on the advanced clock)
        var all = await h.WithDbAsync(d => d.Reminders.AsNoTracking().Where(r => r.LeadId == lead && r.Status != ReminderStatus.Cancelled).OrderBy(r => r.Id).ToListAsync());
        Assert.Equal([ReminderStatus.Sent, ReminderStatus.Pending], all.Select(r => r.Status));
        Assert.Equal(new DateTime(2027, 11, 5, 9, 0, 0, DateTimeKind.Utc), all[1].DueAt);
        Assert.Equal("happy_birthday", all[1].TemplateName);
    }

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task A_birthday_in_another_time_zone_is_at_nine_local_time(Db db)
    {
        await using var h = await SendingHarness.StartAsync(db);
        await using (var scope = h.Workspace.Scope(out var d))
        {
            var ws = await d.Workspaces.FirstAsync(w => w.Id == h.Workspace.Id);
            ws.TimeZone = "Asia/Hong_Kong";
            await d.SaveChangesAsync();
        }
        var lead = await h.LeadAsync("HK Birthday", "+85291234567", extra: new { name = "HK Birthday", phone = "+85291234567", dateOfBirth = "1985-02-01" });
        var response = await h.Admin.PostAsJsonAsync($"/api/v1/leads/{lead}/reminders", new
        {
            kind = "internal", message = "Call for the birthday", dueRule = new { field = "dateOfBirth", yearly = true, at = "09:00" },
        });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        // 1 February 2027 09:00 in Hong Kong (UTC+8)
        Assert.Equal(new DateTime(2027, 2, 1, 1, 0, 0, DateTimeKind.Utc), (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("dueAt").GetDateTime().ToUniversalTime());
    }
}

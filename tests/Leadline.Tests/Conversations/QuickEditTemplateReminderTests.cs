using System.Net;
using Leadline.Reminders;
using Leadline.Tests.Outbox;
using Leadline.Tests.TestInfrastructure;
using Microsoft.EntityFrameworkCore;

namespace Leadline.Tests.Conversations;

/// <summary>The board's quick edit scheduling WhatsApp-template follow-ups (the browser test clicks through the same form).</summary>
public sealed class QuickEditTemplateReminderTests
{
    private static async Task<string> PostAsync(HttpClient browser, string url, string token, params (string Key, string Value)[] fields)
    {
        var response = await browser.PostAsync(url, new FormUrlEncodedContent([new("__RequestVerificationToken", token), .. fields.Select(f => new KeyValuePair<string, string>(f.Key, f.Value))]));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
    }

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task A_template_follow_up_is_scheduled_by_rule_and_a_rule_that_cannot_apply_is_refused(Db db)
    {
        await using var h = await SendingHarness.StartAsync(db);
        h.Graph.Templates.Add(System.Text.Json.Nodes.JsonNode.Parse("""
            { "name": "payment_link", "language": "en", "status": "APPROVED", "category": "UTILITY",
              "components": [{ "type": "BODY", "text": "Hi {{1}}, here is your payment link: {{2}}" }] }
            """)!.AsObject());
        var lead = await h.LeadAsync("Wong Ka Ming", "+85291234567");
        var createdAt = await h.WithDbAsync(d => d.Leads.Where(l => l.Id == lead).Select(l => l.CreatedAt).SingleAsync());
        var browser = await CookieBrowser.SignInAsync(h.App, h.Workspace.AdminEmail);
        var token = CookieBrowser.AntiforgeryToken(await browser.GetStringAsync("/pipeline"));
        var quick = await browser.GetStringAsync($"/pipeline/cards/{lead}/quick");
        Assert.Contains("value=\"payment_link|en\"", quick);
        var fields = await browser.GetStringAsync($"/pipeline/cards/{lead}/reminders/template-fields?template=payment_link%7Cen");
        Assert.Contains("id=\"reminder-param-2\"", fields);
        Assert.Contains("{{lead.name}}", WebUtility.HtmlDecode(fields));

        var url = $"/pipeline/cards/{lead}/reminders/template";
        // a birthday rule needs a date of birth
        var refused = await PostAsync(browser, url, token, ("template", "payment_link|en"), ("when", "birthday"), ("parameters", "{{lead.name}}"), ("parameters", "x"));
        Assert.Contains("no date of birth", refused, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("reminder-error", refused);
        // "Payment link" 24 hours after the enquiry
        var scheduled = await PostAsync(browser, url, token, ("template", "payment_link|en"), ("when", "enquiry"),
            ("parameters", "{{lead.name}}"), ("parameters", "https://pay.example/abc"), ("parameters", "one too many"));
        Assert.DoesNotContain("reminder-error", scheduled);
        Assert.Contains("24 h after enquiry", scheduled);
        var reminder = await h.WithDbAsync(d => d.Reminders.AsNoTracking().SingleAsync(r => r.LeadId == lead));
        Assert.Equal((ReminderKind.WhatsappTemplate, "payment_link", "en", ReminderStatus.Pending), (reminder.Kind, reminder.TemplateName, reminder.Language, reminder.Status));
        Assert.Equal(["{{lead.name}}", "https://pay.example/abc"], reminder.Parameters);
        Assert.Equal(createdAt.AddHours(24), reminder.DueAt);

        // no template, and an enquiry more than a day old: refused, nothing stored
        Assert.Contains("Choose an approved template", await PostAsync(browser, url, token, ("template", ""), ("when", "enquiry")));
        h.App.Clock.Advance(TimeSpan.FromHours(25));
        Assert.Contains("already passed", await PostAsync(browser, url, token, ("template", "payment_link|en"), ("when", "enquiry")));
        Assert.Equal(1, await h.WithDbAsync(d => d.Reminders.CountAsync(r => r.LeadId == lead)));
    }
}

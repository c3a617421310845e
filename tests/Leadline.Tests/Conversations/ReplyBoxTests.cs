using System.Net;
using System.Text.Json;
using Leadline.Conversations;
using Leadline.Tests.Outbox;
using Leadline.Tests.TestInfrastructure;
using Microsoft.EntityFrameworkCore;

namespace Leadline.Tests.Conversations;

/// <summary>The Messages tab's reply box and template picker, sending through the outbox to a fake Graph API.</summary>
public sealed class ReplyBoxTests
{
    private const string Phone = "+972 50 123 4567";

    private static async Task<HttpResponseMessage> PostAsync(HttpClient browser, string url, string token, params (string Key, string Value)[] fields) =>
        await browser.PostAsync(url, new FormUrlEncodedContent([new("__RequestVerificationToken", token), .. fields.Select(f => new KeyValuePair<string, string>(f.Key, f.Value))]));

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task A_reply_from_the_messages_tab_reaches_the_provider_and_a_closed_window_offers_templates_only(Db db)
    {
        await using var h = await SendingHarness.StartAsync(db);
        h.Graph.Templates.Add(System.Text.Json.Nodes.JsonNode.Parse("""
            { "name": "follow_up", "language": "en_US", "status": "APPROVED", "category": "MARKETING",
              "components": [{ "type": "BODY", "text": "Hi {{1}}, any questions about the flat? {{2}}" }] }
            """)!.AsObject());
        var open = await h.LeadAsync("Wong Ka Ming", Phone, wroteAgo: TimeSpan.FromHours(2));
        var closed = await h.LeadAsync("Chan Tai Man", "+972 50 765 4321", wroteAgo: TimeSpan.FromHours(30));
        var browser = await CookieBrowser.SignInAsync(h.App, h.Workspace.AdminEmail);
        var page = await browser.GetStringAsync($"/leads/{open}?tab=messages");
        var token = CookieBrowser.AntiforgeryToken(page);
        Assert.Contains("reply-form", page);
        Assert.Contains("value=\"follow_up|en_US\"", page);   // the number's templates, synced on first use

        // free text inside the window: queued, shown with a clock, sent by the dispatcher, then ticked
        var reply = await PostAsync(browser, $"/leads/{open}/messages/reply", token, ("text", "Yes, it is still free."));
        Assert.Equal(HttpStatusCode.OK, reply.StatusCode);
        var panel = WebUtility.HtmlDecode(await reply.Content.ReadAsStringAsync());
        Assert.Contains("Queued: it goes out in a moment.", panel);
        Assert.Matches(@"data-status=""queued""[\s\S]*?Yes, it is still free\.[\s\S]*?Ada Admin[\s\S]*?tick-queued", panel);
        Assert.Equal(1, await h.DispatchAsync());
        var sent = Assert.Single(h.Graph.SentMessages);
        Assert.Equal("Yes, it is still free.", (string?)sent["text"]?["body"]);
        Assert.Matches(@"Yes, it is still free\.[\s\S]*?tick-sent", await browser.GetStringAsync($"/leads/{open}/messages/thread"));

        // a token-less post is refused
        var forged = await browser.PostAsync($"/leads/{open}/messages/reply", new FormUrlEncodedContent([new("text", "sneaky")]));
        Assert.Equal(HttpStatusCode.Found, forged.StatusCode);
        Assert.Equal("/status/400", forged.Headers.Location?.OriginalString);

        // outside the window: the box says so, offers templates; a forced free-text post is refused inline, the text kept
        var closedPanel = WebUtility.HtmlDecode(await browser.GetStringAsync($"/leads/{closed}/messages/panel"));
        Assert.DoesNotContain("reply-form", closedPanel);
        Assert.Contains("The 24-hour window is closed", closedPanel);
        Assert.Contains("<details class=\"mt-2 template-picker\" open", closedPanel);
        var refused = WebUtility.HtmlDecode(await (await PostAsync(browser, $"/leads/{closed}/messages/reply", token, ("text", "Hello again"))).Content.ReadAsStringAsync());
        Assert.Contains("reply-refusal", refused);
        Assert.Contains("24-hour", refused);
        Assert.Single(h.Graph.SentMessages);

        // the template: its fields pre-filled, a preview for this lead, then sent
        var fields = await browser.GetStringAsync($"/leads/{closed}/messages/template-fields?template={Uri.EscapeDataString("follow_up|en_US")}");
        Assert.Contains("value=\"{{lead.name}}\"", fields);
        Assert.Contains("value=\"{{owner.name}}\"", fields);
        var preview = await PostAsync(browser, $"/leads/{closed}/messages/template-preview", token,
            ("template", "follow_up|en_US"), ("parameters", "{{lead.name}}"), ("parameters", "Call us any time."));
        Assert.Equal("Hi Chan Tai Man, any questions about the flat? Call us any time.", WebUtility.HtmlDecode(await preview.Content.ReadAsStringAsync()));
        var queued = WebUtility.HtmlDecode(await (await PostAsync(browser, $"/leads/{closed}/messages/template", token,
            ("template", "follow_up|en_US"), ("parameters", "{{lead.name}}"), ("parameters", "Call us any time."))).Content.ReadAsStringAsync());
        Assert.Contains("Template \"follow_up\" queued.", queued);
        Assert.Equal(1, await h.DispatchAsync());
        var template = h.Graph.SentMessages[^1]["template"]!;
        Assert.Equal("follow_up", (string?)template["name"]);
        Assert.Equal(["Chan Tai Man", "Call us any time."], template["components"]![0]!["parameters"]!.AsArray().Select(p => (string?)p!["text"]));
        var stored = await h.WithDbAsync(d => d.Messages.Where(m => m.LeadId == closed).SingleAsync());
        Assert.Equal(MessageType.Template, stored.Type);
        Assert.Equal(MessageStatus.Sent, stored.Status);
    }
}

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Leadline.Channels;
using Leadline.Conversations;
using Leadline.Outbox;
using Leadline.Tests.TestInfrastructure;
using Microsoft.EntityFrameworkCore;

namespace Leadline.Tests.Conversations.Email;

/// <summary>E-mail out: SMTP through MailKit to a local server the test runs, threading headers, retries and refusals, the default channel, "Send e-mail".</summary>
public sealed class EmailSendingTests
{
    /// <summary>The customer's earlier e-mail on the lead (what the reply threads under).</summary>
    private static async Task CustomerWroteAsync(EmailHarness h, int leadId, string messageId, string subject, params string[] references)
    {
        await using var scope = h.Workspace.Scope(out var db);
        db.Messages.Add(new Message
        {
            WorkspaceId = h.Workspace.Id, LeadId = leadId, ChannelId = h.ChannelId, Direction = MessageDirection.Inbound, Type = MessageType.Text,
            Text = "Can you repair my boiler?", Subject = subject, ProviderMessageId = messageId, Status = MessageStatus.Delivered,
            Payload = JsonSerializer.Serialize(new { references }), At = h.App.Clock.GetUtcNow().UtcDateTime.AddMinutes(-30),
        });
        await db.SaveChangesAsync();
    }

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task A_reply_goes_out_by_smtp_with_our_message_id_the_lead_s_name_and_threading_headers(Db db)
    {
        await using var h = await EmailHarness.StartAsync(db);
        var lead = await h.LeadAsync(new { name = "Sam Field", email = "sam.field@example.org" });
        await CustomerWroteAsync(h, lead, "cust-2@mail.example.org", "Boiler repair", "root-1@mail.example.org");

        var response = await h.Admin.PostAsJsonAsync($"/api/v1/leads/{lead}/messages", new { channelId = h.ChannelId, text = "We can come Thursday at 10.\n\nBest, Ada" });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(1, await h.DispatchAsync());

        var smtp = Assert.Single(h.Smtp.Mails);
        Assert.Equal(EmailHarness.From, smtp.From);
        Assert.Equal(["sam.field@example.org"], smtp.To);
        Assert.Equal("office", smtp.AuthUser);   // AUTH offered and credentials set: used (no TLS, as the channel says)
        var mail = Assert.Single(h.Received());
        var to = Assert.Single(mail.To.Mailboxes);
        Assert.Equal(("Sam Field", "sam.field@example.org"), (to.Name, to.Address));
        Assert.Equal("Re: Boiler repair", mail.Subject);
        Assert.Equal("cust-2@mail.example.org", mail.InReplyTo);
        Assert.Equal(["root-1@mail.example.org", "cust-2@mail.example.org"], mail.References);
        Assert.Equal("We can come Thursday at 10.\n\nBest, Ada", (mail.TextBody ?? "").ReplaceLineEndings("\n").TrimEnd());
        Assert.Contains("<p>We can come Thursday at 10.</p>", mail.HtmlBody ?? "");

        var stored = await h.WithDbAsync(d => d.Messages.SingleAsync(m => m.LeadId == lead && m.Direction == MessageDirection.Outbound));
        Assert.Equal(MessageStatus.Sent, stored.Status);
        Assert.Equal("Re: Boiler repair", stored.Subject);
        Assert.Matches($@"^leadline\.{stored.Id}\.[0-9a-f]{{16}}@leadline\.example$", mail.MessageId);
        Assert.Equal(mail.MessageId, stored.ProviderMessageId);   // the customer's answer threads back by it
    }

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task A_4xx_is_retried_later_and_a_5xx_refused_with_the_server_s_words(Db db)
    {
        await using var h = await EmailHarness.StartAsync(db);
        var lead = await h.LeadAsync(new { name = "Kim Lee", email = "kim@example.org" });

        // 451 on every try of the first attempt (one plus the quick retries): the message waits for a later attempt
        for (var i = 0; i < 3; i++)
            h.Smtp.Replies.Enqueue(("DATA", "451 4.3.0 Mail server temporarily rejected message"));
        var first = await h.Admin.PostAsJsonAsync($"/api/v1/leads/{lead}/messages", new { channelId = h.ChannelId, text = "First try", subject = "Quote" });
        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        await h.DispatchAsync();
        Assert.Empty(h.Smtp.Mails);
        var outbox = await h.WithDbAsync(d => d.Outbox.SingleAsync());
        Assert.Equal(OutboxStatus.Pending, outbox.Status);
        Assert.Contains("451", outbox.LastError);
        Assert.Equal(MessageStatus.Queued, (await h.WithDbAsync(d => d.Messages.SingleAsync())).Status);
        h.Smtp.Replies.Clear();
        h.App.Clock.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(1, await h.DispatchAsync());
        Assert.Single(h.Smtp.Mails);
        Assert.Equal(MessageStatus.Sent, (await h.WithDbAsync(d => d.Messages.SingleAsync())).Status);

        // 550: refused for good, the server's text on the message
        h.Smtp.Replies.Enqueue(("RCPT", "550 5.1.1 <kim@example.org>: Recipient address rejected: User unknown"));
        await h.Admin.PostAsJsonAsync($"/api/v1/leads/{lead}/messages", new { channelId = h.ChannelId, text = "Second", subject = "Quote" });
        await h.DispatchAsync();
        var failed = await h.WithDbAsync(d => d.Messages.OrderBy(m => m.Id).LastAsync());
        Assert.Equal(MessageStatus.Failed, failed.Status);
        Assert.Contains("550", failed.Error);
        Assert.Contains("User unknown", failed.Error);
        Assert.Single(h.Smtp.Mails);
        Assert.Equal(OutboxStatus.Failed, (await h.WithDbAsync(d => d.Outbox.OrderBy(o => o.Id).LastAsync())).Status);
    }

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task Without_a_channel_a_web_form_lead_or_one_with_only_an_address_is_answered_by_email(Db db)
    {
        await using var h = await EmailHarness.StartAsync(db);
        var form = await h.Admin.PostAsJsonAsync("/api/v1/channels", new { kind = "webform", name = "Website", settings = new { allowedOrigins = new[] { "http://127.0.0.1" } } });
        Assert.Equal(HttpStatusCode.Created, form.StatusCode);
        var formId = (await form.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt32();

        // the customer last wrote through the web form, which cannot answer: e-mail, since the lead has an address
        var viaForm = await h.LeadAsync(new { name = "Form Filler", email = "filler@example.org", phone = "+49 30 1234567" });
        await using (var scope = h.Workspace.Scope(out var d))
        {
            d.Messages.Add(new Message
            {
                WorkspaceId = h.Workspace.Id, LeadId = viaForm, ChannelId = formId, Direction = MessageDirection.Inbound, Type = MessageType.Text,
                Text = "Please call me back", ProviderMessageId = "form-1", Status = MessageStatus.Delivered, At = h.App.Clock.GetUtcNow().UtcDateTime,
            });
            await d.SaveChangesAsync();
        }
        var onlyEmail = await h.LeadAsync(new { name = "Only Mail", email = "only@example.org" });
        var noAddress = await h.LeadAsync(new { name = "No Address" });

        foreach (var lead in new[] { viaForm, onlyEmail })
        {
            var response = await h.Admin.PostAsJsonAsync($"/api/v1/leads/{lead}/messages", new { text = "Thanks, we will be in touch." });
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            var queued = await h.WithDbAsync(d => d.Messages.SingleAsync(m => m.LeadId == lead && m.Direction == MessageDirection.Outbound));
            Assert.Equal(h.ChannelId, queued.ChannelId);
            Assert.Equal("Your enquiry", queued.Subject);   // no thread yet: the default subject
        }
        Assert.Equal(2, await h.DispatchAsync());
        Assert.Equal(["filler@example.org", "only@example.org"], h.Smtp.Mails.SelectMany(m => m.To).Order());

        var refused = await h.Admin.PostAsJsonAsync($"/api/v1/leads/{noAddress}/messages", new { text = "Hello?" });
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
    }

    private static async Task<HttpResponseMessage> PostFormAsync(HttpClient browser, string url, string token, params (string Key, string Value)[] fields) =>
        await browser.PostAsync(url, new FormUrlEncodedContent([new("__RequestVerificationToken", token), .. fields.Select(f => new KeyValuePair<string, string>(f.Key, f.Value))]));

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task Send_email_on_the_lead_page_really_sends_and_logs_one_activity(Db db)
    {
        await using var h = await EmailHarness.StartAsync(db);
        var lead = await h.LeadAsync(new { name = "Page Person", email = "page.person@example.org" });
        var noAddress = await h.LeadAsync(new { name = "Nobody Mail" });
        var browser = await CookieBrowser.SignInAsync(h.App, h.Workspace.AdminEmail);
        var page = WebUtility.HtmlDecode(await browser.GetStringAsync($"/leads/{lead}?tab=activities&form=email"));
        Assert.Contains("action=\"/leads/" + lead + "/email\"", page);
        Assert.Contains("From office@leadline.example to page.person@example.org", System.Text.RegularExpressions.Regex.Replace(page, "<[^>]+>", ""));
        var token = CookieBrowser.AntiforgeryToken(page);

        var sent = await PostFormAsync(browser, $"/leads/{lead}/email", token, ("subject", "Your quote"), ("text", "Here is the quote we discussed."));
        Assert.Equal(HttpStatusCode.Redirect, sent.StatusCode);
        Assert.Equal($"/leads/{lead}?tab=activities&saved=1", sent.Headers.Location?.OriginalString);
        Assert.Equal(1, await h.DispatchAsync());
        var mail = Assert.Single(h.Received());
        Assert.Equal("Your quote", mail.Subject);
        Assert.Equal("page.person@example.org", mail.To.Mailboxes.Single().Address);
        var message = await h.WithDbAsync(d => d.Messages.SingleAsync(m => m.LeadId == lead));
        Assert.Equal((MessageStatus.Sent, "Here is the quote we discussed."), (message.Status, message.Text));
        var activity = await h.WithDbAsync(d => d.Activities.SingleAsync(a => a.LeadId == lead));
        Assert.Equal((Leadline.Activities.ActivityType.Email, "Your quote"), (activity.Type, activity.Subject));
        Assert.Equal(0, await h.WithDbAsync(d => d.Notes.CountAsync(n => n.LeadId == lead)));   // the text lives once, in the message

        // a lead without an address: the form says so, and a post is refused with a message
        Assert.Contains("email-no-address", await browser.GetStringAsync($"/leads/{noAddress}?tab=activities&form=email"));
        var refused = await PostFormAsync(browser, $"/leads/{noAddress}/email", token, ("text", "Hello"));
        Assert.Equal(HttpStatusCode.Redirect, refused.StatusCode);
        var shown = WebUtility.HtmlDecode(await browser.GetStringAsync(refused.Headers.Location!.OriginalString));
        Assert.Contains("The lead has no e-mail address", shown);
        Assert.Equal(1, await h.WithDbAsync(d => d.Messages.CountAsync()));

        // no e-mail channel: the form records an e-mail sent elsewhere, and a post to send says how to get one
        Assert.Equal(HttpStatusCode.NoContent, (await h.Admin.DeleteAsync($"/api/v1/channels/{h.ChannelId}")).StatusCode);
        var recordOnly = await browser.GetStringAsync($"/leads/{lead}?tab=activities&form=email");
        Assert.Contains("email-no-channel", recordOnly);
        var noChannel = await PostFormAsync(browser, $"/leads/{lead}/email", token, ("subject", "Again"), ("text", "Hello again"));
        Assert.Contains("There is no e-mail channel yet", WebUtility.HtmlDecode(await browser.GetStringAsync(noChannel.Headers.Location!.OriginalString)));
        Assert.Equal(1, await h.WithDbAsync(d => d.Messages.CountAsync()));
    }
}

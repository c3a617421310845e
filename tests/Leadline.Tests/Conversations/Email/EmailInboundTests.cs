using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Leadline.Conversations;
using Leadline.Conversations.Email;
using Leadline.Leads;
using Leadline.Tests.TestInfrastructure;
using Microsoft.EntityFrameworkCore;
using MimeKit;

namespace Leadline.Tests.Conversations.Email;

/// <summary>E-mail in: a real IMAP server (a throwaway Dovecot) read by the channel's poller.</summary>
public sealed class EmailInboundTests
{
    private static MimeMessage Mail(string fromName, string from, string subject, string text, string messageId, string? inReplyTo = null, params string[] references)
    {
        var mail = new MimeMessage();
        mail.From.Add(new MailboxAddress(fromName, from));
        mail.To.Add(new MailboxAddress("Office", EmailHarness.From));
        mail.Subject = subject;
        mail.MessageId = messageId;
        mail.Date = new DateTimeOffset(2026, 11, 2, 8, 30, 0, TimeSpan.Zero);
        if (inReplyTo is not null)
            mail.InReplyTo = inReplyTo;
        foreach (var r in references)
            mail.References.Add(r);
        mail.Body = new TextPart("plain") { Text = text };
        return mail;
    }

    /// <summary>A delivery status notification as Postfix sends it: text, message/delivery-status, the returned headers.</summary>
    private static MimeMessage Bounce(string originalId, string to)
    {
        var report = new MultipartReport("delivery-status");
        report.Add(new TextPart("plain") { Text = "This is the mail system at host mx.example.org.\n\nI'm sorry to have to inform you that your message could not be delivered." });
        var status = new MessageDeliveryStatus();
        status.Content = new MimeContent(new MemoryStream(System.Text.Encoding.ASCII.GetBytes(
            "Reporting-MTA: dns; mx.example.org\r\n\r\n" +
            $"Final-Recipient: rfc822; {to}\r\nAction: failed\r\nStatus: 5.1.1\r\nDiagnostic-Code: smtp; 550 5.1.1 <{to}>: Recipient address rejected: User unknown in virtual mailbox table\r\n")));
        report.Add(status);
        var original = new MimeMessage();
        original.From.Add(new MailboxAddress("Office mail", EmailHarness.From));
        original.To.Add(new MailboxAddress("", to));
        original.Subject = "Your enquiry";
        original.MessageId = originalId;
        report.Add(new TextRfc822Headers { Message = original });
        var bounce = new MimeMessage();
        bounce.From.Add(new MailboxAddress("Mail Delivery System", "MAILER-DAEMON@mx.example.org"));
        bounce.To.Add(new MailboxAddress("", EmailHarness.From));
        bounce.Subject = "Undelivered Mail Returned to Sender";
        bounce.MessageId = "bounce-1@mx.example.org";
        bounce.Body = report;
        return bounce;
    }

    [DovecotTheory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task The_poller_makes_leads_of_new_senders_threads_replies_trims_quotes_marks_bounces_and_imports_once(Db db)
    {
        await using var imap = await Dovecot.StartAsync();
        await using var h = await EmailHarness.StartAsync(db, imap);

        // a new sender: a lead with intake mode e-mail, the From display name, the text as its enquiry
        await imap.DeliverAsync(Mail("Sam Field", "sam.field@example.org", "Boiler repair", "Hello,\n\nmy boiler is broken. Can you come Thursday?\n\nSam\n-- \nSam Field\nField & Sons Ltd", "first-1@example.org"));
        var poll = await h.PollAsync();
        Assert.Equal((true, 1, null), (poll.Polled, poll.Imported, poll.Error));
        var lead = await h.WithDbAsync(d => d.Leads.SingleAsync(l => l.Email == "sam.field@example.org"));
        Assert.Equal(("Sam Field", LeadIntakeMode.Email), (lead.Name, lead.IntakeMode));
        var first = await h.WithDbAsync(d => d.Messages.SingleAsync(m => m.LeadId == lead.Id));
        Assert.Equal("Hello,\n\nmy boiler is broken. Can you come Thursday?\n\nSam", first.Text);   // the signature is trimmed
        Assert.Equal(("Boiler repair", "first-1@example.org", MessageDirection.Inbound), (first.Subject, first.ProviderMessageId, first.Direction));
        Assert.Contains("Field & Sons Ltd", JsonDocument.Parse(first.Payload!).RootElement.GetProperty("text").GetString());   // the payload keeps all
        Assert.Contains("my boiler is broken", lead.Enquiry);

        // our reply, then the customer's answer to it from another address: threaded onto the same lead, quotes trimmed
        Assert.Equal(HttpStatusCode.Accepted, (await h.Admin.PostAsJsonAsync($"/api/v1/leads/{lead.Id}/messages", new { text = "We can come Thursday at 10." })).StatusCode);
        Assert.Equal(1, await h.DispatchAsync());
        var ours = await h.WithDbAsync(d => d.Messages.SingleAsync(m => m.LeadId == lead.Id && m.Direction == MessageDirection.Outbound));
        Assert.Equal("Re: Boiler repair", ours.Subject);
        Assert.Equal("first-1@example.org", Assert.Single(h.Received()).InReplyTo);
        await imap.DeliverAsync(Mail("Sam at work", "sam@fieldandsons.example", "Re: Boiler repair",
            "Thursday at 10 is perfect, thanks!\n\nSent from my iPhone\n\nOn Mon, 2 Nov 2026 at 09:00, Office mail <office@leadline.example>\nwrote:\n> We can come Thursday at 10.\n",
            "reply-2@fieldandsons.example", ours.ProviderMessageId, "first-1@example.org", ours.ProviderMessageId!));
        // an Outlook-style answer from the first address, its history under "-----Original Message-----"
        await imap.DeliverAsync(Mail("Sam Field", "sam.field@example.org", "RE: Boiler repair",
            "Could you bring the spare part?\n\n-----Original Message-----\nFrom: Office mail\nSent: Monday\nSubject: Re: Boiler repair\n\nWe can come Thursday at 10.",
            "reply-3@example.org"));
        poll = await h.PollAsync();
        Assert.Equal(2, poll.Imported);
        var replies = await h.WithDbAsync(d => d.Messages.Where(m => m.LeadId == lead.Id && m.Direction == MessageDirection.Inbound).OrderBy(m => m.Id).Select(m => m.Text).ToListAsync());
        Assert.Equal(["Hello,\n\nmy boiler is broken. Can you come Thursday?\n\nSam", "Thursday at 10 is perfect, thanks!", "Could you bring the spare part?"], replies);
        Assert.Equal(1, await h.WithDbAsync(d => d.Leads.CountAsync()));   // the work address made no lead of its own

        // a bounce of our mail: that message fails with the reason, and no lead is made of the mailer daemon
        await imap.DeliverAsync(Bounce(ours.ProviderMessageId!, "sam.field@example.org"));
        poll = await h.PollAsync();
        Assert.Equal((0, 1), (poll.Imported, poll.Bounces));
        var failed = await h.WithDbAsync(d => d.Messages.SingleAsync(m => m.Id == ours.Id));
        Assert.Equal(MessageStatus.Failed, failed.Status);
        Assert.Contains("User unknown", failed.Error);
        Assert.Equal(1, await h.WithDbAsync(d => d.Leads.CountAsync()));

        // polled again: nothing new; even read from the start again (UID state lost), nothing is stored twice
        poll = await h.PollAsync();
        Assert.Equal((0, 0, 0), (poll.Imported, poll.Bounces, poll.Skipped));
        await h.WithDbAsync(d => d.EmailMailboxes.ExecuteUpdateAsync(s => s.SetProperty(m => m.LastUid, 0L)));
        poll = await h.PollAsync();
        Assert.Equal((0, null), (poll.Imported, poll.Error));
        Assert.Equal(4, await h.WithDbAsync(d => d.Messages.CountAsync()));
        Assert.Equal(1, await h.WithDbAsync(d => d.Leads.CountAsync()));
    }

    [DovecotTheory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task Attachments_are_kept_as_a_photo_and_a_file_on_the_lead_and_a_signature_s_inline_logo_is_not(Db db)
    {
        await using var imap = await Dovecot.StartAsync();
        await using var h = await EmailHarness.StartAsync(db, imap);
        var png = Convert.FromBase64String("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==");
        var pdf = System.Text.Encoding.ASCII.GetBytes("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n");
        var mail = Mail("Ana Leak", "ana@example.org", "Leak under the sink", "", "leak-1@example.org");
        var body = new BodyBuilder { TextBody = "Photos of the leak and the old quote attached.\n\nAna", HtmlBody = "<p>Photos of the leak and the old quote attached.</p><p>Ana <img src=\"cid:logo@example.org\"></p>" };
        body.Attachments.Add("leak.png", png, new ContentType("image", "png"));
        body.Attachments.Add("C:\\Users\\ana\\old quote.pdf", pdf, new ContentType("application", "pdf"));
        body.LinkedResources.Add("logo.png", png).ContentId = "logo@example.org";
        mail.Body = body.ToMessageBody();
        await imap.DeliverAsync(mail);
        Assert.Equal(1, (await h.PollAsync()).Imported);

        var lead = await h.WithDbAsync(d => d.Leads.SingleAsync(l => l.Email == "ana@example.org"));
        var messages = await h.WithDbAsync(d => d.Messages.Where(m => m.LeadId == lead.Id).OrderBy(m => m.Id).ToListAsync());
        Assert.Equal([MessageType.Text, MessageType.Image, MessageType.Document], messages.Select(m => m.Type));
        Assert.Equal("Photos of the leak and the old quote attached.\n\nAna", messages[0].Text);
        Assert.Equal(("leak.png", "image/png"), (MessageContent.FileName(messages[1]), messages[1].MediaMimeType));
        Assert.Equal(("old quote.pdf", "application/pdf"), (MessageContent.FileName(messages[2]), messages[2].MediaMimeType));
        Assert.Equal(png, await h.Admin.GetByteArrayAsync($"/api/v1/messages/{messages[1].Id}/media"));
        Assert.Equal(pdf, await h.Admin.GetByteArrayAsync($"/api/v1/messages/{messages[2].Id}/media"));
        Assert.Contains("Photos of the leak", lead.Enquiry);   // the text, not a file name

        // read again from the start: nothing stored twice, the files kept once
        await h.WithDbAsync(d => d.EmailMailboxes.ExecuteUpdateAsync(s => s.SetProperty(m => m.LastUid, 0L)));
        Assert.Equal(0, (await h.PollAsync()).Imported);
        Assert.Equal(3, await h.WithDbAsync(d => d.Messages.CountAsync(m => m.LeadId == lead.Id)));
        Assert.Equal(messages[1].MediaKey, await h.WithDbAsync(d => d.Messages.Where(m => m.Id == messages[1].Id).Select(m => m.MediaKey).SingleAsync()));
    }
}

using Leadline.Conversations.Email;
using MimeKit;

namespace Leadline.Tests.Conversations.Email;

/// <summary>What the timeline shows of a customer's e-mail, and what counts as a bounce.</summary>
public sealed class EmailTextTests
{
    [Theory]
    [InlineData("Yes please.\n\nOn Tue, Nov 3, 2026 at 9:14 AM Office <office@x.example> wrote:\n> Shall we come?\n> Ada", "Yes please.")]
    [InlineData("Yes please.\n\nAm 03.11.2026 um 09:14 schrieb Office <office@x.example>:\n> Sollen wir kommen?", "Yes please.")]
    [InlineData("Fine by me.\n\n-----Original Message-----\nFrom: Office\nSent: Tuesday\nTo: Sam\n\nShall we come?", "Fine by me.")]
    [InlineData("Fine by me.\n\n________________________________\nFrom: Office <office@x.example>\nSent: Tuesday, 3 November 2026 09:14\nSubject: Visit\n\nShall we come?", "Fine by me.\n\n________________________________")]
    [InlineData("See you then\n\nSent from my iPhone", "See you then")]
    [InlineData("See you then\nGet Outlook for Android", "See you then")]
    [InlineData("Thanks!\n-- \nSam Field\n+44 7700 900123", "Thanks!")]
    [InlineData("I agree with\n> your point one\nand add two.", "I agree with\nand add two.")]
    [InlineData("> only a quote\n> nothing else", "> only a quote\n> nothing else")]   // nothing of their own: all of it is shown
    public void Quoted_history_and_signatures_are_trimmed_from_the_shown_text(string text, string shown) =>
        Assert.Equal(shown, EmailText.Shown(text));

    [Fact]
    public void An_html_only_mail_is_read_as_text()
    {
        var text = EmailText.FromHtml("<html><head><style>p{color:red}</style></head><body><p>Hello&nbsp;there,</p><div>line one<br>line two</div><script>x()</script><p>A &amp; B</p></body></html>");
        Assert.Equal("Hello there,\n\nline one\nline two\n\nA & B", text);
    }

    [Fact]
    public void A_mailer_daemon_notice_without_a_report_names_the_original_by_its_message_id_line()
    {
        var notice = new MimeMessage();
        notice.From.Add(new MailboxAddress("Mail Delivery Subsystem", "mailer-daemon@googlemail.com"));
        notice.Subject = "Delivery Status Notification (Failure)";
        notice.Body = new TextPart("plain") { Text = "Address not found.\n\n----- Original message -----\nMessage-ID: <leadline.7.abc@leadline.example>\nSubject: Hi" };
        var bounce = EmailInbound.Bounce(notice);
        Assert.NotNull(bounce);
        Assert.Equal("leadline.7.abc@leadline.example", bounce.OriginalId);
        Assert.StartsWith("Bounced: Address not found.", bounce.Reason);

        var customer = new MimeMessage();
        customer.From.Add(new MailboxAddress("Sam", "sam@example.org"));
        customer.Body = new TextPart("plain") { Text = "Message-ID: <x@y>" };
        Assert.Null(EmailInbound.Bounce(customer));
    }
}

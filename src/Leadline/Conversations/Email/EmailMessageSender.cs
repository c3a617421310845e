using System.Net.Sockets;
using System.Text;
using Leadline.Channels;
using Leadline.Data;
using Leadline.Outbox;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.EntityFrameworkCore;
using MimeKit;

namespace Leadline.Conversations.Email;

/// <summary>
/// Sends a queued e-mail through the channel's SMTP server with MailKit: a text/plain body with a simple HTML
/// alternative, our own Message-ID (the provider id the timeline keeps, so the customer's answer threads back),
/// In-Reply-To and References. A 4xx answer or a network failure is retried later; a 5xx is refused for good with the
/// server's words. TLS as the channel says (<c>useTls: false</c> talks plain SMTP, no STARTTLS); it authenticates only
/// when the server offers AUTH and the channel has a username.
/// </summary>
public sealed class EmailMessageSender(LeadlineDb db, ChannelSecrets secrets, TimeProvider clock, ILogger<EmailMessageSender> log) : IOutboxSender
{
    public const string MessageKind = "email.message";

    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    public string Kind => MessageKind;

    public async Task<OutboxSendResult> SendAsync(OutboxMessage message, CancellationToken ct)
    {
        var payload = EmailPayload.Read(message.Payload);
        if (payload is null)
            return OutboxSendResult.Refused("The queued e-mail cannot be read.");
        var channel = await db.Channels.IgnoreQueryFilters().AsNoTracking()
            .FirstOrDefaultAsync(c => c.Id == payload.ChannelId && c.WorkspaceId == message.WorkspaceId, ct);
        if (channel is null || channel.Kind != ChannelKind.Email)
            return OutboxSendResult.Refused("The e-mail channel no longer exists.");
        var settings = EmailSettings.Read(channel.Settings);
        if (settings.SmtpHost is null || settings.FromAddress is null)
            return OutboxSendResult.Refused("The e-mail channel has no SMTP host or From address.");

        MimeMessage mime;
        try
        {
            mime = Compose(payload, settings, channel.Name, message.MessageId ?? message.Id, clock.GetUtcNow());
        }
        catch (ParseException ex)
        {
            return OutboxSendResult.Refused($"An address cannot be used: {ex.Message}");
        }
        try
        {
            using var smtp = new SmtpClient { Timeout = (int)Timeout.TotalMilliseconds };
            await smtp.ConnectAsync(settings.SmtpHost, settings.SmtpPort, Security(settings.UseTls, settings.SmtpPort), ct);
            var username = secrets.Read(channel, "username");
            if (smtp.Capabilities.HasFlag(SmtpCapabilities.Authentication) && !string.IsNullOrEmpty(username))
                await smtp.AuthenticateAsync(username, secrets.Read(channel, "password") ?? "", ct);
            await smtp.SendAsync(mime, ct);
            await smtp.DisconnectAsync(quit: true, ct);
        }
        catch (SmtpCommandException ex)
        {
            var error = $"The SMTP server answered {(int)ex.StatusCode}: {ex.Message}";
            return (int)ex.StatusCode >= 500 ? OutboxSendResult.Refused(error) : OutboxSendResult.Retry(error);
        }
        catch (AuthenticationException ex)
        {
            return OutboxSendResult.Refused($"The SMTP server refused the channel's username or password: {ex.Message}");
        }
        catch (SslHandshakeException ex)
        {
            return OutboxSendResult.Refused($"TLS with the SMTP server failed (check useTls and the port): {ex.Message}");
        }
        catch (Exception ex) when (ex is SmtpProtocolException or IOException or SocketException or ServiceNotConnectedException or TimeoutException
                                   || (ex is OperationCanceledException && !ct.IsCancellationRequested))
        {
            log.LogInformation(ex, "E-mail {Outbox} to {Host}:{Port} failed; retried later", message.Id, settings.SmtpHost, settings.SmtpPort);
            return OutboxSendResult.Retry($"{ex.GetType().Name}: {ex.Message}");
        }
        return OutboxSendResult.Sent(mime.MessageId);
    }

    /// <summary>No TLS when the channel says so; TLS from the start on 465; STARTTLS (required) on any other port.</summary>
    public static SecureSocketOptions Security(bool useTls, int port) =>
        !useTls ? SecureSocketOptions.None : port == 465 || port == 993 ? SecureSocketOptions.SslOnConnect : SecureSocketOptions.StartTls;

    /// <summary>The MIME message: From the channel, To the lead by name, our Message-ID, threading headers, text and HTML bodies.</summary>
    public static MimeMessage Compose(EmailPayload payload, EmailSettings settings, string channelName, long messageId, DateTimeOffset now)
    {
        var mime = new MimeMessage();
        mime.From.Add(new MailboxAddress(settings.FromName ?? channelName, settings.FromAddress ?? ""));
        mime.To.Add(new MailboxAddress(payload.ToName ?? "", payload.To));
        mime.Subject = payload.Subject;
        mime.Date = now;
        mime.MessageId = MessageIdFor(messageId, payload.Token, settings.FromDomain);
        if (payload.InReplyTo is { } inReplyTo)
            mime.InReplyTo = inReplyTo;
        foreach (var reference in payload.References)
            mime.References.Add(reference);
        var body = new BodyBuilder { TextBody = payload.Text, HtmlBody = Html(payload.Text) };
        mime.Body = body.ToMessageBody();
        return mime;
    }

    /// <summary><c>leadline.{messageId}.{token}@{domain}</c> (without the angle brackets, as MimeKit keeps ids).</summary>
    public static string MessageIdFor(long messageId, string token, string domain) =>
        $"leadline.{messageId.ToString(System.Globalization.CultureInfo.InvariantCulture)}.{token}@{domain}";

    /// <summary>The text as a minimal HTML document: encoded, paragraphs and line breaks kept.</summary>
    public static string Html(string text)
    {
        var html = new StringBuilder("<!DOCTYPE html><html><body style=\"font-family:sans-serif;font-size:14px\">");
        foreach (var paragraph in text.Replace("\r\n", "\n", StringComparison.Ordinal).Split("\n\n"))
            html.Append("<p>").Append(System.Net.WebUtility.HtmlEncode(paragraph).Replace("\n", "<br>", StringComparison.Ordinal)).Append("</p>");
        return html.Append("</body></html>").ToString();
    }
}

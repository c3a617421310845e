using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Leadline.Channels;
using Leadline.Conversations.Inbound;
using Leadline.Leads;
using MimeKit;

namespace Leadline.Conversations.Email;

/// <summary>What became of one e-mail read from a mailbox.</summary>
public enum EmailImport
{
    /// <summary>Stored on a lead (found, threaded or new).</summary>
    Recorded,

    /// <summary>Stored before (the same Message-ID on this channel).</summary>
    AlreadyStored,

    /// <summary>A bounce of one of our e-mails: that message is marked failed (or was not ours).</summary>
    Bounce,

    /// <summary>Nothing to do: our own mail, no sender, a mailer-daemon notice about no mail of ours.</summary>
    Skipped,
}

/// <summary>The ids an e-mail's payload keeps (our inbound payload JSON): what the customer's mail program threaded it under.</summary>
public static class EmailHeaders
{
    public static IReadOnlyList<string> ReferencesOf(string? payload)
    {
        if (payload is null)
            return [];
        try
        {
            return JsonNode.Parse(payload)?["references"] is JsonArray refs ? refs.Select(r => r?.ToString()).OfType<string>().ToList() : [];
        }
        catch (JsonException)
        {
            return [];
        }
    }
}

/// <summary>
/// One e-mail of a channel's mailbox onto the timeline (in the channel's workspace scope): a bounce marks our original
/// message failed with the reason; any other mail is the customer's message, stored once per Message-ID, on the lead of
/// the mail it answers (In-Reply-To / References), else the sender's (matched by address, or new with intake mode
/// e-mail). The timeline shows the mail without quoted history and signature; the payload keeps all of it.
/// </summary>
public sealed partial class EmailInbound(InboundRecorder recorder, MessageStatuses statuses, InboundAnnouncer announcer, LinkedMedia media, TimeProvider clock,
    ILogger<EmailInbound> log)
{
    public async Task<EmailImport> ImportAsync(Channel channel, EmailSettings settings, MimeMessage mail, string fallbackId, CancellationToken ct)
    {
        var outcome = new InboundOutcome();
        if (Bounce(mail) is { } bounce)
        {
            if (bounce.OriginalId is { } original)
                await statuses.ApplyAsync(channel.Id, original, MessageStatus.Failed, bounce.Reason, outcome, ct);
            else
                log.LogInformation("Mail-system notice {Id} on channel {Channel} names none of our messages; ignored", mail.MessageId, channel.Id);
            await announcer.AnnounceAsync(outcome, ct);
            return EmailImport.Bounce;
        }

        var from = mail.From.Mailboxes.FirstOrDefault() ?? mail.Sender;
        if (from is null || string.IsNullOrWhiteSpace(from.Address) || !from.Address.Contains('@', StringComparison.Ordinal))
            return EmailImport.Skipped;
        if (string.Equals(from.Address, settings.FromAddress, StringComparison.OrdinalIgnoreCase))
            return EmailImport.Skipped;   // a copy of our own mail (Bcc, a rule): not the customer's

        var full = mail.TextBody is { } plain && !string.IsNullOrWhiteSpace(plain) ? plain.Trim()
            : mail.HtmlBody is { } html ? EmailText.FromHtml(html) : "";
        var shown = full.Length == 0 ? null : EmailText.Shown(full);
        var now = clock.GetUtcNow();
        var at = mail.Date == DateTimeOffset.MinValue || mail.Date > now.AddDays(1) ? now : mail.Date;
        var references = mail.References.ToList();
        var threadIds = new List<string>();
        if (!string.IsNullOrWhiteSpace(mail.InReplyTo))
            threadIds.Add(mail.InReplyTo);
        threadIds.AddRange(Enumerable.Reverse(references));
        var name = string.IsNullOrWhiteSpace(from.Name) ? null : from.Name.Trim();
        var payload = new JsonObject
        {
            ["messageId"] = mail.MessageId,
            ["from"] = from.Address,
            ["fromName"] = name,
            ["to"] = new JsonArray([.. mail.To.Mailboxes.Select(m => (JsonNode)JsonValue.Create(m.Address)!)]),
            ["date"] = mail.Date == DateTimeOffset.MinValue ? null : mail.Date.ToString("O"),
            ["inReplyTo"] = mail.InReplyTo,
            ["references"] = new JsonArray([.. references.Select(r => (JsonNode)JsonValue.Create(r)!)]),
            ["attachments"] = new JsonArray([.. mail.Attachments.Select(a => (JsonNode)JsonValue.Create(a is MimePart p ? p.FileName ?? p.ContentType.MimeType : a.ContentType.MimeType)!)]),
            ["text"] = full.Length > 60_000 ? full[..60_000] : full,
        };
        var sender = new InboundSender(ChannelKind.Email, from.Address.Trim().ToLowerInvariant(), LeadIntakeMode.Email)
        {
            Name = name, Email = from.Address.Trim(), Enquiry = shown,
        };
        var message = new IncomingMessage
        {
            ProviderMessageId = string.IsNullOrWhiteSpace(mail.MessageId) ? fallbackId : mail.MessageId,
            At = at.UtcDateTime,
            Text = shown,
            Subject = string.IsNullOrWhiteSpace(mail.Subject) ? null : mail.Subject.Trim(),
            Payload = payload.ToJsonString(),
            InReplyTo = threadIds,
        };
        var recorded = await recorder.RecordAsync(channel, sender, message, outcome, ct);
        await AttachmentsAsync(channel, sender, message, mail, outcome, ct);
        await announcer.AnnounceAsync(outcome, ct);
        return recorded.AlreadyStored ? EmailImport.AlreadyStored : EmailImport.Recorded;
    }

    /// <summary>
    /// Each attachment (not the inline pictures of a signature) as a message of its own after the mail's text, on the same
    /// lead (threaded under the mail), its file kept in the file storage: a photo shows as a picture, anything else as a
    /// file to download. Stored once per mail and position, like the text.
    /// </summary>
    private async Task AttachmentsAsync(Channel channel, InboundSender sender, IncomingMessage mail, MimeMessage mime, InboundOutcome outcome, CancellationToken ct)
    {
        var n = 0;
        foreach (var part in mime.Attachments.OfType<MimePart>())
        {
            n++;
            if (part.Content is null)
                continue;   // an attachment without a body: nothing to keep
            var type = part.ContentType.MediaType.ToLowerInvariant() switch
            {
                "image" => MessageType.Image,
                "video" => MessageType.Video,
                "audio" => MessageType.Audio,
                _ => MessageType.Document,
            };
            // a file name as the sender's program gave it, without a Windows or Unix folder
            var name = part.FileName is { Length: > 0 } file && file[(file.LastIndexOfAny(['/', '\\']) + 1)..] is { Length: > 0 } bare ? bare : null;
            var recorded = await recorder.RecordAsync(channel, sender with { Enquiry = null }, new IncomingMessage
            {
                ProviderMessageId = $"{mail.ProviderMessageId}/{n}",
                At = mail.At,
                Type = type,
                MediaMimeType = part.ContentType.MimeType,
                Payload = new JsonObject { ["fileName"] = name, ["mimeType"] = part.ContentType.MimeType, ["ofMessage"] = mail.ProviderMessageId }.ToJsonString(),
                InReplyTo = [mail.ProviderMessageId, .. mail.InReplyTo],
            }, outcome, ct);
            if (recorded.AlreadyStored && !await media.MissingAsync(recorded.MessageId, ct))
                continue;
            using var content = new MemoryStream();
            await part.Content.DecodeToAsync(content, ct);
            if (content.Length > LinkedMedia.MaxBytes)
            {
                await media.SetErrorAsync(recorded.MessageId, $"The attachment is larger than {LinkedMedia.MaxBytes / 1024 / 1024} MB; it was not kept.", ct);
                continue;
            }
            content.Position = 0;
            await media.KeepAsync(channel.WorkspaceId, recorded.MessageId, content, part.ContentType.MimeType, ct);
        }
    }

    /// <summary>A delivery failure of one of our mails, and why.</summary>
    public sealed record BounceInfo(string? OriginalId, string Reason);

    /// <summary>
    /// A bounce: a delivery status report (multipart/report; report-type=delivery-status), or a notice from the mailer
    /// daemon / postmaster; the failed mail's Message-ID from the returned message or headers, else from the text.
    /// </summary>
    public static BounceInfo? Bounce(MimeMessage mail)
    {
        var report = mail.Body is MultipartReport r && string.Equals(r.ReportType, "delivery-status", StringComparison.OrdinalIgnoreCase);
        var fromAddress = mail.From.Mailboxes.FirstOrDefault()?.Address ?? "";
        var daemon = Daemon().IsMatch(fromAddress);
        if (!report && !daemon)
            return null;

        string? original = null;
        string? diagnostic = null;
        var texts = new List<string>();
        using (var iterator = new MimeIterator(mail))
        {
            while (iterator.MoveNext())
            {
                switch (iterator.Current)
                {
                    case MessagePart { Message: { } returned }:
                        original ??= string.IsNullOrWhiteSpace(returned.MessageId) ? null : returned.MessageId;
                        break;
                    case MessageDeliveryStatus status:
                        diagnostic ??= Diagnostic(status);
                        break;
                    case TextPart { IsAttachment: false } text when iterator.Depth <= 1 || report:
                        texts.Add(text.Text ?? "");
                        break;
                }
            }
        }
        if (original is null)
        {
            foreach (var text in texts)
            {
                if (MessageIdLine().Match(text) is { Success: true } m)
                {
                    original = m.Groups[1].Value.Trim();
                    break;
                }
            }
        }
        var summary = texts.Select(t => t.Trim()).FirstOrDefault(t => t.Length > 0);
        if (summary is { Length: > 300 })
            summary = summary[..300] + "…";
        var reason = diagnostic ?? summary ?? mail.Subject ?? "The mail could not be delivered.";
        return new BounceInfo(original, "Bounced: " + reason.ReplaceLineEndings(" "));
    }

    /// <summary>The first recipient's Diagnostic-Code (else its Status and Action) from a message/delivery-status part.</summary>
    private static string? Diagnostic(MessageDeliveryStatus status)
    {
        foreach (var group in status.StatusGroups.Skip(1))
        {
            var code = group["Diagnostic-Code"];
            if (!string.IsNullOrWhiteSpace(code))
            {
                var semi = code.IndexOf(';', StringComparison.Ordinal);
                var recipient = group["Final-Recipient"] ?? group["Original-Recipient"];
                var to = recipient is null ? "" : recipient[(recipient.IndexOf(';', StringComparison.Ordinal) + 1)..].Trim() + ": ";
                return to + (semi >= 0 ? code[(semi + 1)..] : code).Trim();
            }
            if (!string.IsNullOrWhiteSpace(group["Status"]))
                return $"status {group["Status"]!.Trim()} ({group["Action"]?.Trim() ?? "failed"})";
        }
        return null;
    }

    [GeneratedRegex(@"^(mailer-daemon|postmaster|mail-daemon)@", RegexOptions.IgnoreCase)]
    private static partial Regex Daemon();

    [GeneratedRegex(@"^\s*Message-ID:\s*<([^>\s]+)>", RegexOptions.IgnoreCase | RegexOptions.Multiline)]
    private static partial Regex MessageIdLine();
}

using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using Leadline.Channels;
using Leadline.Conversations.Sending;
using Leadline.Data;
using Leadline.Leads;
using Microsoft.EntityFrameworkCore;

namespace Leadline.Conversations.Email;

/// <summary>
/// What a queued e-mail carries in the outbox: the recipient, subject and text, a random token that makes our
/// Message-ID (<c>&lt;leadline.{messageId}.{token}@{fromDomain}&gt;</c>, the same on every retry), and the ids of the
/// customer's mail it answers (In-Reply-To, References), so their mail program threads it.
/// </summary>
public sealed record EmailPayload(int ChannelId, string To, string? ToName, string Subject, string Text, string Token, string? InReplyTo, IReadOnlyList<string> References)
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    public string Serialize() => JsonSerializer.Serialize(this, Json);

    public static EmailPayload? Read(string json)
    {
        try
        {
            return JsonSerializer.Deserialize<EmailPayload>(json, Json);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

/// <summary>
/// E-mail's way out: to the lead's e-mail address (its name in To), with the subject given or "Re: " the thread's, in
/// reply to the customer's last e-mail on the lead. Sent through SMTP by <see cref="EmailMessageSender"/>.
/// </summary>
public sealed class EmailTransport(LeadlineDb db) : IChannelTransport
{
    public const int MaxReferences = 20;

    public ChannelKind Kind => ChannelKind.Email;

    public bool CanReply => true;

    public Task<bool> CanReachAsync(Lead lead, CancellationToken ct) => Task.FromResult(!string.IsNullOrWhiteSpace(lead.Email));

    public async Task<TransportPlan> PlanAsync(Lead lead, Channel channel, OutgoingContent content, DateTime now, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(lead.Email))
            return TransportPlan.Refuse("noChannel", "The lead has no e-mail address: add one on its Details tab.");
        if (string.IsNullOrWhiteSpace(content.Text))
            return TransportPlan.Refuse("invalid", "Write the e-mail's text.", "text");
        var to = lead.Email.Trim();

        // the thread: the customer's last e-mail on this lead (on any mailbox: Message-IDs are global)
        var mailboxes = db.Channels.Where(c => c.Kind == ChannelKind.Email).Select(c => c.Id);
        var lastIn = await db.Messages.AsNoTracking()
            .Where(m => m.LeadId == lead.Id && m.Direction == MessageDirection.Inbound && m.ProviderMessageId != null && mailboxes.Contains(m.ChannelId))
            .OrderByDescending(m => m.At).ThenByDescending(m => m.Id).Select(m => new { m.ProviderMessageId, m.Subject, m.Payload }).FirstOrDefaultAsync(ct);
        var subject = content.Subject;
        if (subject is null)
        {
            var thread = lastIn?.Subject ?? await db.Messages.AsNoTracking()
                .Where(m => m.LeadId == lead.Id && m.Subject != null && mailboxes.Contains(m.ChannelId))
                .OrderByDescending(m => m.At).ThenByDescending(m => m.Id).Select(m => m.Subject).FirstOrDefaultAsync(ct);
            subject = thread is null ? "Your enquiry" : Reply(thread);
        }
        var references = new List<string>();
        if (lastIn is not null)
        {
            references.AddRange(EmailHeaders.ReferencesOf(lastIn.Payload));
            references.Add(lastIn.ProviderMessageId!);
        }
        var payload = new EmailPayload(channel.Id, to, string.IsNullOrWhiteSpace(lead.Name) ? null : lead.Name.Trim(), subject, content.Text,
            Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)), lastIn?.ProviderMessageId,
            references.Distinct(StringComparer.Ordinal).TakeLast(MaxReferences).ToList());
        return new TransportPlan(EmailMessageSender.MessageKind, to, payload.Serialize(), MessageType.Text, content.Text, subject);
    }

    /// <summary>"Re: " before the thread's subject, once ("Re: Re: Re:" and "AW:" are not stacked).</summary>
    public static string Reply(string subject)
    {
        var s = subject.Trim();
        var r = s.StartsWith("re:", StringComparison.OrdinalIgnoreCase) || s.StartsWith("aw:", StringComparison.OrdinalIgnoreCase) ? s : "Re: " + s;
        return r.Length > ConversationSender.MaxSubjectLength ? r[..ConversationSender.MaxSubjectLength] : r;
    }
}

using Leadline.Channels;
using Leadline.Common;
using Leadline.Data;
using Leadline.Leads;
using Leadline.Outbox;
using Microsoft.EntityFrameworkCore;

namespace Leadline.Conversations.Sending;

/// <summary>
/// Queues a reply or a template to a lead on any channel: the message (queued) and its outbox row commit in one
/// transaction, and the dispatcher sends it. Works in the current workspace scope (a request's, or one a worker entered).
/// What differs per channel (recipient, window rules, payload) is its <see cref="IChannelTransport"/>.
/// <para>
/// The channel, when none is given (API.md): the one the customer last wrote on when it can reply; else e-mail when the
/// lead has an address; else SMS when it has a number; else WhatsApp (a template starts a conversation); else <c>noChannel</c>.
/// </para>
/// </summary>
public sealed class ConversationSender(
    LeadlineDb db, CurrentUser me, TimeProvider clock, IEnumerable<IChannelTransport> transports, ConversationObservers observers) : IConversationSender
{
    public static readonly TimeSpan WhatsappWindow = TimeSpan.FromHours(24);

    public const int MaxTextLength = 4096;

    public const int MaxSubjectLength = 300;

    /// <summary>When the customer last wrote on a channel that cannot answer (a web form), the reply goes out on the first of these the lead can be reached on.</summary>
    private static readonly ChannelKind[] Fallbacks = [ChannelKind.Email, ChannelKind.Sms, ChannelKind.Whatsapp];

    public Task<SendOutcome> SendTextAsync(int leadId, int? channelId, string text, string? subject, CancellationToken ct) =>
        QueueAsync(leadId, channelId, text, subject, null, Sender, null, ct);

    public Task<SendOutcome> SendTemplateAsync(int leadId, int? channelId, TemplateRequest request, CancellationToken ct) =>
        QueueAsync(leadId, channelId, null, null, request, Sender, null, ct);

    private int? Sender => me.Id > 0 ? me.Id : null;

    /// <summary>
    /// The one path of every send. <paramref name="idempotencyKey"/> names the effect when a worker queues it (a reminder's
    /// send): the outbox's unique key then refuses a second copy even if the worker ran twice.
    /// </summary>
    internal async Task<SendOutcome> QueueAsync(
        int leadId, int? channelId, string? text, string? subject, TemplateRequest? template, int? userId, string? idempotencyKey, CancellationToken ct)
    {
        subject = string.IsNullOrWhiteSpace(subject) ? null : subject.Trim();
        if (template is null)
        {
            text = text?.Trim();
            if (string.IsNullOrEmpty(text))
                return SendOutcome.Refuse("invalid", "Write the message's text, or choose a template.", "text");
            if (text.Length > MaxTextLength)
                return SendOutcome.Refuse("invalid", $"A message can be at most {MaxTextLength:N0} characters.", "text");
            if (PlainText.ControlCharacter(text) is not null)
                return SendOutcome.Refuse("invalid", "The text contains a control character: remove it.", "text");
        }
        else
        {
            if (string.IsNullOrWhiteSpace(template.Name))
                return SendOutcome.Refuse("invalid", "Name the approved template to send.", "template.name");
            if (string.IsNullOrWhiteSpace(template.Language))
                return SendOutcome.Refuse("invalid", "Give the template's language code (e.g. en or en_US).", "template.language");
        }
        if (subject is not null && (subject.Length > MaxSubjectLength || subject.Any(char.IsControl)))
            return SendOutcome.Refuse("invalid", $"A subject is one line of at most {MaxSubjectLength} characters.", "subject");

        // tracked: the observers (first response, SLA, next action) change it in the send's transaction
        var lead = await db.Leads.FirstOrDefaultAsync(l => l.Id == leadId && l.ArchivedAt == null, ct);
        if (lead is null)
            return SendOutcome.Refuse("notFound", "No such lead.");
        var now = clock.GetUtcNow().UtcDateTime;

        var chosen = await ChooseAsync(lead, channelId, template is not null, ct);
        if (chosen.Refused is { } refused)
            return new SendOutcome(null, refused);
        var (channel, transport) = (chosen.Channel!, chosen.Transport!);
        if (template is not null && channel.Kind != ChannelKind.Whatsapp)
            return SendOutcome.Refuse("invalid", "Templates are sent on WhatsApp: choose a WhatsApp channel, or write the text.", "channelId");
        var plan = await transport.PlanAsync(lead, channel, new OutgoingContent(text, subject, template), now, ct);
        if (plan.Refused is { } refusal)
            return new SendOutcome(null, refusal);

        var message = new Message
        {
            LeadId = lead.Id,
            ChannelId = channel.Id,
            Direction = MessageDirection.Outbound,
            Type = plan.Type,
            Text = plan.Text,
            Subject = plan.Subject,
            Payload = plan.MessagePayload,
            Status = MessageStatus.Queued,
            At = now,
            UserId = userId,
        };
        var own = db.Database.CurrentTransaction is null ? await db.Database.BeginTransactionAsync(ct) : null;
        try
        {
            db.Messages.Add(message);
            await db.SaveChangesAsync(ct);
            db.Outbox.Add(new OutboxMessage
            {
                WorkspaceId = lead.WorkspaceId,
                Kind = plan.OutboxKind,
                Target = plan.Target,
                Payload = plan.Payload,
                IdempotencyKey = idempotencyKey ?? $"message:{message.Id}",
                MessageId = message.Id,
                Status = OutboxStatus.Pending,
                NextAttemptAt = now,
                CreatedAt = now,
            });
            await observers.ReplyQueuedAsync(lead, message, byUser: userId is not null && idempotencyKey is null, ct);
            await db.SaveChangesAsync(ct);
            if (own is not null)
                await own.CommitAsync(ct);
        }
        finally
        {
            if (own is not null)
                await own.DisposeAsync();
        }
        return SendOutcome.Of(message);
    }

    /// <summary>
    /// What the reply box offers: the active channels that can answer and reach the lead (an e-mail channel when it has an
    /// address...), and the one a send without a channel goes out on (API.md's rule, the same <see cref="ChooseAsync"/>).
    /// </summary>
    public async Task<ReplyOptions> ReplyOptionsAsync(int leadId, CancellationToken ct)
    {
        var lead = await db.Leads.AsNoTracking().FirstOrDefaultAsync(l => l.Id == leadId && l.ArchivedAt == null, ct);
        if (lead is null)
            return new ReplyOptions([], null);
        var channels = await db.Channels.AsNoTracking().Where(c => c.Active).OrderBy(c => c.Id).ToListAsync(ct);
        var reachable = new List<ReplyChannel>();
        foreach (var kind in channels.Select(c => c.Kind).Distinct())
        {
            if (Transport(kind) is not { CanReply: true } transport || !await transport.CanReachAsync(lead, ct))
                continue;
            reachable.AddRange(channels.Where(c => c.Kind == kind).Select(c => new ReplyChannel(c.Id, c.Kind, c.Name)));
        }
        var chosen = await ChooseAsync(lead, null, template: false, ct);
        return new ReplyOptions(reachable.OrderBy(c => c.Id).ToList(), chosen.Channel?.Id);
    }

    private sealed record Choice(Channel? Channel, IChannelTransport? Transport, SendRefusal? Refused);

    /// <summary>The channel a send goes out on: the one asked for, or API.md's default (see the class summary).</summary>
    private async Task<Choice> ChooseAsync(Lead lead, int? channelId, bool template, CancellationToken ct)
    {
        if (channelId is { } id)
        {
            var asked = await db.Channels.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id && c.Active, ct);
            if (asked is null)
                return new(null, null, new SendRefusal("invalid", "No such active channel in this workspace.", "channelId"));
            var transport = Transport(asked.Kind);
            return transport is null || !transport.CanReply
                ? new(null, null, new SendRefusal("noChannel", $"A {Label(asked.Kind)} channel cannot send messages; choose another channel.", "channelId"))
                : new(asked, transport, null);
        }

        var lastId = await db.Messages.Where(m => m.LeadId == lead.Id && m.Direction == MessageDirection.Inbound)
            .OrderByDescending(m => m.At).ThenByDescending(m => m.Id).Select(m => (int?)m.ChannelId).FirstOrDefaultAsync(ct);
        var last = lastId is { } l ? await db.Channels.AsNoTracking().FirstOrDefaultAsync(c => c.Id == l && c.Active, ct) : null;
        // a template is WhatsApp's: it goes to the WhatsApp number whatever the customer last used
        if (last is not null && Transport(last.Kind) is { CanReply: true } same && (!template || last.Kind == ChannelKind.Whatsapp))
            return new(last, same, null);
        foreach (var kind in template ? [ChannelKind.Whatsapp] : Fallbacks)
        {
            if (Transport(kind) is not { } transport || !await transport.CanReachAsync(lead, ct))
                continue;
            var channel = await db.Channels.AsNoTracking().Where(c => c.Kind == kind && c.Active).OrderBy(c => c.Id).FirstOrDefaultAsync(ct);
            if (channel is not null)
                return new(channel, transport, null);
        }
        return new(null, null, new SendRefusal("noChannel",
            "No channel can reach this lead: add its e-mail address or mobile number, or connect a channel under Settings → Channels."));
    }

    private IChannelTransport? Transport(ChannelKind kind) => transports.FirstOrDefault(t => t.Kind == kind);

    private static string Label(ChannelKind kind) => ChannelKinds.Label(kind);

    /// <summary>Open while less than 24 hours passed since Meta's time of the customer's last WhatsApp message.</summary>
    public static bool WindowOpen(DateTime? whatsappInboundAt, DateTime now) => whatsappInboundAt is { } at && at + WhatsappWindow > now;
}

/// <summary>A channel the reply box offers.</summary>
public sealed record ReplyChannel(int Id, ChannelKind Kind, string Name);

/// <summary>The channels a reply can go out on, and the default one (null: none can reach the lead).</summary>
public sealed record ReplyOptions(IReadOnlyList<ReplyChannel> Channels, int? DefaultChannelId);

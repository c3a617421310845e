using System.Text.Json;
using Leadline.Channels;
using Leadline.Common;
using Leadline.Data;
using Leadline.Outbox;
using Microsoft.EntityFrameworkCore;

namespace Leadline.Conversations.Sending;

/// <summary>
/// Queues a reply or a template to a lead: the message (queued) and its outbox row commit in one transaction, and the
/// dispatcher sends it. Works in the current workspace scope (a request's, or the one a worker entered).
/// <para>
/// The channel, when none is given: the one the customer last wrote on (it can reply), else the workspace's WhatsApp
/// number when the lead has a WhatsApp identity or a phone (a template starts a conversation), else <c>noChannel</c>.
/// Free text on WhatsApp needs the 24-hour customer-service window open (Meta's time of the customer's last message).
/// </para>
/// </summary>
public sealed class ConversationSender(LeadlineDb db, CurrentUser me, TimeProvider clock, MessageTemplates templates, ConversationObservers observers) : IConversationSender
{
    public static readonly TimeSpan WhatsappWindow = TimeSpan.FromHours(24);

    public const int MaxTextLength = 4096;

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

        // tracked: the observers (first response, SLA, next action) change it in the send's transaction
        var lead = await db.Leads.FirstOrDefaultAsync(l => l.Id == leadId && l.ArchivedAt == null, ct);
        if (lead is null)
            return SendOutcome.Refuse("notFound", "No such lead.");
        var now = clock.GetUtcNow().UtcDateTime;

        Channel? channel;
        if (channelId is { } id)
        {
            channel = await db.Channels.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id && c.Active, ct);
            if (channel is null)
                return SendOutcome.Refuse("invalid", "No such active channel in this workspace.", "channelId");
        }
        else
        {
            var last = await db.Messages.Where(m => m.LeadId == lead.Id && m.Direction == MessageDirection.Inbound)
                .OrderByDescending(m => m.At).ThenByDescending(m => m.Id).Select(m => (int?)m.ChannelId).FirstOrDefaultAsync(ct);
            channel = last is { } lastId ? await db.Channels.AsNoTracking().FirstOrDefaultAsync(c => c.Id == lastId && c.Active, ct) : null;
            if (channel is null || channel.Kind != ChannelKind.Whatsapp)
                channel = await db.Channels.AsNoTracking().Where(c => c.Kind == ChannelKind.Whatsapp && c.Active).OrderBy(c => c.Id).FirstOrDefaultAsync(ct);
            if (channel is null)
                return SendOutcome.Refuse("noChannel", "No channel can reach this lead: connect a WhatsApp number under Settings → Channels.");
        }
        if (channel.Kind != ChannelKind.Whatsapp)
            return SendOutcome.Refuse("noChannel", $"Sending on {channel.Kind} is not available yet; choose a WhatsApp channel.");

        var to = await db.ChannelIdentities.Where(i => i.LeadId == lead.Id && i.Kind == ChannelKind.Whatsapp)
            .OrderByDescending(i => i.CreatedAt).ThenByDescending(i => i.Id).Select(i => i.ExternalId).FirstOrDefaultAsync(ct)
            ?? (lead.PhoneE164 ?? lead.MobileE164)?.TrimStart('+');
        if (string.IsNullOrEmpty(to))
            return SendOutcome.Refuse("noChannel", "The lead has no WhatsApp number: add a phone in international form.");

        if (template is null && !WindowOpen(lead.WhatsappInboundAt, now))
        {
            return SendOutcome.Refuse("windowClosed", lead.WhatsappInboundAt is null
                ? "The customer has not written on WhatsApp yet, so only an approved template can start the conversation."
                : "The 24-hour WhatsApp window closed (24 hours after the customer's last message): send an approved template instead.");
        }

        string? body;
        WhatsappTemplatePayload? templatePayload = null;
        MessageType type;
        if (template is not null)
        {
            var owner = lead.OwnerId is { } ownerId ? await db.Users.Where(u => u.Id == ownerId).Select(u => u.Name).FirstOrDefaultAsync(ct) : null;
            var parameters = template.Parameters.Select(p => TemplateHydration.Hydrate(p, lead, owner)).ToList();
            var known = await templates.FindAsync(channel.Id, template.Name.Trim(), template.Language.Trim(), ct);
            templatePayload = new WhatsappTemplatePayload(template.Name.Trim(), known?.Language ?? template.Language.Trim(), parameters);
            body = MessageTemplates.Render(known, template.Name.Trim(), parameters);
            type = MessageType.Template;
        }
        else
        {
            body = text;
            type = MessageType.Text;
        }
        var payload = new WhatsappPayload(channel.Id, to, template is null ? "text" : "template", template is null ? text : null, templatePayload);

        var message = new Message
        {
            LeadId = lead.Id,
            ChannelId = channel.Id,
            Direction = MessageDirection.Outbound,
            Type = type,
            Text = body,
            Subject = string.IsNullOrWhiteSpace(subject) ? null : subject.Trim(),
            Payload = JsonSerializer.Serialize(new { template = templatePayload, requested = template }, WhatsappPayload.Json),
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
                Kind = WhatsappMessageSender.MessageKind,
                Target = "+" + to,
                Payload = payload.Serialize(),
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

    /// <summary>Open while less than 24 hours passed since Meta's time of the customer's last WhatsApp message.</summary>
    public static bool WindowOpen(DateTime? whatsappInboundAt, DateTime now) => whatsappInboundAt is { } at && at + WhatsappWindow > now;
}

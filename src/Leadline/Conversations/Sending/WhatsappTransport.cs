using System.Text.Json;
using Leadline.Channels;
using Leadline.Data;
using Leadline.Leads;
using Microsoft.EntityFrameworkCore;

namespace Leadline.Conversations.Sending;

/// <summary>
/// WhatsApp's way out: to the lead's newest wa_id, else its phone in E.164; free text only inside the 24-hour
/// customer-service window (Meta's time of the customer's last message), a template at any time, hydrated here
/// (<c>{{lead.name}}</c>, owner, fields) so the outbox only talks to Meta.
/// </summary>
public sealed class WhatsappTransport(LeadlineDb db, MessageTemplates templates) : IChannelTransport
{
    public ChannelKind Kind => ChannelKind.Whatsapp;

    public bool CanReply => true;

    public async Task<bool> CanReachAsync(Lead lead, CancellationToken ct) => await RecipientAsync(lead, ct) is not null;

    public async Task<TransportPlan> PlanAsync(Lead lead, Channel channel, OutgoingContent content, DateTime now, CancellationToken ct)
    {
        var to = await RecipientAsync(lead, ct);
        if (string.IsNullOrEmpty(to))
            return TransportPlan.Refuse("noChannel", "The lead has no WhatsApp number: add a phone in international form.");
        if (content.Template is null && !ConversationSender.WindowOpen(lead.WhatsappInboundAt, now))
        {
            return TransportPlan.Refuse("windowClosed", lead.WhatsappInboundAt is null
                ? "The customer has not written on WhatsApp yet, so only an approved template can start the conversation."
                : "The 24-hour WhatsApp window closed (24 hours after the customer's last message): send an approved template instead.");
        }
        if (content.Template is not { } template)
        {
            var text = new WhatsappPayload(channel.Id, to, "text", content.Text, null);
            return new TransportPlan(WhatsappMessageSender.MessageKind, "+" + to, text.Serialize(), MessageType.Text, content.Text, content.Subject);
        }
        var owner = lead.OwnerId is { } ownerId ? await db.Users.Where(u => u.Id == ownerId).Select(u => u.Name).FirstOrDefaultAsync(ct) : null;
        var parameters = template.Parameters.Select(p => TemplateHydration.Hydrate(p, lead, owner)).ToList();
        var known = await templates.FindAsync(channel.Id, template.Name.Trim(), template.Language.Trim(), ct);
        var payload = new WhatsappTemplatePayload(template.Name.Trim(), known?.Language ?? template.Language.Trim(), parameters);
        var body = MessageTemplates.Render(known, template.Name.Trim(), parameters);
        return new TransportPlan(WhatsappMessageSender.MessageKind, "+" + to, new WhatsappPayload(channel.Id, to, "template", null, payload).Serialize(),
            MessageType.Template, body, content.Subject)
        {
            MessagePayload = JsonSerializer.Serialize(new { template = payload, requested = template }, WhatsappPayload.Json),
        };
    }

    /// <summary>The newest WhatsApp identity of the lead (a changed number wins), else its phone or mobile in E.164 without "+".</summary>
    private async Task<string?> RecipientAsync(Lead lead, CancellationToken ct) =>
        await db.ChannelIdentities.Where(i => i.LeadId == lead.Id && i.Kind == ChannelKind.Whatsapp)
            .OrderByDescending(i => i.CreatedAt).ThenByDescending(i => i.Id).Select(i => i.ExternalId).FirstOrDefaultAsync(ct)
        ?? (lead.PhoneE164 ?? lead.MobileE164)?.TrimStart('+');
}

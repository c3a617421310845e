using Leadline.Channels;
using Leadline.Data;
using Microsoft.EntityFrameworkCore;

namespace Leadline.Conversations.Inbound;

/// <summary>
/// Reads a stored webhook delivery of one channel kind into the timeline (WhatsApp's, Messenger's and Instagram's Meta
/// bodies, Twilio's form posts...). Registered as <c>IWebhookDeliveryHandler</c>; the worker picks it by the channel's kind.
/// Must be idempotent: a delivery is processed again after a crash, and re-deliveries of the same message arrive.
/// </summary>
public interface IWebhookDeliveryHandler
{
    IReadOnlyCollection<ChannelKind> Kinds { get; }

    /// <summary>Processes the delivery (its workspace entered); what changed is announced by the caller.</summary>
    Task<InboundOutcome> ProcessAsync(WebhookDelivery delivery, CancellationToken ct);
}

/// <summary>The handler of a delivery's channel kind; a delivery of a deleted channel, or a kind nobody reads, changes nothing.</summary>
public sealed class WebhookDeliveryHandlers(LeadlineDb db, IEnumerable<IWebhookDeliveryHandler> handlers, ILogger<WebhookDeliveryHandlers> log)
{
    public async Task<InboundOutcome> ProcessAsync(WebhookDelivery delivery, CancellationToken ct)
    {
        var kind = await db.Channels.Where(c => c.Id == delivery.ChannelId).Select(c => (ChannelKind?)c.Kind).FirstOrDefaultAsync(ct);
        if (kind is null)
            return new InboundOutcome();
        var handler = handlers.FirstOrDefault(h => h.Kinds.Contains(kind.Value));
        if (handler is null)
        {
            log.LogWarning("No reader for {Kind} webhook deliveries; delivery {Delivery} kept unread", kind, delivery.Id);
            return new InboundOutcome();
        }
        return await handler.ProcessAsync(delivery, ct);
    }
}

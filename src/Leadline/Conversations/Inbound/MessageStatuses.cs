using Leadline.Data;
using Microsoft.EntityFrameworkCore;

namespace Leadline.Conversations.Inbound;

/// <summary>
/// Delivery states of our messages as providers report them (Meta's statuses, Twilio's status callbacks, an e-mail
/// bounce), for every channel: forward only (read beats delivered beats sent, whatever order the webhooks come in);
/// failed replaces only queued or sent. One conditional UPDATE, so two states applied at once cannot step back.
/// A state for a message we do not know (sent from elsewhere, or long deleted) is ignored.
/// </summary>
public sealed class MessageStatuses(LeadlineDb db, TimeProvider clock, ILogger<MessageStatuses> log)
{
    private static readonly MessageStatus[] Order = [MessageStatus.Queued, MessageStatus.Sent, MessageStatus.Delivered, MessageStatus.Read];

    /// <summary>Applies the state to the channel's outbound message with the provider id; the leads whose timeline changed go into <paramref name="outcome"/>.</summary>
    public async Task<bool> ApplyAsync(int channelId, string providerMessageId, MessageStatus status, string? error, InboundOutcome outcome, CancellationToken ct)
    {
        var id = InboundLeadMatcher.Cut(providerMessageId, 200);
        var before = status == MessageStatus.Failed
            ? new List<MessageStatus> { MessageStatus.Queued, MessageStatus.Sent }
            : Order.TakeWhile(s => s != status).ToList();
        var now = clock.GetUtcNow().UtcDateTime;
        error = InboundLeadMatcher.Cut(error, 2000);
        var messages = db.Messages.Where(m => m.ChannelId == channelId && m.ProviderMessageId == id && m.Direction == MessageDirection.Outbound);
        var changed = error is not null
            ? await messages.Where(m => before.Contains(m.Status)).ExecuteUpdateAsync(s => s.SetProperty(m => m.Status, status).SetProperty(m => m.Error, error).SetProperty(m => m.UpdatedAt, now), ct)
            : await messages.Where(m => before.Contains(m.Status)).ExecuteUpdateAsync(s => s.SetProperty(m => m.Status, status).SetProperty(m => m.UpdatedAt, now), ct);
        if (changed > 0)
            outcome.ChangedLeads.UnionWith(await messages.Select(m => m.LeadId).ToListAsync(ct));
        else if (!await messages.AnyAsync(ct))
            log.LogDebug("Status {Status} for unknown message {ProviderId} ignored", status, id);
        return changed > 0;
    }
}

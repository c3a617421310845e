using Leadline.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Leadline.Conversations;

/// <summary>
/// A delivery status a provider reported for a message id no message has yet: Meta can post "sent" (even "read") before
/// its answer to our send gave the outbox that id. Held for a day, applied as soon as the outbox records the id.
/// </summary>
public sealed class PendingMessageStatus : IWorkspaceOwned
{
    public long Id { get; set; }

    public int WorkspaceId { get; set; }

    public int ChannelId { get; set; }

    public string ProviderMessageId { get; set; } = "";

    public MessageStatus Status { get; set; }

    public string? Error { get; set; }

    /// <summary>The provider's time of the status.</summary>
    public DateTime At { get; set; }

    /// <summary>When it arrived: held statuses are dropped a day after.</summary>
    public DateTime ReceivedAt { get; set; }
}

internal sealed class PendingMessageStatusConfiguration : IEntityTypeConfiguration<PendingMessageStatus>
{
    public void Configure(EntityTypeBuilder<PendingMessageStatus> b)
    {
        b.ToTable("pending_message_statuses");
        b.Property(p => p.ProviderMessageId).HasMaxLength(200);
        b.Property(p => p.Status).HasConversion<string>().HasMaxLength(20);
        b.Property(p => p.Error).HasMaxLength(2000);
        b.HasOne<Channels.Channel>().WithMany().HasForeignKey(p => p.ChannelId).OnDelete(DeleteBehavior.Cascade);
        // the outbox, recording a provider id, looks for what is held for it
        b.HasIndex(p => new { p.ChannelId, p.ProviderMessageId });
        // the purge of old ones
        b.HasIndex(p => p.ReceivedAt);
    }
}

/// <summary>
/// Delivery statuses of outbound messages (sent, delivered, read, failed), forward only, and the ones held while their
/// message has no provider id yet. Holding and recording race (a status webhook and the outbox's commit of the id at
/// the same moment): each side looks for the other's row only after its own commit, so the later of the two commits
/// always sees the earlier one, and applying twice changes nothing.
/// </summary>
public sealed class MessageStatuses(LeadlineDb db, TimeProvider clock, ILogger<MessageStatuses> log)
{
    /// <summary>How long a status for an unknown message id is held.</summary>
    public static readonly TimeSpan HoldFor = TimeSpan.FromDays(1);

    private static readonly MessageStatus[] Order = [MessageStatus.Queued, MessageStatus.Sent, MessageStatus.Delivered, MessageStatus.Read];

    /// <summary>
    /// The status on the channel's outbound message of that provider id, forward only (read beats delivered beats sent,
    /// whatever order the webhooks come in); failed replaces only queued or sent. One conditional UPDATE, so two states
    /// applied at once cannot step back. Returns whether such a message exists, and its lead when it changed.
    /// </summary>
    public async Task<(bool Known, int? ChangedLead)> ApplyAsync(int channelId, string providerId, MessageStatus status, string? error, CancellationToken ct)
    {
        var before = status == MessageStatus.Failed
            ? new List<MessageStatus> { MessageStatus.Queued, MessageStatus.Sent }
            : Order.TakeWhile(s => s != status).ToList();
        var now = clock.GetUtcNow().UtcDateTime;
        var messages = db.Messages.IgnoreQueryFilters().Where(m => m.ChannelId == channelId && m.ProviderMessageId == providerId && m.Direction == MessageDirection.Outbound);
        var changed = error is not null
            ? await messages.Where(m => before.Contains(m.Status)).ExecuteUpdateAsync(s => s.SetProperty(m => m.Status, status).SetProperty(m => m.Error, error).SetProperty(m => m.UpdatedAt, now), ct)
            : await messages.Where(m => before.Contains(m.Status)).ExecuteUpdateAsync(s => s.SetProperty(m => m.Status, status).SetProperty(m => m.UpdatedAt, now), ct);
        var lead = await messages.Select(m => (int?)m.LeadId).FirstOrDefaultAsync(ct);
        return (lead is not null, changed > 0 ? lead : null);
    }

    /// <summary>
    /// A provider's status for our message on <paramref name="channel"/> (Meta's statuses, Twilio's callbacks, a bounce):
    /// applied forward only, or held when no message has the id yet; the lead whose timeline changed goes into <paramref name="outcome"/>.
    /// </summary>
    public async Task ApplyOrHoldAsync(
        Channels.Channel channel, string providerMessageId, MessageStatus status, string? error, DateTime at, Inbound.InboundOutcome outcome, CancellationToken ct)
    {
        var id = Inbound.InboundLeadMatcher.Cut(providerMessageId, 200)!;
        error = Inbound.InboundLeadMatcher.Cut(error, 2000);
        var (known, changed) = await ApplyAsync(channel.Id, id, status, error, ct);
        if (!known)
        {
            log.LogDebug("Status {Status} for message {ProviderId} not known yet: held", status, id);
            changed = await HoldAsync(channel.WorkspaceId, channel.Id, id, status, error, at, ct);
        }
        if (changed is { } lead)
            outcome.ChangedLeads.Add(lead);
    }

    /// <summary>The status applied without holding (a watermark's messages, known already); the lead whose timeline changed goes into <paramref name="outcome"/>.</summary>
    public async Task ApplyAsync(int channelId, string providerMessageId, MessageStatus status, string? error, Inbound.InboundOutcome outcome, CancellationToken ct)
    {
        var (_, changed) = await ApplyAsync(channelId, Inbound.InboundLeadMatcher.Cut(providerMessageId, 200)!, status, Inbound.InboundLeadMatcher.Cut(error, 2000), ct);
        if (changed is { } lead)
            outcome.ChangedLeads.Add(lead);
    }

    /// <summary>
    /// Holds a status whose message is not known (yet), then applies it at once if the outbox recorded the id meanwhile.
    /// Returns the lead whose message changed, if one did.
    /// </summary>
    public async Task<int?> HoldAsync(int workspaceId, int channelId, string providerId, MessageStatus status, string? error, DateTime at, CancellationToken ct)
    {
        db.Add(new PendingMessageStatus
        {
            WorkspaceId = workspaceId, ChannelId = channelId, ProviderMessageId = providerId, Status = status, Error = error, At = at,
            ReceivedAt = clock.GetUtcNow().UtcDateTime,
        });
        await db.SaveChangesAsync(ct);
        return await ApplyHeldAsync(channelId, providerId, ct);
    }

    /// <summary>The outbox recorded the provider id of message <paramref name="messageId"/> (and committed): what was held for it applies.</summary>
    public async Task<int?> ApplyHeldAsync(long messageId, CancellationToken ct)
    {
        var message = await db.Messages.IgnoreQueryFilters().Where(m => m.Id == messageId && m.ProviderMessageId != null)
            .Select(m => new { m.ChannelId, m.ProviderMessageId }).FirstOrDefaultAsync(ct);
        return message is null ? null : await ApplyHeldAsync(message.ChannelId, message.ProviderMessageId!, ct);
    }

    private async Task<int?> ApplyHeldAsync(int channelId, string providerId, CancellationToken ct)
    {
        var held = await db.Set<PendingMessageStatus>().IgnoreQueryFilters().AsNoTracking()
            .Where(p => p.ChannelId == channelId && p.ProviderMessageId == providerId).OrderBy(p => p.At).ThenBy(p => p.Id).ToListAsync(ct);
        if (held.Count == 0)
            return null;
        int? changedLead = null;
        foreach (var status in held)
        {
            var (known, lead) = await ApplyAsync(channelId, providerId, status.Status, status.Error, ct);
            if (!known)
                return null;   // still unknown: held on
            changedLead ??= lead;
        }
        var ids = held.Select(p => p.Id).ToList();
        await db.Set<PendingMessageStatus>().IgnoreQueryFilters().Where(p => ids.Contains(p.Id)).ExecuteDeleteAsync(ct);
        return changedLead;
    }

    /// <summary>
    /// Applies held statuses whose message is known by now (an instance stopped between the commit of the id and the look),
    /// then drops those held longer than <see cref="HoldFor"/>: sent from elsewhere, or never recorded. Returns how many.
    /// </summary>
    public async Task<int> PurgeAsync(CancellationToken ct)
    {
        var held = db.Set<PendingMessageStatus>().IgnoreQueryFilters();
        var known = await held.Where(p => db.Messages.IgnoreQueryFilters().Any(m => m.ChannelId == p.ChannelId && m.ProviderMessageId == p.ProviderMessageId))
            .Select(p => new { p.ChannelId, p.ProviderMessageId }).Distinct().Take(1000).ToListAsync(ct);
        foreach (var k in known)
            await ApplyHeldAsync(k.ChannelId, k.ProviderMessageId, ct);
        var cutoff = clock.GetUtcNow().UtcDateTime - HoldFor;
        var dropped = await held.Where(p => p.ReceivedAt < cutoff).ExecuteDeleteAsync(ct);
        if (dropped > 0)
            log.LogInformation("Dropped {Count} delivery statuses held over {Hours} hours for messages never known", dropped, HoldFor.TotalHours);
        return known.Count + dropped;
    }
}

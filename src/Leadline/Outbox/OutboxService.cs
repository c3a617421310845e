using Leadline.Common.Api;
using Leadline.Conversations;
using Leadline.Data;
using Microsoft.EntityFrameworkCore;

namespace Leadline.Outbox;

public sealed record OutboxItemResponse(long Id, string Kind, string Target, int Attempts, string? LastError, string Status, long? MessageId, DateTime CreatedAt, DateTime NextAttemptAt, DateTime? SentAt);

/// <summary>The workspace's outbox as admins see it: what failed (dead letters) or waits, and a retry.</summary>
public sealed class OutboxService(LeadlineDb db, TimeProvider clock, OutboxWakeSignal wake)
{
    public async Task<List<OutboxItemResponse>> ListAsync(OutboxStatus? status, int limit, CancellationToken ct)
    {
        var q = db.Outbox.AsNoTracking();
        if (status is { } s)
            q = q.Where(o => o.Status == s);
        var rows = await q.OrderByDescending(o => o.Id).Take(Math.Clamp(limit, 1, 500)).ToListAsync(ct);
        return rows.Select(ToResponse).ToList();
    }

    /// <summary>A failed message goes back to pending with fresh attempts (its conversation message back to queued).</summary>
    public async Task<Result<OutboxItemResponse>> RetryAsync(long id, CancellationToken ct)
    {
        var message = await db.Outbox.FirstOrDefaultAsync(o => o.Id == id, ct);
        if (message is null)
            return Result<OutboxItemResponse>.Missing();
        if (message.Status != OutboxStatus.Failed)
            return Result<OutboxItemResponse>.Conflicting($"Only a failed message can be retried; this one is {message.Status.ToString().ToLowerInvariant()}.");
        var now = clock.GetUtcNow().UtcDateTime;
        message.Status = OutboxStatus.Pending;
        message.Attempts = 0;
        message.NextAttemptAt = now;
        message.LeaseUntil = null;
        message.ClaimedBy = null;
        if (message.MessageId is { } messageId && await db.Messages.FirstOrDefaultAsync(m => m.Id == messageId, ct) is { Status: MessageStatus.Failed } linked)
        {
            linked.Status = MessageStatus.Queued;
            linked.Error = null;
        }
        await db.SaveChangesAsync(ct);
        wake.Notify();
        return Result<OutboxItemResponse>.Ok(ToResponse(message));
    }

    public static OutboxItemResponse ToResponse(OutboxMessage o) =>
        new(o.Id, o.Kind, o.Target, o.Attempts, o.LastError, o.Status.ToString().ToLowerInvariant(), o.MessageId, o.CreatedAt, o.NextAttemptAt, o.SentAt);
}

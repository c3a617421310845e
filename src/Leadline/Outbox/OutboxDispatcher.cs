using Leadline.Conversations;
using Leadline.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Retry;

namespace Leadline.Outbox;

/// <summary>
/// Sends due outbox messages, on every instance at once. A batch is claimed atomically — one UPDATE marks it Sending with
/// this instance's name and a lease (<c>FOR UPDATE SKIP LOCKED</c> on PostgreSQL, so instances take disjoint batches;
/// SQLite has one writer) — then each message is sent and its outcome committed on its own, right after the send.
/// <para>
/// Double sends are bounded by the lease: a message is only taken over once its lease (longer than an attempt can take)
/// has expired while it was Sending, i.e. when its instance died (or lost its database) between the provider's answer and
/// that small commit. Only messages in flight at such a crash — at most one batch per dead instance — can be sent twice;
/// nothing claimed is lost, as the expired lease makes it due again.
/// </para>
/// </summary>
public sealed class OutboxDispatcher(
    LeadlineDb db, DatabaseOptions database, IEnumerable<IOutboxSender> senders, TimeProvider clock, IOptions<OutboxOptions> options,
    OutboxInstance instance, Common.Live.ILiveEventBus live, MessageStatuses statuses, ILogger<OutboxDispatcher> log)
{
    private readonly OutboxOptions _options = options.Value;

    /// <summary>Sends everything due now, batch after batch; returns how many messages were attempted.</summary>
    public async Task<int> RunOnceAsync(CancellationToken ct)
    {
        var total = 0;
        while (true)
        {
            var ids = await ClaimAsync(ct);
            if (ids.Count == 0)
                return total;
            foreach (var id in ids)
                await SendOneAsync(id, ct);
            total += ids.Count;
            if (ids.Count < _options.BatchSize)
                return total;
        }
    }

    /// <summary>Marks up to a batch of due messages Sending for this instance and returns their ids.</summary>
    internal async Task<List<long>> ClaimAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var lease = now.AddSeconds(_options.LeaseSeconds);
        var limit = _options.BatchSize;
        var me = instance.Name;
        // Pending and due, or Sending with an expired lease (its instance died mid-send: taken over)
        if (database.Provider == DatabaseProvider.Postgres)
        {
            return await db.Database.SqlQuery<long>($"""
                UPDATE outbox SET status = 'Sending', lease_until = {lease}, claimed_by = {me}, attempts = attempts + 1
                WHERE id IN (
                    SELECT id FROM outbox
                    WHERE (status = 'Pending' AND next_attempt_at <= {now}) OR (status = 'Sending' AND lease_until <= {now})
                    ORDER BY next_attempt_at LIMIT {limit}
                    FOR UPDATE SKIP LOCKED)
                RETURNING id AS "Value"
                """).ToListAsync(ct);
        }
        return await db.Database.SqlQuery<long>($"""
            UPDATE outbox SET status = 'Sending', lease_until = {lease}, claimed_by = {me}, attempts = attempts + 1
            WHERE id IN (
                SELECT id FROM outbox
                WHERE (status = 'Pending' AND next_attempt_at <= {now}) OR (status = 'Sending' AND lease_until <= {now})
                ORDER BY next_attempt_at LIMIT {limit})
            RETURNING id AS "Value"
            """).ToListAsync(ct);
    }

    private async Task SendOneAsync(long id, CancellationToken ct)
    {
        db.ChangeTracker.Clear();
        var message = await db.Outbox.IgnoreQueryFilters().AsNoTracking().FirstOrDefaultAsync(o => o.Id == id, ct);
        if (message is null)
            return;
        OutboxSendResult result;
        var sender = senders.FirstOrDefault(s => s.Kind == message.Kind);
        if (sender is null)
        {
            result = OutboxSendResult.Refused($"No sender for outbox messages of kind '{message.Kind}'.");
        }
        else
        {
            try
            {
                result = await Pipeline().ExecuteAsync(async token => await sender.SendAsync(message, token), ct);
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
            {
                result = OutboxSendResult.Retry($"{ex.GetType().Name}: {ex.Message}");
            }
        }
        await RecordAsync(message, result, CancellationToken.None);   // the provider has answered: record it even when stopping
    }

    /// <summary>Quick retries inside one attempt for a transient failure (5xx, 429, network); longer waits are the back-off's.</summary>
    private ResiliencePipeline<OutboxSendResult> Pipeline() =>
        new ResiliencePipelineBuilder<OutboxSendResult>()
            .AddRetry(new RetryStrategyOptions<OutboxSendResult>
            {
                MaxRetryAttempts = Math.Max(1, _options.QuickRetries),
                Delay = TimeSpan.FromMilliseconds(Math.Max(1, _options.QuickRetryDelayMilliseconds)),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                ShouldHandle = new PredicateBuilder<OutboxSendResult>()
                    .HandleResult(r => r.Outcome == OutboxSendOutcome.Retry)
                    .Handle<HttpRequestException>()
                    .Handle<TaskCanceledException>(),
            })
            .Build();

    /// <summary>The attempt's outcome, in one small commit: only while this instance still holds the claim.</summary>
    private async Task RecordAsync(OutboxMessage message, OutboxSendResult result, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var me = instance.Name;
        var error = Trim(result.Error);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        int updated;
        switch (result.Outcome)
        {
            case OutboxSendOutcome.Sent:
                updated = await Claimed(message.Id, me).ExecuteUpdateAsync(s => s
                    .SetProperty(o => o.Status, OutboxStatus.Sent).SetProperty(o => o.SentAt, now)
                    .SetProperty(o => o.LeaseUntil, (DateTime?)null).SetProperty(o => o.LastError, (string?)null), ct);
                if (updated > 0 && message.MessageId is { } sentId)
                {
                    // a status webhook may have moved it on already (delivered, read): only a queued or failed one becomes sent
                    await db.Messages.IgnoreQueryFilters().Where(m => m.Id == sentId && (m.Status == MessageStatus.Queued || m.Status == MessageStatus.Failed))
                        .ExecuteUpdateAsync(s => s.SetProperty(m => m.Status, MessageStatus.Sent).SetProperty(m => m.Error, (string?)null).SetProperty(m => m.UpdatedAt, now), ct);
                    if (result.ProviderId is { } providerId)
                        await db.Messages.IgnoreQueryFilters().Where(m => m.Id == sentId && m.ProviderMessageId == null)
                            .ExecuteUpdateAsync(s => s.SetProperty(m => m.ProviderMessageId, providerId), ct);
                }
                break;
            case OutboxSendOutcome.Retry when message.Attempts < _options.MaxAttempts:
                var next = now + Backoff(message.Attempts);
                updated = await Claimed(message.Id, me).ExecuteUpdateAsync(s => s
                    .SetProperty(o => o.Status, OutboxStatus.Pending).SetProperty(o => o.NextAttemptAt, next)
                    .SetProperty(o => o.LeaseUntil, (DateTime?)null).SetProperty(o => o.LastError, error), ct);
                log.LogWarning("Outbox message {Id} ({Kind}) attempt {Attempt} failed, retrying at {Next}: {Error}", message.Id, message.Kind, message.Attempts, next, error);
                break;
            default:
                // refused by the provider, or out of attempts: a dead letter an admin can see and retry
                updated = await Claimed(message.Id, me).ExecuteUpdateAsync(s => s
                    .SetProperty(o => o.Status, OutboxStatus.Failed).SetProperty(o => o.LeaseUntil, (DateTime?)null).SetProperty(o => o.LastError, error), ct);
                if (updated > 0 && message.MessageId is { } failedId)
                    await db.Messages.IgnoreQueryFilters().Where(m => m.Id == failedId && m.Status == MessageStatus.Queued)
                        .ExecuteUpdateAsync(s => s.SetProperty(m => m.Status, MessageStatus.Failed).SetProperty(m => m.Error, error).SetProperty(m => m.UpdatedAt, now), ct);
                log.LogWarning("Outbox message {Id} ({Kind}) failed for good after {Attempts} attempts: {Error}", message.Id, message.Kind, message.Attempts, error);
                break;
        }
        await tx.CommitAsync(ct);
        if (updated > 0 && result is { Outcome: OutboxSendOutcome.Sent, ProviderId: not null } && message.MessageId is { } recorded)
            await ApplyHeldStatusesAsync(recorded, ct);
        if (updated == 0)
            log.LogWarning("Outbox message {Id} was taken over by another instance before its outcome ({Outcome}) was recorded", message.Id, result.Outcome);
        else if (message.MessageId is { } messageId && result.Outcome != OutboxSendOutcome.Retry)
            await AnnounceAsync(messageId, ct);
    }

    /// <summary>
    /// Statuses Meta posted before it answered the send (held, <see cref="MessageStatuses"/>) apply now that the message
    /// has its provider id; looked for after the commit, so a status held at the same moment is never missed by both.
    /// </summary>
    private async Task ApplyHeldStatusesAsync(long messageId, CancellationToken ct)
    {
        try
        {
            await statuses.ApplyHeldAsync(messageId, ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // the send is recorded; the periodic purge applies what is held for known messages
            log.LogWarning(ex, "Could not apply the statuses held for message {Id}", messageId);
        }
    }

    /// <summary>Open pages of the message's lead re-read its thread: the tick moves from queued to sent (or failed) live.</summary>
    private async Task AnnounceAsync(long messageId, CancellationToken ct)
    {
        try
        {
            var owner = await db.Messages.IgnoreQueryFilters().Where(m => m.Id == messageId).Select(m => new { m.WorkspaceId, m.LeadId }).FirstOrDefaultAsync(ct);
            if (owner is not null)
                await live.PublishAsync(new Common.Live.LiveEvent(owner.WorkspaceId, "messages-changed",
                    owner.LeadId.ToString(System.Globalization.CultureInfo.InvariantCulture)), ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // the outcome is recorded; a missed live refresh is not worth failing the send for
            log.LogWarning(ex, "Could not announce the outcome of message {Id}", messageId);
        }
    }

    private IQueryable<OutboxMessage> Claimed(long id, string me) =>
        db.Outbox.IgnoreQueryFilters().Where(o => o.Id == id && o.Status == OutboxStatus.Sending && o.ClaimedBy == me);

    /// <summary>Exponential back-off with ±20 % jitter, so retries of one outage do not all come back at once.</summary>
    internal TimeSpan Backoff(int attempts)
    {
        var seconds = Math.Min(_options.MaxBackoffSeconds, _options.BackoffSeconds * Math.Pow(2, Math.Max(0, attempts - 1)));
        return TimeSpan.FromSeconds(seconds * (0.8 + (0.4 * Random.Shared.NextDouble())));
    }

    private static string? Trim(string? error) => error is { Length: > 2000 } ? error[..2000] : error;
}

/// <summary>This instance's name in the outbox's claims (host and a random suffix: two processes on one host differ).</summary>
public sealed class OutboxInstance
{
    public string Name { get; } = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid().ToString("N")[..8]}";
}

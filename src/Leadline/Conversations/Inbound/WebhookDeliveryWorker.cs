using Leadline.Channels;
using Leadline.Common.Live;
using Leadline.Data;
using Leadline.Reminders;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Leadline.Conversations.Inbound;

public sealed class WebhookOptions
{
    public bool Enabled { get; set; } = true;

    /// <summary>How often a worker looks for deliveries stored by other instances (its own wake it at once).</summary>
    public int PollSeconds { get; set; } = 5;

    /// <summary>Deliveries one instance processes at the same time.</summary>
    public int Parallelism { get; set; } = 4;

    public int BatchSize { get; set; } = 50;

    /// <summary>How long a claimed delivery is held before another worker may take it (its worker died).</summary>
    public int LeaseSeconds { get; set; } = 120;

    /// <summary>Tries before a delivery is given up (kept, with its error, processed).</summary>
    public int MaxAttempts { get; set; } = 8;

    /// <summary>
    /// Deliveries a second arriving at one instance above which its worker holds back (up to a second per delivery) so
    /// acknowledging keeps up; 0 never holds back. A working team's traffic stays far below it; a flood is processed after.
    /// </summary>
    public int AcknowledgeFirstAbove { get; set; } = 200;
}

/// <summary>Wakes this instance's delivery worker when a webhook was stored here.</summary>
public sealed class WebhookDeliverySignal : Common.Background.WakeSignal;

/// <summary>
/// Processes stored webhook deliveries of every workspace. A batch is claimed with a lease (<c>FOR UPDATE SKIP LOCKED</c>
/// on PostgreSQL, SQLite's single writer otherwise), so two instances or threads never process one delivery at the same
/// time; one whose worker died is taken again when its lease runs out. Each delivery is processed in its own scope and
/// workspace; a failure is retried with back-off, and after <see cref="WebhookOptions.MaxAttempts"/> kept with its error.
/// </summary>
public sealed class WebhookDeliveryProcessor(IServiceScopeFactory scopes, DatabaseOptions database, TimeProvider clock, IOptions<WebhookOptions> options,
    WebhookInbox inbox, ILogger<WebhookDeliveryProcessor> log)
{
    /// <summary>Claims and processes one batch; returns how many deliveries it took.</summary>
    public async Task<int> RunOnceAsync(CancellationToken ct)
    {
        var o = options.Value;
        var claimed = await ClaimAsync(o, ct);
        if (claimed.Count == 0)
            return 0;
        // SQLite writes one transaction at a time (and each delivery's processing is one): a second in parallel would
        // only queue before the webhook inbox's next batch of acknowledgements
        var parallelism = database.Provider == DatabaseProvider.Sqlite ? 1 : Math.Max(1, o.Parallelism);
        var processed = new System.Collections.Concurrent.ConcurrentBag<long>();
        await Parallel.ForEachAsync(claimed, new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = ct },
            async (delivery, token) =>
            {
                await inbox.WaitWhileBusyAsync(TimeSpan.FromSeconds(1), token);
                if (await ProcessAsync(delivery, o, token))
                    processed.Add(delivery.Id);
            });
        await MarkProcessedAsync(processed.ToList());
        return claimed.Count;
    }

    /// <summary>Everything stored so far, batch after batch (tests, and the worker after a wake).</summary>
    public async Task<int> RunAllAsync(CancellationToken ct)
    {
        var total = 0;
        int handled;
        while ((handled = await RunOnceAsync(ct)) > 0)
            total += handled;
        return total;
    }

    private async Task<List<WebhookDelivery>> ClaimAsync(WebhookOptions o, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<LeadlineDb>();
        var now = clock.GetUtcNow().UtcDateTime;
        var until = now.AddSeconds(o.LeaseSeconds);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var ids = database.Provider == DatabaseProvider.Postgres
            ? await db.Database.SqlQuery<long>($"""
                SELECT id AS "Value" FROM webhook_deliveries
                WHERE processed_at IS NULL AND (lease_until IS NULL OR lease_until <= {now})
                ORDER BY id LIMIT {o.BatchSize}
                FOR UPDATE SKIP LOCKED
                """).ToListAsync(ct)
            // SQLite: the transaction began IMMEDIATE, holding the one write lock from the look to the update
            : await db.WebhookDeliveries.IgnoreQueryFilters().Where(d => d.ProcessedAt == null && (d.LeaseUntil == null || d.LeaseUntil <= now))
                .OrderBy(d => d.Id).Select(d => d.Id).Take(o.BatchSize).ToListAsync(ct);
        if (ids.Count == 0)
            return [];
        await db.WebhookDeliveries.IgnoreQueryFilters().Where(d => ids.Contains(d.Id))
            .ExecuteUpdateAsync(s => s.SetProperty(d => d.LeaseUntil, until).SetProperty(d => d.Attempts, d => d.Attempts + 1), ct);
        var deliveries = await db.WebhookDeliveries.IgnoreQueryFilters().AsNoTracking().Where(d => ids.Contains(d.Id)).OrderBy(d => d.Id).ToListAsync(ct);
        await tx.CommitAsync(ct);
        return deliveries;
    }

    /// <summary>True when the delivery was processed (marked with the batch); a failure is marked here, for a retry or for good.</summary>
    private async Task<bool> ProcessAsync(WebhookDelivery delivery, WebhookOptions o, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<WorkspaceScope>().Enter(delivery.WorkspaceId);
        var db = scope.ServiceProvider.GetRequiredService<LeadlineDb>();
        try
        {
            var outcome = await scope.ServiceProvider.GetRequiredService<WebhookDeliveryHandlers>().ProcessAsync(delivery, ct);
            await scope.ServiceProvider.GetRequiredService<InboundAnnouncer>().AnnounceAsync(outcome, ct);
            return true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            var now = clock.GetUtcNow().UtcDateTime;
            var error = $"{ex.GetType().Name}: {ex.Message}";
            if (error.Length > 2000)
                error = error[..2000];
            if (delivery.Attempts >= o.MaxAttempts)
            {
                log.LogError(ex, "Webhook delivery {Delivery} failed {Attempts} times; given up (kept with its error)", delivery.Id, delivery.Attempts);
                await MarkAsync(db, delivery.Id, d => d.SetProperty(x => x.ProcessedAt, now).SetProperty(x => x.LeaseUntil, (DateTime?)null).SetProperty(x => x.Error, error));
            }
            else
            {
                // 2, 4, 8 ... seconds, at most 10 minutes
                var backoff = TimeSpan.FromSeconds(Math.Min(600, Math.Pow(2, delivery.Attempts)));
                log.LogWarning(ex, "Webhook delivery {Delivery} failed (try {Attempt}); trying again in {Backoff}", delivery.Id, delivery.Attempts, backoff);
                await MarkAsync(db, delivery.Id, d => d.SetProperty(x => x.LeaseUntil, now + backoff).SetProperty(x => x.Error, error));
            }
            return false;
        }
    }

    /// <summary>
    /// The batch's processed deliveries, in one statement rather than one each (on SQLite each was a commit of its own).
    /// Should the app stop before it, they are processed again when their lease runs out: processing is idempotent.
    /// </summary>
    private async Task MarkProcessedAsync(List<long> ids)
    {
        if (ids.Count == 0)
            return;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<LeadlineDb>();
        var now = clock.GetUtcNow().UtcDateTime;
        // in a transaction: on SQLite it takes its turn among the instance's writers (SqliteWriteTurns)
        await using var tx = await db.Database.BeginTransactionAsync(CancellationToken.None);
        await db.WebhookDeliveries.IgnoreQueryFilters().Where(d => ids.Contains(d.Id))
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.ProcessedAt, now).SetProperty(x => x.LeaseUntil, (DateTime?)null).SetProperty(x => x.Error, (string?)null),
                CancellationToken.None);
        await tx.CommitAsync(CancellationToken.None);
    }

    private static Task<int> MarkAsync(LeadlineDb db, long id,
        Action<Microsoft.EntityFrameworkCore.Query.UpdateSettersBuilder<WebhookDelivery>> set) =>
        db.WebhookDeliveries.IgnoreQueryFilters().Where(d => d.Id == id).ExecuteUpdateAsync(set, CancellationToken.None);
}

/// <summary>Every instance runs one: deliveries stored here are processed at once (woken), others' within a poll.</summary>
public sealed class WebhookDeliveryWorker(WebhookDeliveryProcessor processor, WebhookDeliverySignal signal, TimeProvider clock, IOptions<WebhookOptions> options,
    ILogger<WebhookDeliveryWorker> log) : Common.Background.WokenWorker(signal, clock, log)
{
    protected override bool Enabled => options.Value.Enabled;

    protected override TimeSpan PollInterval => TimeSpan.FromSeconds(Math.Max(1, options.Value.PollSeconds));

    // a claimed delivery whose instance stopped is taken again when its lease runs out
    protected override Task WorkAsync(CancellationToken ct) => processor.RunAllAsync(ct);
}

/// <summary>
/// After a delivery is processed: open pages hear of the leads whose timeline changed ("messages-changed", the lead id),
/// and the owner of a lead the customer wrote to gets a bell notification, at most one per lead every few minutes.
/// </summary>
public sealed class InboundAnnouncer(LeadlineDb db, ILiveEventBus bus, TimeProvider clock, ILogger<InboundAnnouncer> log)
{
    public static readonly TimeSpan NotifyAtMostEvery = TimeSpan.FromMinutes(5);

    private static readonly SemaphoreSlim NotifyLock = new(1, 1);

    public async Task AnnounceAsync(InboundOutcome outcome, CancellationToken ct)
    {
        var workspaceId = db.CurrentWorkspaceId;
        foreach (var leadId in outcome.ChangedLeads)
            await PublishAsync(new LiveEvent(workspaceId, "messages-changed", leadId.ToString(System.Globalization.CultureInfo.InvariantCulture)), ct);
        if (outcome.WroteIn.Count == 0)
            return;
        var now = clock.GetUtcNow().UtcDateTime;
        var since = now - NotifyAtMostEvery;
        var ids = outcome.WroteIn.ToList();
        // the bell names the channel the customer wrote on last ("New SMS message from ...")
        var leads = await db.Leads.AsNoTracking().Where(l => ids.Contains(l.Id) && l.OwnerId != null)
            .Select(l => new
            {
                l.Id, l.Name, l.OwnerId,
                Kind = db.Messages.Where(m => m.LeadId == l.Id && m.Direction == MessageDirection.Inbound).OrderByDescending(m => m.At).ThenByDescending(m => m.Id)
                    .Select(m => db.Channels.Where(c => c.Id == m.ChannelId).Select(c => (ChannelKind?)c.Kind).FirstOrDefault()).FirstOrDefault(),
            })
            .ToListAsync(ct);
        if (leads.Count == 0)
            return;
        var notified = new HashSet<int>();
        // deliveries are processed in parallel: one look-and-add at a time on this instance, so a burst makes one notification
        await NotifyLock.WaitAsync(ct);
        try
        {
            foreach (var lead in leads)
            {
                var owner = lead.OwnerId!.Value;
                if (await db.Notifications.AnyAsync(n => n.LeadId == lead.Id && n.UserId == owner && n.ReminderId == null && n.CreatedAt >= since, ct))
                    continue;
                db.Notifications.Add(new Notification { WorkspaceId = workspaceId, UserId = owner, LeadId = lead.Id, Text = lead.Kind == ChannelKind.Webform ? $"New web form enquiry from {lead.Name}"
                    : $"New {ChannelKinds.Label(lead.Kind ?? ChannelKind.Whatsapp)} message from {lead.Name}", CreatedAt = now });
                notified.Add(owner);
            }
            if (notified.Count == 0)
                return;
            await db.SaveChangesAsync(ct);
        }
        finally
        {
            NotifyLock.Release();
        }
        foreach (var userId in notified)
            await PublishAsync(new LiveEvent(workspaceId, "notifications", userId.ToString(System.Globalization.CultureInfo.InvariantCulture)), ct);
    }

    private async Task PublishAsync(LiveEvent e, CancellationToken ct)
    {
        try
        {
            await bus.PublishAsync(e, ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            log.LogWarning(ex, "Could not publish a live update for workspace {Workspace}", e.WorkspaceId);
        }
    }
}

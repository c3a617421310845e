using Leadline.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Leadline.Conversations.Inbound;

/// <summary>How long webhook deliveries are kept once processed (Leadline:Webhooks, beside the worker's options).</summary>
public sealed class WebhookRetentionOptions
{
    /// <summary>Days a processed delivery is kept (for a re-run or a look at what Meta sent).</summary>
    public int KeepProcessedDays { get; set; } = 7;

    /// <summary>Days a delivery given up with an error is kept, for inspection.</summary>
    public int KeepFailedDays { get; set; } = 30;

    public bool CleanupEnabled { get; set; } = true;

    public int CleanupIntervalMinutes { get; set; } = 60;
}

/// <summary>
/// Deletes processed webhook deliveries past their retention (failed ones later than the others), in batches so no long
/// lock is held, and purges delivery statuses held for messages never known. Safe on every instance at once: a delete
/// by condition that another instance ran first finds nothing; unprocessed deliveries are never touched.
/// </summary>
public sealed class WebhookRetention(LeadlineDb db, MessageStatuses statuses, TimeProvider clock, IOptions<WebhookRetentionOptions> options)
{
    private const int Batch = 1000;

    public async Task<int> RunOnceAsync(CancellationToken ct)
    {
        var o = options.Value;
        var now = clock.GetUtcNow().UtcDateTime;
        var processedBefore = now.AddDays(-Math.Max(0, o.KeepProcessedDays));
        var failedBefore = now.AddDays(-Math.Max(Math.Max(0, o.KeepProcessedDays), o.KeepFailedDays));
        var deleted = 0;
        while (true)
        {
            var ids = await db.WebhookDeliveries.IgnoreQueryFilters()
                // a range on processed_at (its index); failed ones only past the longer time
                .Where(d => d.ProcessedAt != null && d.ProcessedAt < processedBefore && (d.Error == null || d.ProcessedAt < failedBefore))
                .OrderBy(d => d.ProcessedAt).Select(d => d.Id).Take(Batch).ToListAsync(ct);
            if (ids.Count == 0)
                break;
            deleted += await db.WebhookDeliveries.IgnoreQueryFilters().Where(d => ids.Contains(d.Id)).ExecuteDeleteAsync(ct);
            if (ids.Count < Batch)
                break;
        }
        return deleted + await statuses.PurgeAsync(ct);
    }
}

/// <summary>Runs the retention every interval (Leadline:Webhooks:CleanupIntervalMinutes, default 60) on every instance.</summary>
public sealed class WebhookRetentionWorker(IServiceScopeFactory scopes, TimeProvider clock, IOptions<WebhookRetentionOptions> options, ILogger<WebhookRetentionWorker> log)
    : Common.Background.PeriodicWorker(scopes, clock, log)
{
    protected override bool Enabled => options.Value.CleanupEnabled;

    protected override TimeSpan Interval => TimeSpan.FromMinutes(Math.Max(1, options.Value.CleanupIntervalMinutes));

    protected override Task<int> RunOnceAsync(IServiceProvider services, CancellationToken ct) =>
        services.GetRequiredService<WebhookRetention>().RunOnceAsync(ct);
}

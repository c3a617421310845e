using Leadline.Common.Live;
using Leadline.Data;
using Microsoft.EntityFrameworkCore;

namespace Leadline.Reminders;

/// <summary>
/// Fires due internal reminders exactly once, across all workspaces and app instances: each batch is claimed
/// (<c>FOR UPDATE SKIP LOCKED</c> on PostgreSQL; SQLite's single writer otherwise), and the notification insert and
/// the "sent" mark commit in one transaction. A crash before the commit leaves the reminder pending for the next
/// run; a unique index on notifications.reminder_id makes a second notification impossible even so.
/// </summary>
public sealed partial class ReminderDispatcher(
    LeadlineDb db, DatabaseOptions options, TimeProvider clock, ILiveEventBus bus, IServiceScopeFactory scopes, ILogger<ReminderDispatcher> log)
{
    public const int BatchSize = 500;

    /// <summary>Fires everything due now, batch after batch; returns how many reminders fired.</summary>
    public async Task<int> RunDueAsync(CancellationToken ct)
    {
        var total = 0;
        while (true)
        {
            var fired = await RunBatchAsync(ct);
            total += fired;
            if (fired < BatchSize)
                return total + await RunTemplatesAsync(ct);
        }
    }

    private async Task<int> RunBatchAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        List<(int WorkspaceId, int UserId)> notified = [];
        await using (var tx = await db.Database.BeginTransactionAsync(ct))
        {
            List<Reminder> due;
            if (options.Provider == DatabaseProvider.Postgres)
            {
                var ids = await db.Database.SqlQuery<int>($"""
                    SELECT id AS "Value" FROM reminders
                    WHERE status = 'Pending' AND kind = 'Internal' AND due_at <= {now}
                    ORDER BY due_at LIMIT {BatchSize}
                    FOR UPDATE SKIP LOCKED
                    """).ToListAsync(ct);
                due = await db.Reminders.IgnoreQueryFilters().Where(r => ids.Contains(r.Id)).ToListAsync(ct);
            }
            else
            {
                due = await db.Reminders.IgnoreQueryFilters()
                    .Where(r => r.Status == ReminderStatus.Pending && r.Kind == ReminderKind.Internal && r.DueAt <= now)
                    .OrderBy(r => r.DueAt).Take(BatchSize).ToListAsync(ct);
            }
            if (due.Count == 0)
                return 0;

            var leadIds = due.Select(r => r.LeadId).Distinct().ToList();
            var leads = await db.Leads.IgnoreQueryFilters().Where(l => leadIds.Contains(l.Id))
                .Select(l => new { l.Id, l.Name, l.OwnerId }).ToDictionaryAsync(l => l.Id, ct);
            foreach (var reminder in due)
            {
                var lead = leads[reminder.LeadId];
                reminder.Status = ReminderStatus.Sent;
                reminder.FiredAt = now;
                await ScheduleNextAsync(db, reminder, now, ct);
                if ((reminder.NotifyUserId ?? lead.OwnerId ?? reminder.CreatedById) is not { } userId)
                {
                    log.LogWarning("Reminder {Reminder} fired with nobody to notify (no agent, owner or creator)", reminder.Id);
                    continue;
                }
                db.Notifications.Add(new Notification
                {
                    WorkspaceId = reminder.WorkspaceId,
                    UserId = userId,
                    LeadId = lead.Id,
                    ReminderId = reminder.Id,
                    Text = reminder.Message ?? $"Follow up with {lead.Name}",
                    CreatedAt = now,
                });
                notified.Add((reminder.WorkspaceId, userId));
            }
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
            db.ChangeTracker.Clear();
            foreach (var (workspaceId, userId) in notified.Distinct())
                await PublishAsync(new LiveEvent(workspaceId, "notifications", userId.ToString()), ct);
            return due.Count;
        }
    }

    private async Task PublishAsync(LiveEvent e, CancellationToken ct)
    {
        try
        {
            await bus.PublishAsync(e, ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            log.LogWarning(ex, "Could not publish a live notification event");
        }
    }
}

public sealed class ReminderOptions
{
    public bool Enabled { get; set; } = true;

    public int IntervalSeconds { get; set; } = 60;
}

/// <summary>Fires due reminders every interval (Leadline:Reminders:IntervalSeconds).</summary>
public sealed class ReminderWorker(IServiceScopeFactory scopes, TimeProvider clock, Microsoft.Extensions.Options.IOptions<ReminderOptions> options, ILogger<ReminderWorker> log)
    : Common.Background.PeriodicWorker(scopes, clock, log)
{
    protected override bool Enabled => options.Value.Enabled;

    protected override TimeSpan Interval => TimeSpan.FromSeconds(options.Value.IntervalSeconds);

    protected override Task<int> RunOnceAsync(IServiceProvider services, CancellationToken ct) =>
        services.GetRequiredService<ReminderDispatcher>().RunDueAsync(ct);
}

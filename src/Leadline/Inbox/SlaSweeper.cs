using Leadline.Common.Live;
using Leadline.Data;
using Leadline.Identity;
using Leadline.Leads;
using Leadline.Reminders;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Leadline.Inbox;

/// <summary>
/// Marks first-response SLAs whose due time passed without a reply as breached, across workspaces and app instances, and
/// tells the lead's owner and their manager through the bell. Each batch is claimed (<c>FOR UPDATE SKIP LOCKED</c> on
/// PostgreSQL; SQLite has one writer) and the marks and notifications commit together, so each breach notifies once.
/// "Their manager": until teams exist (wave 2, ownership), every active Manager of the workspace, or its Admins when it
/// has no Manager; an unowned lead notifies them alone.
/// </summary>
public sealed class SlaSweeper(LeadlineDb db, DatabaseOptions options, TimeProvider clock, ILiveEventBus bus, ILogger<SlaSweeper> log)
{
    public const int BatchSize = 200;

    public async Task<int> MarkBreachesAsync(CancellationToken ct)
    {
        var total = 0;
        while (true)
        {
            var marked = await RunBatchAsync(ct);
            total += marked;
            if (marked < BatchSize)
                return total;
        }
    }

    private async Task<int> RunBatchAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var notified = new HashSet<(int WorkspaceId, int UserId)>();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        List<Lead> due;
        if (options.Provider == DatabaseProvider.Postgres)
        {
            var ids = await db.Database.SqlQuery<int>($"""
                SELECT id AS "Value" FROM leads
                WHERE sla_state = 'Due' AND sla_due_at < {now}
                ORDER BY sla_due_at LIMIT {BatchSize}
                FOR UPDATE SKIP LOCKED
                """).ToListAsync(ct);
            due = await db.Leads.IgnoreQueryFilters().Where(l => ids.Contains(l.Id)).ToListAsync(ct);
        }
        else
        {
            due = await db.Leads.IgnoreQueryFilters().Where(l => l.SlaState == SlaState.Due && l.SlaDueAt < now)
                .OrderBy(l => l.SlaDueAt).Take(BatchSize).ToListAsync(ct);
        }
        if (due.Count == 0)
            return 0;
        var managers = new Dictionary<int, List<int>>();
        foreach (var lead in due)
        {
            lead.MarkSlaBreached();
            if (lead.ArchivedAt is not null)
                continue;
            if (!managers.TryGetValue(lead.WorkspaceId, out var bosses))
                managers[lead.WorkspaceId] = bosses = await ManagersAsync(lead.WorkspaceId, ct);
            foreach (var userId in bosses.Prepend(lead.OwnerId ?? 0).Where(id => id != 0).Distinct())
            {
                db.Notifications.Add(new Notification
                {
                    WorkspaceId = lead.WorkspaceId,
                    UserId = userId,
                    LeadId = lead.Id,
                    Text = $"No reply to {lead.Name} within the first-response time",
                    CreatedAt = now,
                });
                notified.Add((lead.WorkspaceId, userId));
            }
        }
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        db.ChangeTracker.Clear();
        foreach (var (workspaceId, userId) in notified)
        {
            try
            {
                await bus.PublishAsync(new LiveEvent(workspaceId, "notifications", userId.ToString(System.Globalization.CultureInfo.InvariantCulture)), ct);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                log.LogWarning(ex, "Could not publish a live notification event");
            }
        }
        return due.Count;
    }

    /// <summary>The workspace's active Managers, or its active Admins when it has none.</summary>
    private async Task<List<int>> ManagersAsync(int workspaceId, CancellationToken ct)
    {
        var byRole = await db.Users.IgnoreQueryFilters().Where(u => u.WorkspaceId == workspaceId && u.IsActive)
            .Join(db.UserRoles, u => u.Id, ur => ur.UserId, (u, ur) => new { u.Id, ur.RoleId })
            .Join(db.Roles, x => x.RoleId, r => r.Id, (x, r) => new { x.Id, r.Name })
            .Where(x => x.Name == Roles.Manager || x.Name == Roles.Admin).ToListAsync(ct);
        var managers = byRole.Where(x => x.Name == Roles.Manager).Select(x => x.Id).ToList();
        return managers.Count > 0 ? managers : [.. byRole.Select(x => x.Id)];
    }
}

public sealed class SlaOptions
{
    public bool Enabled { get; set; } = true;

    public int IntervalSeconds { get; set; } = 60;
}

/// <summary>Sweeps breached SLAs every interval (Leadline:Sla:IntervalSeconds, default 60 s) on every instance.</summary>
public sealed class SlaWorker(IServiceScopeFactory scopes, TimeProvider clock, IOptions<SlaOptions> options, ILogger<SlaWorker> log)
    : Common.Background.PeriodicWorker(scopes, clock, log)
{
    protected override bool Enabled => options.Value.Enabled;

    protected override TimeSpan Interval => TimeSpan.FromSeconds(options.Value.IntervalSeconds);

    protected override Task<int> RunOnceAsync(IServiceProvider services, CancellationToken ct) =>
        services.GetRequiredService<SlaSweeper>().MarkBreachesAsync(ct);
}

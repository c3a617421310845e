using Leadline.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Leadline.Queue;

public sealed class ReservationOptions
{
    public bool Enabled { get; set; } = true;

    public int IntervalSeconds { get; set; } = 300;
}

/// <summary>
/// Gives reserved leads back to the queue when nobody has recorded anything on them for the workspace's release time.
/// The owner change goes through EF, so the lead's history shows it ("System" changed owner and reservedAt); two
/// instances releasing the same lead meet at the row version and one of them skips it.
/// </summary>
public sealed class ReservationReleaser(LeadlineDb db, TimeProvider clock)
{
    private const int Batch = 500;

    public async Task<int> ReleaseStaleAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var released = 0;
        foreach (var workspace in await db.Workspaces.AsNoTracking().Select(w => new { w.Id, w.ReservationReleaseHours }).ToListAsync(ct))
        {
            var cutoff = now.AddHours(-Math.Max(1, workspace.ReservationReleaseHours));
            while (true)
            {
                var stale = await db.Leads.IgnoreQueryFilters()
                    .Where(l => l.WorkspaceId == workspace.Id && l.ReservedAt != null && l.ReservedAt < cutoff && (l.LastActivityAt == null || l.LastActivityAt < cutoff))
                    .OrderBy(l => l.Id).Take(Batch).ToListAsync(ct);
                if (stale.Count == 0)
                    break;
                foreach (var lead in stale)
                    lead.ReleaseReservation();
                try
                {
                    await db.SaveChangesAsync(ct);
                    released += stale.Count;
                }
                catch (DbUpdateConcurrencyException)
                {
                    // someone touched one of them meanwhile: leave this batch to the next run, which re-reads it
                    db.ChangeTracker.Clear();
                    break;
                }
                db.ChangeTracker.Clear();
                if (stale.Count < Batch)
                    break;
            }
        }
        return released;
    }
}

/// <summary>Runs the release every interval (Leadline:Reservations:IntervalSeconds, default 300 s).</summary>
public sealed class ReservationWorker(IServiceScopeFactory scopes, TimeProvider clock, IOptions<ReservationOptions> options, ILogger<ReservationWorker> log)
    : Common.Background.PeriodicWorker(scopes, clock, log)
{
    protected override bool Enabled => options.Value.Enabled;

    protected override TimeSpan Interval => TimeSpan.FromSeconds(options.Value.IntervalSeconds);

    protected override Task<int> RunOnceAsync(IServiceProvider services, CancellationToken ct) =>
        services.GetRequiredService<ReservationReleaser>().ReleaseStaleAsync(ct);
}

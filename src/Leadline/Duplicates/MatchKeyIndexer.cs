using Leadline.Data;
using Leadline.Leads;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Leadline.Duplicates;

public sealed class MatchKeyOptions
{
    public bool Enabled { get; set; } = true;

    public int IntervalSeconds { get; set; } = 30;
}

/// <summary>
/// Gives match keys to active leads that have none: leads written before the keys existed, and leads written in bulk
/// (demo data, the bulk import path) past the EF interceptor. Every lead with a name has at least one key, so "no key
/// row" is exactly "not indexed yet".
/// </summary>
public sealed class MatchKeyIndexer(LeadlineDb db)
{
    private const int Batch = 2000;

    public async Task<int> IndexMissingAsync(CancellationToken ct)
    {
        var indexed = 0;
        while (!ct.IsCancellationRequested)
        {
            var leads = await db.Leads.IgnoreQueryFilters().AsNoTracking()
                .Where(l => l.ArchivedAt == null && !db.LeadMatchKeys.IgnoreQueryFilters().Any(k => k.LeadId == l.Id))
                .OrderBy(l => l.Id).Take(Batch).ToListAsync(ct);
            if (leads.Count == 0)
                break;
            foreach (var lead in leads)
                foreach (var key in LeadMatchKey.For(lead))
                    db.LeadMatchKeys.Add(new LeadMatchKey { LeadId = lead.Id, WorkspaceId = lead.WorkspaceId, Key = key });
            await db.SaveChangesAsync(ct);
            db.ChangeTracker.Clear();
            indexed += leads.Count;
        }
        return indexed;
    }
}

public sealed class MatchKeyWorker(IServiceScopeFactory scopes, TimeProvider clock, IOptions<MatchKeyOptions> options, ILogger<MatchKeyWorker> log)
    : Common.Background.PeriodicWorker(scopes, clock, log)
{
    protected override bool Enabled => options.Value.Enabled;

    protected override TimeSpan Interval => TimeSpan.FromSeconds(options.Value.IntervalSeconds);

    protected override Task<int> RunOnceAsync(IServiceProvider services, CancellationToken ct) =>
        services.GetRequiredService<MatchKeyIndexer>().IndexMissingAsync(ct);
}

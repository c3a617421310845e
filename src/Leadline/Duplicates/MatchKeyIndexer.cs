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
/// Gives match keys to active leads that have none: leads written before the keys existed, or by a writer that does not
/// keep them (EF saves have <see cref="MatchKeyReaction"/>, bulk writes <see cref="LeadBulkWriter"/>). Every lead
/// with a name has at least one key, so "no key row" is exactly "not indexed yet".
/// </summary>
public sealed class MatchKeyIndexer(LeadlineDb db)
{
    private const int Batch = 2000;

    public Task<int> IndexMissingAsync(CancellationToken ct) => IndexMissingAsync(0, ct);

    /// <summary>As above for the leads with an id above <paramref name="afterId"/> (a worker's later runs: only what is new).</summary>
    public async Task<int> IndexMissingAsync(int afterId, CancellationToken ct)
    {
        var indexed = 0;
        while (!ct.IsCancellationRequested)
        {
            var leads = await db.Leads.IgnoreQueryFilters().AsNoTracking()
                .Where(l => l.Id > afterId && l.ArchivedAt == null && !db.LeadMatchKeys.IgnoreQueryFilters().Any(k => k.LeadId == l.Id))
                .OrderBy(l => l.Id).Take(Batch).ToListAsync(ct);
            if (leads.Count == 0)
                break;
            foreach (var lead in leads)
                foreach (var key in LeadMatchKey.For(lead))
                    db.LeadMatchKeys.Add(new LeadMatchKey { LeadId = lead.Id, WorkspaceId = lead.WorkspaceId, Key = key });
            await db.SaveChangesAsync(ct);
            db.ChangeTracker.Clear();
            indexed += leads.Count;
            // on past this batch: a lead with nothing to key on (a name of symbols, no contact details) stays without keys,
            // and looking from the same place again would find it again, forever
            afterId = leads[^1].Id;
        }
        return indexed;
    }
}

/// <summary>
/// Runs the indexer over every lead once at start-up, then only over leads newer than the newest it has seen: looking for
/// leads without keys among a million would read them all every interval.
/// </summary>
public sealed class MatchKeyWorker(IServiceScopeFactory scopes, TimeProvider clock, IOptions<MatchKeyOptions> options, ILogger<MatchKeyWorker> log)
    : Common.Background.PeriodicWorker(scopes, clock, log)
{
    private int _seenUpTo;

    protected override bool Enabled => options.Value.Enabled;

    protected override TimeSpan Interval => TimeSpan.FromSeconds(options.Value.IntervalSeconds);

    protected override async Task<int> RunOnceAsync(IServiceProvider services, CancellationToken ct)
    {
        // the newest id first: a lead written while this run works is above it and is looked at next time
        var newest = await services.GetRequiredService<LeadlineDb>().Leads.IgnoreQueryFilters().MaxAsync(l => (int?)l.Id, ct) ?? 0;
        var indexed = await services.GetRequiredService<MatchKeyIndexer>().IndexMissingAsync(_seenUpTo, ct);
        _seenUpTo = Math.Max(_seenUpTo, newest);
        return indexed;
    }
}

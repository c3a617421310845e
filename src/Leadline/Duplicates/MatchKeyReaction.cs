using Leadline.Leads;
using Leadline.Leads.Changes;
using Microsoft.EntityFrameworkCore;

namespace Leadline.Duplicates;

/// <summary>Rewrites a lead's match keys in the same transaction whenever a field the keys come from changes (or it is archived).</summary>
internal sealed class MatchKeyReaction : ILeadReaction
{
    // the fields the keys are made of (the catalog's "matched"), and archiving, which removes them
    private static readonly HashSet<string> Sources = [.. LeadFields.All.Where(f => f.Matched).Select(f => f.Property), nameof(Lead.ArchivedAt)];

    public LeadReactionPhase Phase => LeadReactionPhase.Index;

    public async ValueTask OnSavingAsync(LeadChangeSet changes, CancellationToken ct)
    {
        var created = changes.OfType<LeadCreated>().Select(c => c.Lead).ToList();
        var changed = changes.OfType<LeadFieldsChanged>().Where(c => c.Changes.Any(f => Sources.Contains(f.Property))).Select(c => c.Lead).Distinct().ToList();
        if (created.Count + changed.Count == 0)
            return;
        var keys = changes.Db.Set<LeadMatchKey>();
        if (changed.Count > 0)
        {
            var ids = changed.Select(l => l.Id).ToList();
            keys.RemoveRange(await keys.Where(k => ids.Contains(k.LeadId)).ToListAsync(ct));
        }
        foreach (var lead in created.Concat(changed))
            foreach (var key in LeadMatchKey.For(lead))
                keys.Add(new LeadMatchKey { Lead = lead, LeadId = lead.Id, WorkspaceId = lead.WorkspaceId, Key = key });
    }

    /// <summary>
    /// Deriving the keys is CPU work of ~15 µs a lead (normalising names, phones, addresses): done on another core while the
    /// leads are written; in key order, so the inserts walk the key index from one end to the other instead of jumping.
    /// </summary>
    public ValueTask OnBulkInsertAsync(LeadsCreatedInBulk change, BulkRows rows, Microsoft.EntityFrameworkCore.DbContext db, CancellationToken ct)
    {
        rows.Add(() => change.Leads
            .SelectMany(l => LeadMatchKey.For(l).Select(key => new LeadMatchKey { WorkspaceId = l.WorkspaceId, LeadId = l.Id, Key = key }))
            .OrderBy(k => k.Key, StringComparer.Ordinal).ToList());
        return ValueTask.CompletedTask;
    }
}

using Leadline.Leads;
using Leadline.Leads.Changes;
using Microsoft.EntityFrameworkCore;

namespace Leadline.CustomFields;

/// <summary>Keeps the custom-field value index (<see cref="CustomValueIndex"/>) in step with every lead written, saved or bulk-inserted.</summary>
internal sealed class CustomValueReaction : ILeadReaction
{
    public LeadReactionPhase Phase => LeadReactionPhase.Index;

    public async ValueTask OnSavingAsync(LeadChangeSet changes, CancellationToken ct)
    {
        var changed = changes.OfType<LeadCreated>().Select(c => c.Lead).Where(l => l.CustomFields is not null)
            .Concat(changes.OfType<LeadFieldsChanged>().Where(c => c.Changes.Any(f => f.Property == nameof(Lead.CustomFields))).Select(c => c.Lead))
            .Distinct().ToList();
        await CustomValueIndex.LeadsSavedAsync(changes.Db, changed, ct);
    }

    public async ValueTask OnBulkInsertAsync(LeadsCreatedInBulk change, BulkRows rows, DbContext db, CancellationToken ct)
    {
        if (!change.Leads.Any(l => l.CustomFields is not null))
            return;
        var fields = await db.Set<CustomField>().AsNoTracking().ToDictionaryAsync(f => f.Key, StringComparer.Ordinal, ct);
        rows.Add(change.Leads.SelectMany(l => CustomValueIndex.RowsFor(l, fields)).ToList());
    }
}

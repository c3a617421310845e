using Leadline.Pipeline;
using Microsoft.EntityFrameworkCore.Query;

namespace Leadline.Leads.Changes;

/// <summary>
/// Keeps <see cref="Lead.LeadFlow"/> and <see cref="Lead.ClosedAt"/> true whatever wrote the lead (a note, a board move,
/// an import, a stage's new category): Completed when a note closed it or its stage is a closing one, In progress once
/// anything was recorded, otherwise None. Entering a closing stage closes the lead now; leaving one for an open stage
/// reopens it.
/// </summary>
internal sealed class LeadFlowRule : ILeadReaction
{
    public LeadReactionPhase Phase => LeadReactionPhase.Derive;

    public static LeadFlowStatus Of(Lead lead) =>
        lead.ClosedAt is not null || IsClosing(lead.Status) ? LeadFlowStatus.Completed
        : lead.LastActivityAt is not null ? LeadFlowStatus.InProgress
        : LeadFlowStatus.None;

    /// <summary>Stages that end the operators' work on a lead.</summary>
    public static bool IsClosing(StageCategory category) => category is StageCategory.Converted or StageCategory.Lost or StageCategory.Unqualified;

    public ValueTask OnSavingAsync(LeadChangeSet changes, CancellationToken ct)
    {
        foreach (var moved in changes.OfType<LeadStageChanged>())
            CloseOrReopen(moved.Lead, moved.FromCategory, changes.Now);
        foreach (var created in changes.OfType<LeadCreated>())
            CloseOrReopen(created.Lead, StageCategory.New, changes.Now);
        foreach (var lead in changes.Leads)
            if (lead.LeadFlow != Of(lead))
                lead.LeadFlow = Of(lead);
        return ValueTask.CompletedTask;
    }

    public ValueTask OnBulkInsertAsync(LeadsCreatedInBulk change, BulkRows rows, Microsoft.EntityFrameworkCore.DbContext db, CancellationToken ct)
    {
        foreach (var lead in change.Leads)
        {
            CloseOrReopen(lead, StageCategory.New, change.At);
            lead.LeadFlow = Of(lead);
        }
        return ValueTask.CompletedTask;
    }

    /// <summary>The same rule as <see cref="Of"/> for every lead of the stage at once, from the new category.</summary>
    public void OnBulkUpdate(LeadsRecategorised change, UpdateSettersBuilder<Lead> setters)
    {
        if (IsClosing(change.To))
        {
            setters.SetProperty(l => l.LeadFlow, LeadFlowStatus.Completed)
                .SetProperty(l => l.ClosedAt, l => l.ClosedAt ?? change.At);
        }
        else if (IsClosing(change.From))
        {
            setters.SetProperty(l => l.ClosedAt, (DateTime?)null)
                .SetProperty(l => l.LeadFlow, l => l.LastActivityAt != null ? LeadFlowStatus.InProgress : LeadFlowStatus.None);
        }
    }

    private static void CloseOrReopen(Lead lead, StageCategory from, DateTime now)
    {
        if (IsClosing(lead.Status))
            lead.ClosedAt ??= now;
        else if (IsClosing(from))
            lead.ClosedAt = null;
    }
}

using Leadline.Pipeline;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Leadline.Leads;

/// <summary>
/// Keeps <see cref="Lead.LeadFlow"/> true on every save, whatever changed the lead (a note, an activity, a stage
/// move on the board, an import): Completed when a note closed it or its stage is a closing one, In progress once
/// anything was recorded, otherwise None.
/// </summary>
internal sealed class LeadFlowInterceptor : SaveChangesInterceptor
{
    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        Refresh(eventData.Context);
        return result;
    }

    public override ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Refresh(eventData.Context);
        return ValueTask.FromResult(result);
    }

    private static void Refresh(DbContext? context)
    {
        if (context is null)
            return;
        foreach (var entry in context.ChangeTracker.Entries<Lead>())
        {
            if (entry.State is EntityState.Added or EntityState.Modified)
            {
                var flow = Of(entry.Entity);
                if (entry.Entity.LeadFlow != flow)
                    entry.Entity.LeadFlow = flow;
            }
        }
    }

    public static LeadFlowStatus Of(Lead lead) =>
        lead.ClosedAt is not null || IsClosing(lead.Status) ? LeadFlowStatus.Completed
        : lead.LastActivityAt is not null ? LeadFlowStatus.InProgress
        : LeadFlowStatus.None;

    /// <summary>Stages that end the operators' work on a lead.</summary>
    public static bool IsClosing(StageCategory category) => category is StageCategory.Converted or StageCategory.Lost or StageCategory.Unqualified;
}

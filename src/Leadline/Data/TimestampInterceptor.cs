using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Leadline.Data;

/// <summary>
/// Stamps CreatedAt/UpdatedAt from <see cref="TimeProvider"/> and gives new business rows the current
/// workspace, refusing to write a row into a workspace other than the one in scope.
/// </summary>
internal sealed class TimestampInterceptor(TimeProvider clock, WorkspaceScope scope) : SaveChangesInterceptor
{
    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        Stamp(eventData.Context);
        return result;
    }

    public override ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Stamp(eventData.Context);
        return ValueTask.FromResult(result);
    }

    private void Stamp(DbContext? context)
    {
        if (context is null)
            return;
        var now = clock.GetUtcNow().UtcDateTime;
        var workspace = scope.Id;
        foreach (var entry in context.ChangeTracker.Entries())
        {
            if (entry.Entity is ITimestamped stamped)
            {
                if (entry.State == EntityState.Added)
                {
                    // a creation time given by the caller (imported history, demo data) is kept
                    if (stamped.CreatedAt == default)
                        stamped.CreatedAt = now;
                    stamped.UpdatedAt = now;
                }
                else if (entry.State == EntityState.Modified)
                {
                    stamped.UpdatedAt = now;
                }
            }
            if (entry.Entity is IWorkspaceOwned owned && entry.State is EntityState.Added or EntityState.Modified or EntityState.Deleted)
            {
                if (entry.State == EntityState.Added && owned.WorkspaceId == 0 && workspace is { } id)
                    owned.WorkspaceId = id;
                if (owned.WorkspaceId == 0)
                    throw new InvalidOperationException($"{entry.Entity.GetType().Name} has no workspace.");
                if (workspace is { } current && owned.WorkspaceId != current)
                    throw new InvalidOperationException($"{entry.Entity.GetType().Name} belongs to another workspace.");
            }
        }
    }
}

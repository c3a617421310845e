using Leadline.Leads;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Leadline.Duplicates;

/// <summary>Rewrites a lead's match keys in the same save whenever a field the keys come from changes (or it is archived).</summary>
internal sealed class MatchKeyInterceptor : SaveChangesInterceptor
{
    private static readonly string[] Sources =
    [
        nameof(Lead.Name), nameof(Lead.Company), nameof(Lead.Email), nameof(Lead.Phone), nameof(Lead.PhoneE164), nameof(Lead.Mobile),
        nameof(Lead.MobileE164), nameof(Lead.Website), nameof(Lead.Street), nameof(Lead.City), nameof(Lead.State), nameof(Lead.PostalCode),
        nameof(Lead.DateOfBirth), nameof(Lead.Country), nameof(Lead.ArchivedAt),
    ];

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result) =>
        SavingChangesAsync(eventData, result).AsTask().GetAwaiter().GetResult();

    public override async ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        if (eventData.Context is not { } context)
            return result;
        var changed = context.ChangeTracker.Entries<Lead>()
            .Where(e => e.State == EntityState.Added || (e.State == EntityState.Modified && Sources.Any(p => e.Property(p).IsModified)))
            .ToList();
        if (changed.Count == 0)
            return result;
        var existingIds = changed.Where(e => e.State == EntityState.Modified).Select(e => e.Entity.Id).ToList();
        if (existingIds.Count > 0)
        {
            var old = await context.Set<LeadMatchKey>().Where(k => existingIds.Contains(k.LeadId)).ToListAsync(cancellationToken);
            context.Set<LeadMatchKey>().RemoveRange(old);
        }
        foreach (var entry in changed)
            foreach (var key in LeadMatchKey.For(entry.Entity))
                context.Set<LeadMatchKey>().Add(new LeadMatchKey { Lead = entry.Entity, LeadId = entry.Entity.Id, WorkspaceId = entry.Entity.WorkspaceId, Key = key });
        return result;
    }
}

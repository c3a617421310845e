using Leadline.Leads;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Leadline.CustomFields;

/// <summary>Hands the leads whose custom values a save adds or changes to <see cref="CustomValueIndex"/>, inside that save.</summary>
internal sealed class CustomValueInterceptor : SaveChangesInterceptor
{
    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result) =>
        SavingChangesAsync(eventData, result).AsTask().GetAwaiter().GetResult();

    public override async ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        if (eventData.Context is not { } context)
            return result;
        var changed = context.ChangeTracker.Entries<Lead>()
            .Where(e => e.State == EntityState.Added ? e.Entity.CustomFields is not null : e.State == EntityState.Modified && e.Property(l => l.CustomFields).IsModified)
            .Select(e => e.Entity)
            .ToList();
        await CustomValueIndex.LeadsSavedAsync(context, changed, cancellationToken);
        return result;
    }
}

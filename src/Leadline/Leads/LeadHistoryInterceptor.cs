using System.Globalization;
using Leadline.Common.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Leadline.Leads;

/// <summary>
/// The one place lead history is written: every saved change of a tracked <see cref="Lead"/> becomes
/// <see cref="LeadHistory"/> rows in the same SaveChanges (so the same transaction), and bumps the lead's
/// <see cref="Lead.Version"/> (the ETag). Bulk SQL updates bypass EF and must not be used on leads (the one exception, a
/// stage's new category rewriting its leads' derived status, bumps the version itself: PipelineSettingsService).
/// </summary>
internal sealed class LeadHistoryInterceptor(CurrentUser user, TimeProvider clock) : SaveChangesInterceptor
{
    /// <summary>Derived or bookkeeping columns: their change is implied by a recorded one.</summary>
    private static readonly HashSet<string> Untracked =
    [
        nameof(Lead.UpdatedAt), nameof(Lead.CreatedAt), nameof(Lead.Version), nameof(Lead.Position), nameof(Lead.EmailNormalized),
        nameof(Lead.PhoneE164), nameof(Lead.MobileE164), nameof(Lead.PhoneDigits), nameof(Lead.MobileDigits), nameof(Lead.HasContactInfo), nameof(Lead.Status), nameof(Lead.PipelineId),
        nameof(Lead.StageChangedAt), nameof(Lead.WorkspaceId), nameof(Lead.Id), nameof(Lead.LeadFlow), nameof(Lead.LastActivityAt),
        nameof(Lead.FirstResponseAt),
    ];

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        Record(eventData.Context);
        return result;
    }

    public override ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Record(eventData.Context);
        return ValueTask.FromResult(result);
    }

    private void Record(DbContext? context)
    {
        if (context is null)
            return;
        var now = clock.GetUtcNow().UtcDateTime;
        var (userId, userName) = user.IsAuthenticated ? ((int?)user.Id, user.Name) : (null, "System");
        foreach (var entry in context.ChangeTracker.Entries<Lead>().ToList())
        {
            var rows = entry.State switch
            {
                EntityState.Added => [Row("created", null, entry.Entity.Name)],
                EntityState.Modified => Changes(entry).ToList(),
                _ => [],
            };
            if (rows.Count == 0)
                continue;
            if (entry.State == EntityState.Modified)
                entry.Entity.Version++;
            foreach (var (field, from, to) in rows)
                context.Add(new LeadHistory
                {
                    Lead = entry.Entity,
                    WorkspaceId = entry.Entity.WorkspaceId,
                    At = now,
                    UserId = userId,
                    UserName = userName,
                    Field = field,
                    From = Truncate(from),
                    To = Truncate(to),
                });
        }
    }

    private static IEnumerable<(string Field, string? From, string? To)> Changes(EntityEntry<Lead> entry)
    {
        foreach (var property in entry.Properties)
        {
            var name = property.Metadata.Name;
            if (!property.IsModified || Untracked.Contains(name))
                continue;
            var from = Format(property.OriginalValue);
            var to = Format(property.CurrentValue);
            if (from == to)
                continue;
            yield return (FieldName(name), from, to);
        }
    }

    private static (string, string?, string?) Row(string field, string? from, string? to) => (field, from, to);

    /// <summary>API names: StageId is shown as "stage", OwnerId as "owner" (resolved to names when read).</summary>
    public static string FieldName(string property) => property switch
    {
        nameof(Lead.StageId) => "stage",
        nameof(Lead.OwnerId) => "owner",
        nameof(Lead.ArchivedAt) => "archived",
        nameof(Lead.PhotoPath) => "photo",
        _ => char.ToLowerInvariant(property[0]) + property[1..],
    };

    private static string? Format(object? value) => value switch
    {
        null => null,
        IEnumerable<string> list => string.Join(", ", list),
        DateTime d => d.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        bool b => b ? "true" : "false",
        Enum e => JsonNamingCamel(e.ToString()),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString(),
    };

    private static string JsonNamingCamel(string name) => char.ToLowerInvariant(name[0]) + name[1..];

    private static string? Truncate(string? value) => value is { Length: > 1000 } ? value[..1000] : value;
}

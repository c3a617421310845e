using System.Globalization;

namespace Leadline.Leads.Changes;

/// <summary>
/// Writes <see cref="LeadHistory"/> from the changes, in the same transaction: "created", one row per changed field
/// (old → new), "merged". Bulk inserts get their "created" rows written beside the leads.
/// </summary>
internal sealed class LeadHistoryRecorder : ILeadReaction
{
    public LeadReactionPhase Phase => LeadReactionPhase.Record;

    public ValueTask OnSavingAsync(LeadChangeSet changes, CancellationToken ct)
    {
        // a reply that changed more of its lead (a stage move, a done "reply" action): those rows say the reply did it
        var reasons = changes.OfType<LeadRepliedTo>().GroupBy(r => r.Lead).ToDictionary(g => g.Key, g => g.Last().Why);
        foreach (var change in changes.Changes)
        {
            var rows = change switch
            {
                LeadCreated c => [("created", null, c.Lead.Name)],
                LeadFieldsChanged c => c.Changes.Select(f => (FieldName(f.Property), Format(f.From), Format(f.To))).ToList(),
                LeadMerged c => [("merged", null, string.Join(", ", c.Duplicates.Select(d => $"{d.Name} (#{d.Id})")))],
                _ => new List<(string, string?, string?)>(),
            };
            if (change is not SingleLeadChange { Lead: var lead })
                continue;
            foreach (var (field, from, to) in rows)
                changes.Db.Add(new LeadHistory
                {
                    Lead = lead,
                    WorkspaceId = lead.WorkspaceId,
                    At = changes.Now,
                    UserId = changes.UserId,
                    UserName = changes.UserName,
                    Field = field,
                    From = Truncate(from),
                    To = Truncate(to),
                    Reason = reasons.GetValueOrDefault(lead),
                });
        }
        return ValueTask.CompletedTask;
    }

    public ValueTask OnBulkInsertAsync(LeadsCreatedInBulk change, BulkRows rows, Microsoft.EntityFrameworkCore.DbContext db, CancellationToken ct)
    {
        rows.Add(change.Leads.Select(l => new LeadHistory
        {
            WorkspaceId = l.WorkspaceId, LeadId = l.Id, At = change.At, UserId = change.UserId, UserName = change.UserName, Field = "created", To = l.Name,
        }).ToList());
        return ValueTask.CompletedTask;
    }

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
        Enum e => char.ToLowerInvariant(e.ToString()[0]) + e.ToString()[1..],
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString(),
    };

    private static string? Truncate(string? value) => value is { Length: > 1000 } ? value[..1000] : value;
}

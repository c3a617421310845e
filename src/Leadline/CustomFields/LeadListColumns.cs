using System.Text.Json;
using Leadline.Common.Security;
using Leadline.Common.Time;
using Leadline.Data;
using Leadline.Leads;
using Microsoft.EntityFrameworkCore;

namespace Leadline.CustomFields;

/// <summary>
/// One optional column of the lead list, built-in or custom, and how a row shows it: a catalog field the catalog marks as a
/// list column (its API name, "code", "address.city") or a custom field ("cf.key").
/// </summary>
public sealed record LeadListColumn(string Key, string Label, Func<Lead, WorkspaceClock, string?> Cell)
{
    public const string CustomPrefix = "cf.";

    public bool IsCustom => Key.StartsWith(CustomPrefix, StringComparison.Ordinal);

    /// <summary>An id for the chooser's checkbox: "column-address-city", "column-cf-size".</summary>
    public string ElementId => "column-" + Key.Replace('.', '-');

    public static LeadListColumn Of(LeadField field) => new(field.Name, field.Label, field.Display);

    public static LeadListColumn Of(CustomField field) =>
        new(CustomPrefix + field.Key, field.Label, (lead, _) => CustomFieldValues.Display(CustomFieldValues.Read(lead.CustomFields)[field.Key]));
}

/// <summary>The lead list's optional columns: what the chooser offers, and what the signed-in user chose (kept on their user row).</summary>
public sealed class LeadListColumns(LeadlineDb db, CurrentUser me)
{
    public const int MaxColumns = 20;

    /// <summary>The catalog's list columns: the fields the table does not always show.</summary>
    public static readonly IReadOnlyList<LeadListColumn> BuiltIn = [.. LeadFields.ListColumns.Select(LeadListColumn.Of)];

    private static readonly HashSet<string> BuiltInKeys = [.. BuiltIn.Select(c => c.Key)];

    /// <summary>Every column the chooser offers: the built-in ones in catalog order, then the workspace's custom fields in theirs.</summary>
    public static List<LeadListColumn> Offered(IEnumerable<CustomField> customFields) => [.. BuiltIn, .. customFields.Select(LeadListColumn.Of)];

    /// <summary>The offered columns the user chose, in the order offered.</summary>
    public async Task<List<LeadListColumn>> ShownAsync(IReadOnlyList<LeadListColumn> offered, CancellationToken ct)
    {
        var chosen = await ChosenAsync(ct);
        return [.. offered.Where(c => chosen.Contains(c.Key))];
    }

    public async Task<List<string>> ChosenAsync(CancellationToken ct)
    {
        var json = await db.Users.Where(u => u.Id == me.Id).Select(u => u.LeadListColumns).FirstOrDefaultAsync(ct);
        try
        {
            return json is null ? [] : JsonSerializer.Deserialize<List<string>>(json) ?? [];
        }
        catch (JsonException)
        {
            return [];
        }
    }

    public async Task SaveAsync(IEnumerable<string> columns, CancellationToken ct)
    {
        var chosen = columns.Where(c => BuiltInKeys.Contains(c)
                || c.StartsWith(LeadListColumn.CustomPrefix, StringComparison.Ordinal) && c.Length <= CustomField.MaxKeyLength + LeadListColumn.CustomPrefix.Length)
            .Distinct(StringComparer.Ordinal).Take(MaxColumns).ToList();
        var user = await db.Users.FirstOrDefaultAsync(u => u.Id == me.Id, ct);
        if (user is null)
            return;
        user.LeadListColumns = chosen.Count == 0 ? null : JsonSerializer.Serialize(chosen);
        await db.SaveChangesAsync(ct);
    }
}

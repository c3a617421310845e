using System.Text.Json;
using System.Text.Json.Nodes;
using Leadline.Leads;
using Microsoft.EntityFrameworkCore;

namespace Leadline.CustomFields;

/// <summary>
/// The reaction to "leads were saved" that keeps <see cref="LeadCustomValue"/> rows equal to each lead's custom-field JSON:
/// a changed lead's rows are replaced by the rows its values give. <see cref="CustomValueReaction"/> calls it from the lead
/// write path on every save, and writes <see cref="RowsFor"/> beside a bulk insert.
/// </summary>
public static class CustomValueIndex
{
    /// <summary>
    /// Within the caller's save: removes the rows of the changed leads that exist and adds their current rows (tracked,
    /// so the same SaveChanges writes them; a new lead's rows follow its id through the navigation).
    /// </summary>
    public static async Task LeadsSavedAsync(DbContext db, IReadOnlyCollection<Lead> changed, CancellationToken ct)
    {
        if (changed.Count == 0)
            return;
        var existingIds = changed.Where(l => l.Id > 0).Select(l => l.Id).ToList();
        if (existingIds.Count > 0)
            db.Set<LeadCustomValue>().RemoveRange(await db.Set<LeadCustomValue>().Where(v => existingIds.Contains(v.LeadId)).ToListAsync(ct));
        if (!changed.Any(l => l.CustomFields is not null))
            return;
        var fields = await db.Set<CustomField>().AsNoTracking().ToDictionaryAsync(f => f.Key, StringComparer.Ordinal, ct);
        foreach (var lead in changed)
            foreach (var row in RowsFor(lead, fields))
            {
                row.Lead = lead;
                db.Set<LeadCustomValue>().Add(row);
            }
    }

    /// <summary>The rows a lead's values give (a multi-choice value: a row per choice); keys without a definition give none.</summary>
    public static IEnumerable<LeadCustomValue> RowsFor(Lead lead, IReadOnlyDictionary<string, CustomField> fields)
    {
        foreach (var (key, value) in CustomFieldValues.Read(lead.CustomFields))
        {
            if (value is null || !fields.TryGetValue(key, out var field))
                continue;
            if (value is JsonArray array)
            {
                foreach (var item in array)
                    if (item is JsonValue)
                        yield return Row(lead, field, CustomFieldValues.Text(item), null, null);
                continue;
            }
            switch (field.Type)
            {
                case CustomFieldType.Number when value.GetValueKind() == JsonValueKind.Number:
                    yield return Row(lead, field, null, value.GetValue<double>(), null);
                    break;
                case CustomFieldType.Date when CustomFieldValues.ParseDate(CustomFieldValues.Text(value)) is { } date:
                    yield return Row(lead, field, null, null, date);
                    break;
                case CustomFieldType.Text or CustomFieldType.Choice or CustomFieldType.Boolean or CustomFieldType.MultiChoice:
                    var text = CustomFieldValues.Text(value);
                    if (text is not null)
                        yield return Row(lead, field, text.Length > CustomFieldValues.MaxTextLength ? text[..CustomFieldValues.MaxTextLength] : text, null, null);
                    break;
            }
        }
    }

    private static LeadCustomValue Row(Lead lead, CustomField field, string? text, double? number, DateOnly? date) => new()
    {
        WorkspaceId = lead.WorkspaceId, LeadId = lead.Id, FieldId = field.Id, ValueText = text, ValueNumber = number, ValueDate = date,
    };
}

using System.Globalization;
using Leadline.Common.Api;
using Leadline.Data;
using Leadline.Leads;
using Microsoft.EntityFrameworkCore;

namespace Leadline.CustomFields;

/// <summary>Which side of a custom-field filter: the value itself (<c>cf.key=</c>), or a bound (<c>cf.key.min=</c>, <c>cf.key.max=</c>).</summary>
public enum CustomFieldBound
{
    Equals,
    Min,
    Max,
}

/// <summary>One <c>cf.</c> parameter of the lead list's URL, as written; <see cref="CustomFieldFilter"/> checks it against the definitions.</summary>
public sealed record CustomFieldCondition(string Key, CustomFieldBound Bound, string Value)
{
    public string Parameter => "cf." + Key + Bound switch { CustomFieldBound.Min => ".min", CustomFieldBound.Max => ".max", _ => "" };

    /// <summary>The <c>cf.</c> parameters of a query string; a malformed name is a field error.</summary>
    public static IReadOnlyList<CustomFieldCondition> Parse(IQueryCollection query, Errors errors)
    {
        var conditions = new List<CustomFieldCondition>();
        foreach (var (name, raw) in query)
        {
            if (!name.StartsWith("cf.", StringComparison.Ordinal))
                continue;
            var value = raw.ToString().Trim();
            errors.CheckPlainText(name, value, name);
            var key = name[3..];
            var bound = CustomFieldBound.Equals;
            if (key.EndsWith(".min", StringComparison.Ordinal))
                (key, bound) = (key[..^4], CustomFieldBound.Min);
            else if (key.EndsWith(".max", StringComparison.Ordinal))
                (key, bound) = (key[..^4], CustomFieldBound.Max);
            if (key.Length == 0 || key.Contains('.', StringComparison.Ordinal))
            {
                errors.Add(name, $"{name} is not a custom-field filter: use cf.<key>, cf.<key>.min or cf.<key>.max.");
                continue;
            }
            if (value.Length > 0)
                conditions.Add(new CustomFieldCondition(key, bound, value));
        }
        // the shared empty list when there are none, so a filter without any still equals new LeadFilter() (record equality)
        return conditions.Count == 0 ? LeadFilter.NoCustom : conditions;
    }
}

/// <summary>
/// The list's filters on custom fields: choice and text by exact value, multi-choice holding a choice, yes/no, numbers
/// and dates by value or range. Each reads <see cref="LeadCustomValue"/> by its (workspace, field, value) index and keeps
/// the leads whose id is among the hits, which both databases drive from the index (a rare value reads a handful of rows).
/// </summary>
public static class CustomFieldFilter
{
    /// <summary>Refuses conditions on unknown fields and values the field cannot hold (<c>cf.key</c> in the errors).</summary>
    public static void Check(IReadOnlyList<CustomFieldCondition> conditions, IReadOnlyList<CustomField> fields, Errors errors)
    {
        foreach (var c in conditions)
        {
            var field = Find(fields, c.Key);
            if (field is null)
            {
                errors.Add(c.Parameter, $"Unknown custom field '{c.Key}'.");
                continue;
            }
            if (c.Bound != CustomFieldBound.Equals && field.Type is not (CustomFieldType.Number or CustomFieldType.Date))
                errors.Add(c.Parameter, $"{field.Label} is not a number or a date: filter it with cf.{field.Key}=value.");
            else if (Typed(field, c.Value) is null)
                errors.Add(c.Parameter, field.Type switch
                {
                    CustomFieldType.Number => $"{c.Parameter} must be a number.",
                    CustomFieldType.Date => $"{c.Parameter} must be a date written as YYYY-MM-DD.",
                    CustomFieldType.Boolean => $"{c.Parameter} must be true or false.",
                    _ => $"{c.Parameter} must be one of: {string.Join(", ", field.Options)}.",
                });
        }
    }

    /// <summary>The leads matching every condition; conditions <see cref="Check"/> refuses are left out.</summary>
    public static IQueryable<Lead> Apply(IQueryable<Lead> q, LeadlineDb db, IReadOnlyList<CustomFieldCondition> conditions, IReadOnlyList<CustomField> fields)
    {
        foreach (var group in conditions.GroupBy(c => Find(fields, c.Key)))
        {
            if (group.Key is not { } field)
                continue;
            var fieldId = field.Id;
            var values = db.LeadCustomValues.Where(v => v.FieldId == fieldId);
            foreach (var c in group)
            {
                var typed = Typed(field, c.Value);
                values = (typed, c.Bound) switch
                {
                    (double n, CustomFieldBound.Min) => values.Where(v => v.ValueNumber >= n),
                    (double n, CustomFieldBound.Max) => values.Where(v => v.ValueNumber <= n),
                    (double n, _) => values.Where(v => v.ValueNumber == n),
                    (DateOnly d, CustomFieldBound.Min) => values.Where(v => v.ValueDate >= d),
                    (DateOnly d, CustomFieldBound.Max) => values.Where(v => v.ValueDate <= d),
                    (DateOnly d, _) => values.Where(v => v.ValueDate == d),
                    (string s, CustomFieldBound.Equals) => values.Where(v => v.ValueText == s),
                    _ => values,
                };
            }
            // SQLite drives "id IN (hits)" from the hits and sorts them for the page: quick for a rare value, but a common one
            // (most leads) would sort most of the table. Then the list walks its own order and probes each lead's rows
            // instead (EXISTS over the (lead_id, field_id) index), stopping at a page; one count of up to
            // CommonSearchHits + 1 index entries tells the two apart, as the search does
            if (db.Database.IsSqlite() && values.Take(LeadQueries.CommonSearchHits + 1).Count() > LeadQueries.CommonSearchHits)
            {
                q = q.Where(l => values.Any(v => v.LeadId == l.Id));
                continue;
            }
            var leadIds = values.Select(v => v.LeadId);
            q = q.Where(l => leadIds.Contains(l.Id));
        }
        return q;
    }

    public static CustomField? Find(IReadOnlyList<CustomField> fields, string key) =>
        fields.FirstOrDefault(f => f.Key == key) ?? fields.FirstOrDefault(f => string.Equals(f.Key, key, StringComparison.OrdinalIgnoreCase));

    /// <summary>The value as the index holds it: a double, a date, or the text (a choice in its defined spelling); null when the field cannot hold it.</summary>
    private static object? Typed(CustomField field, string value) => field.Type switch
    {
        CustomFieldType.Number => double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var n) && double.IsFinite(n) ? n : null,
        CustomFieldType.Date => CustomFieldValues.ParseDate(value),
        CustomFieldType.Boolean => CustomFieldValues.ParseBoolean(value) is { } b ? (b ? "true" : "false") : null,
        CustomFieldType.Choice or CustomFieldType.MultiChoice => field.Options.FirstOrDefault(o => string.Equals(o, value, StringComparison.OrdinalIgnoreCase)),
        _ => value.Length <= CustomFieldValues.MaxTextLength ? value : null,
    };
}

using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using CsvHelper;
using Leadline.Common;
using Leadline.Common.Security;
using Leadline.CustomFields;

namespace Leadline.Leads;

/// <summary>How the columns of an uploaded file map to lead fields, for the preview page and the import request.</summary>
public static class ImportMapping
{
    /// <summary>The form value of "— ignore —" (a non-empty value survives query-string and form binding unchanged).</summary>
    public const string Ignore = "ignore";

    /// <summary>"Create a custom field from this column" (a text field named after the column, made when the import starts).</summary>
    public const string NewCustomField = "new-custom-field";

    /// <summary>The lead fields a column can go to, in the order of the export.</summary>
    public static IReadOnlyList<string> Fields { get; } = [.. LeadCsv.Columns.Select(c => c.Header).Where(h => !LeadFields.ExportOnly.Contains(h))];

    public static string Label(string field) => field switch
    {
        "code" => "Lead code",
        "email" => "E-mail",
        "stage" => "Stage (name)",
        "owner" => "Owner (user's e-mail)",
        "score" => "Score (0–100)",
        "tags" => "Tags (separated by ;)",
        "active" => "Active (yes/no)",
        "primary" => "Primary (yes/no)",
        "companySize" => "Company size (employees)",
        "dateOfBirth" => "Date of birth",
        "linkedin" => "LinkedIn",
        "twitter" => "Twitter / X",
        _ => LeadFieldLabels.For(field),
    };

    /// <summary>
    /// True when an earlier column has the same name: the import maps columns by name, so such a column cannot be
    /// mapped on its own and is left out.
    /// </summary>
    public static bool IsRepeated(IReadOnlyList<string> header, int column) =>
        header.Take(column).Contains(header[column], StringComparer.Ordinal);

    /// <summary>
    /// One field (or <see cref="Ignore"/>) per column: the chosen ones when there is one per column, otherwise the
    /// fields recognised from the column names (each field for its first column only): a lead field, else a custom field
    /// whose key or label the column carries (<c>cf:key</c>, as the API import maps it).
    /// </summary>
    public static string[] Resolve(IReadOnlyList<string> header, IReadOnlyList<string>? chosen, IReadOnlyList<CustomField>? customFields = null)
    {
        var custom = customFields ?? [];
        if (chosen is not null && chosen.Count == header.Count)
            return [.. chosen.Select((field, i) => !IsRepeated(header, i) && IsChoice(field, header[i], custom) ? field : Ignore)];
        var taken = new HashSet<string>();
        return [.. header.Select((h, i) =>
            IsRepeated(header, i) ? Ignore
            : LeadCsv.Canonical(h) is { } field && Fields.Contains(field) ? taken.Add(field) ? field : Ignore
            : CustomFieldColumns.Find(custom, h) is { } match && taken.Add(CustomFieldColumns.Prefix + match.Key) ? CustomFieldColumns.Prefix + match.Key
            : Ignore)];
    }

    /// <summary>A choice the column's menu offers: a lead field, an existing custom field, or a new one where one can be made of its name.</summary>
    private static bool IsChoice(string field, string column, IReadOnlyList<CustomField> custom) =>
        Fields.Contains(field)
        || field == NewCustomField && CustomFieldColumns.CanCreate(custom, column)
        || field.StartsWith(CustomFieldColumns.Prefix, StringComparison.Ordinal) && custom.Any(f => f.Key == field[CustomFieldColumns.Prefix.Length..]);

    /// <summary>What the column's menu and the warnings call a choice.</summary>
    public static string Label(string field, IReadOnlyList<CustomField> customFields) =>
        field.StartsWith(CustomFieldColumns.Prefix, StringComparison.Ordinal)
            ? customFields.FirstOrDefault(f => f.Key == field[CustomFieldColumns.Prefix.Length..])?.Label ?? field
            : field == NewCustomField ? "A new custom field" : Label(field);

    /// <summary>Fields chosen for more than one column, with those columns' names.</summary>
    public static IReadOnlyList<(string Field, IReadOnlyList<string> Columns)> Conflicts(IReadOnlyList<string> header, IReadOnlyList<string> mapping) =>
        [.. mapping.Select((field, i) => (Field: field, Column: header[i]))
            .Where(m => m.Field is not (Ignore or NewCustomField))
            .GroupBy(m => m.Field)
            .Where(g => g.Count() > 1)
            .Select(g => (g.Key, (IReadOnlyList<string>)[.. g.Select(m => m.Column)]))];

    public static bool HasName(IReadOnlyList<string> mapping) => mapping.Contains("name");

    /// <summary>
    /// The import's column overrides: each file column's name → its field (<c>cf:key</c> for a custom field), or "" to
    /// leave it out. <paramref name="created"/> holds the custom fields made for the columns set to <see cref="NewCustomField"/>.
    /// </summary>
    public static Dictionary<string, string> Overrides(IReadOnlyList<string> header, IReadOnlyList<string> mapping, IReadOnlyList<CustomField>? created = null)
    {
        var overrides = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < header.Count; i++)
        {
            var field = mapping[i] switch
            {
                Ignore => "",
                NewCustomField => (created ?? []).FirstOrDefault(f => f.Key == CustomFieldService.KeyFrom(header[i])) is { } made ? CustomFieldColumns.Prefix + made.Key : "",
                var chosen => chosen,
            };
            overrides.TryAdd(header[i], field);
        }
        return overrides;
    }

    /// <summary>The column names set to <see cref="NewCustomField"/>: the custom fields to make before the import starts.</summary>
    public static List<string> NewCustomFields(IReadOnlyList<string> header, IReadOnlyList<string> mapping) =>
        [.. header.Where((_, i) => mapping[i] == NewCustomField)];

    /// <summary>skip, update or create (any case); null for anything else.</summary>
    public static DuplicatePolicy? Policy(string? value) =>
        Enum.TryParse<DuplicatePolicy>(value, ignoreCase: true, out var policy) && Enum.IsDefined(policy) && !int.TryParse(value, out _) ? policy : null;
}

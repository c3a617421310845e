using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using CsvHelper;
using Leadline.Common;
using Leadline.Common.Security;

namespace Leadline.Leads;

/// <summary>How the columns of an uploaded file map to lead fields, for the preview page and the import request.</summary>
public static class ImportMapping
{
    /// <summary>The form value of "— ignore —" (a non-empty value survives query-string and form binding unchanged).</summary>
    public const string Ignore = "ignore";

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
    /// fields recognised from the column names (each field for its first column only).
    /// </summary>
    public static string[] Resolve(IReadOnlyList<string> header, IReadOnlyList<string>? chosen)
    {
        if (chosen is not null && chosen.Count == header.Count)
            return [.. chosen.Select((field, i) => !IsRepeated(header, i) && Fields.Contains(field) ? field : Ignore)];
        var taken = new HashSet<string>();
        return [.. header.Select((h, i) => !IsRepeated(header, i) && LeadCsv.Canonical(h) is { } field && Fields.Contains(field) && taken.Add(field) ? field : Ignore)];
    }

    /// <summary>Fields chosen for more than one column, with those columns' names.</summary>
    public static IReadOnlyList<(string Field, IReadOnlyList<string> Columns)> Conflicts(IReadOnlyList<string> header, IReadOnlyList<string> mapping) =>
        [.. mapping.Select((field, i) => (Field: field, Column: header[i]))
            .Where(m => m.Field != Ignore)
            .GroupBy(m => m.Field)
            .Where(g => g.Count() > 1)
            .Select(g => (g.Key, (IReadOnlyList<string>)[.. g.Select(m => m.Column)]))];

    public static bool HasName(IReadOnlyList<string> mapping) => mapping.Contains("name");

    /// <summary>The import's column overrides: each file column's name → its field, or "" to leave it out.</summary>
    public static Dictionary<string, string> Overrides(IReadOnlyList<string> header, IReadOnlyList<string> mapping)
    {
        var overrides = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < header.Count; i++)
            overrides.TryAdd(header[i], mapping[i] == Ignore ? "" : mapping[i]);
        return overrides;
    }

    /// <summary>skip, update or create (any case); null for anything else.</summary>
    public static DuplicatePolicy? Policy(string? value) =>
        Enum.TryParse<DuplicatePolicy>(value, ignoreCase: true, out var policy) && Enum.IsDefined(policy) && !int.TryParse(value, out _) ? policy : null;
}

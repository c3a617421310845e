namespace Leadline.Leads;

/// <summary>
/// The CSV columns of export and import: export writes exactly these headers, import recognises them (and the catalog's
/// aliases), so an exported file imports back unchanged.
/// </summary>
public static class LeadCsv
{
    public sealed record Column(string Header, Func<Lead, CsvContext, string?> Read, string[] Aliases);

    /// <summary>Names needed to write stage and owner columns readably.</summary>
    public sealed record CsvContext(IReadOnlyDictionary<int, string> StageNames, IReadOnlyDictionary<int, string> OwnerEmails);

    /// <summary>The catalog's fields that have a CSV column, in its order (<see cref="LeadFields"/>).</summary>
    public static readonly IReadOnlyList<Column> Columns =
        [.. LeadFields.All.Where(f => f.CsvHeader is not null).Select(f => new Column(f.CsvHeader!, f.Export, [.. f.CsvAliases]))];

    /// <summary>The canonical column for a header typed by a person ("E-mail Address" → email), or null.</summary>
    public static string? Canonical(string header)
    {
        var h = header.Trim().ToLowerInvariant().Replace("_", " ", StringComparison.Ordinal);
        foreach (var c in Columns)
        {
            if (string.Equals(c.Header, h.Replace(" ", "", StringComparison.Ordinal), StringComparison.OrdinalIgnoreCase) || c.Aliases.Contains(h))
                return c.Header;
        }
        return null;
    }
}

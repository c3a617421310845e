using System.Text.RegularExpressions;

namespace Leadline.Leads;

/// <summary>
/// Tells a header row from a first row of data, so a file without a header is refused instead of its first lead
/// silently becoming the column names: a cell that is an e-mail address or a phone number is data, and a row that
/// names no known column is no header either.
/// </summary>
public static partial class ImportHeader
{
    /// <summary>
    /// Why <paramref name="header"/> is not a header row, or null when it is one; <paramref name="map"/> is what it maps to
    /// (null before the columns are matched by hand, as on the upload page: unknown names are no proof of data there).
    /// </summary>
    public static string? Problem(IReadOnlyList<string> header, IReadOnlyDictionary<int, string>? map)
    {
        if (header.FirstOrDefault(LooksLikeData) is { } data)
            return $"The file has no header row: its first row holds data ('{Shorten(data)}'). Add a first row naming the columns (name, email, phone, ...) and import it again.";
        if (map is { Count: 0 })
            return "The file has no header row: its first row names no known column. Add a first row naming the columns (name, email, phone, ...) and import it again.";
        return null;
    }

    public static bool LooksLikeData(string cell)
    {
        var text = cell.Trim();
        if (Email().IsMatch(text))
            return true;
        var digits = text.Count(char.IsAsciiDigit);
        return digits >= 7 && PhoneCharacters().IsMatch(text);
    }

    private static string Shorten(string cell) => cell.Length > 40 ? cell[..40] + "…" : cell;

    [GeneratedRegex(@"^[^@\s]+@[^@\s]+\.[^@\s]+$")]
    private static partial Regex Email();

    [GeneratedRegex(@"^\+?[\d\s().\-/]+$")]
    private static partial Regex PhoneCharacters();
}

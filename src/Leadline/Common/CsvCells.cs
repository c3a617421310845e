using System.Globalization;
using CsvHelper;

namespace Leadline.Common;

/// <summary>
/// CSV cells that a spreadsheet cannot run as a formula (OWASP "CSV injection"): every export writes its cells through
/// <see cref="WriteCell"/>, and import reads them back through <see cref="Restore"/>, so an exported file imports unchanged.
/// </summary>
public static class CsvCells
{
    /// <summary>The value as written to a CSV file: prefixed with an apostrophe when a spreadsheet would read it as a formula.</summary>
    public static string? Neutralise(string? value) => value is not null && NeedsPrefix(value) ? "'" + value : value;

    /// <summary>The value as read from a CSV file: without the apostrophe that <see cref="Neutralise"/> added, and only that one.</summary>
    public static string Restore(string cell) => cell.StartsWith('\'') && NeedsPrefix(cell[1..]) ? cell[1..] : cell;

    public static void WriteCell(this CsvWriter csv, string? value) => csv.WriteField(Neutralise(value));

    // a value that already starts with an apostrophe before a formula gets one more, so Restore removes exactly one
    private static bool NeedsPrefix(string value) =>
        StartsAsFormula(value) || (value.StartsWith('\'') && NeedsPrefix(value[1..]));

    private static bool StartsAsFormula(string value) => value.Length > 0 && value[0] switch
    {
        '=' or '@' or '\t' or '\r' => true,
        // a signed number or a phone number ("+1 202 555 0143") calls nothing: it stays as it is
        '+' or '-' => !IsNumberOrPhone(value),
        _ => false,
    };

    private static bool IsNumberOrPhone(string value) =>
        decimal.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out _)
        || (value.Skip(1).Any(char.IsAsciiDigit) && value.Skip(1).All(c => char.IsAsciiDigit(c) || c is ' ' or '(' or ')' or '-' or '.' or '/'));
}

using System.Globalization;
using Leadline.Common.Time;

namespace Leadline.Leads;

/// <summary>
/// A history row's old or new value as a person reads it: the row stores what <see cref="Changes.LeadHistoryRecorder"/> wrote
/// (ISO times in UTC, true/false, camel-cased choices); the page shows local times, Yes/No, words and "—" for nothing.
/// </summary>
public static class LeadHistoryValues
{
    public const string Empty = "—";

    public static string Display(string field, string? value, WorkspaceClock clock)
    {
        ArgumentNullException.ThrowIfNull(field);
        ArgumentNullException.ThrowIfNull(clock);
        if (string.IsNullOrEmpty(value))
            return Empty;
        // the field's kind in the catalog says how it was stored
        switch (LeadFields.Find(field)?.Kind)
        {
            case LeadFieldKind.Timestamp when DateTime.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var at):
                return clock.ToLocal(at).ToString("d MMM yyyy HH:mm", CultureInfo.InvariantCulture);
            case LeadFieldKind.Date when DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day):
                return day.ToString("d MMM yyyy", CultureInfo.InvariantCulture);
            case LeadFieldKind.Boolean:
                return value == "true" ? "Yes" : value == "false" ? "No" : value;
            case LeadFieldKind.Source or LeadFieldKind.Status:
                return LeadFieldLabels.Humanize(value);
            case LeadFieldKind.LeadLink:
                return "#" + value;
        }
        return value;
    }
}

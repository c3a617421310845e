using System.Collections.Frozen;
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

    // the stored field name → the type of the lead property it came from, read off the entity, so a new field is covered
    private static readonly FrozenDictionary<string, Type> Types = typeof(Lead).GetProperties()
        .Where(p => p.CanWrite)
        .GroupBy(p => Changes.LeadHistoryRecorder.FieldName(p.Name))
        .ToFrozenDictionary(g => g.Key, g => Nullable.GetUnderlyingType(g.First().PropertyType) ?? g.First().PropertyType);

    public static string Display(string field, string? value, WorkspaceClock clock)
    {
        ArgumentNullException.ThrowIfNull(field);
        ArgumentNullException.ThrowIfNull(clock);
        if (string.IsNullOrEmpty(value))
            return Empty;
        var type = Types.GetValueOrDefault(field);
        if (type == typeof(DateTime) && DateTime.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var at))
            return clock.ToLocal(at).ToString("d MMM yyyy HH:mm", CultureInfo.InvariantCulture);
        if (type == typeof(DateOnly) && DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
            return day.ToString("d MMM yyyy", CultureInfo.InvariantCulture);
        if (type == typeof(bool))
            return value == "true" ? "Yes" : value == "false" ? "No" : value;
        if (type is { IsEnum: true })
            return LeadFieldLabels.Humanize(value);
        if (field == "mergedIntoId")
            return "#" + value;
        return value;
    }
}

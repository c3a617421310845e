using System.Globalization;
using System.Text.Json;

namespace Leadline.Inbox;

/// <summary>One opening period of a weekday, in the workspace's local time (from before to, both on that day).</summary>
public sealed record BusinessPeriod(DayOfWeek Day, TimeOnly From, TimeOnly To);

/// <summary>
/// A workspace's opening hours and the SLA clock that runs only inside them. No periods means around the clock. The
/// periods are wall-clock times in the workspace's zone; each is turned into UTC on its own date, so a night, a weekend
/// or a daylight-saving change between two periods is skipped or counted exactly as the clock on the wall shows.
/// </summary>
public sealed class BusinessHours
{
    public static readonly BusinessHours AroundTheClock = new([]);

    public BusinessHours(IEnumerable<BusinessPeriod> periods) =>
        Periods = [.. periods.OrderBy(p => ((int)p.Day + 6) % 7).ThenBy(p => p.From)];   // Monday first

    public IReadOnlyList<BusinessPeriod> Periods { get; }

    public bool IsAroundTheClock => Periods.Count == 0;

    /// <summary>
    /// The instant <paramref name="minutes"/> of business time after <paramref name="startUtc"/>: a message that arrives
    /// at night is due the next opening plus the minutes; around the clock, simply start + minutes.
    /// </summary>
    public DateTime AddMinutes(DateTime startUtc, int minutes, TimeZoneInfo zone)
    {
        startUtc = DateTime.SpecifyKind(startUtc, DateTimeKind.Utc);
        if (IsAroundTheClock)
            return startUtc.AddMinutes(minutes);
        var remaining = TimeSpan.FromMinutes(minutes);
        var day = DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(startUtc, zone));
        for (var i = 0; i < 400; i++, day = day.AddDays(1))   // a year and a bit: any weekly schedule with a period finishes long before
        {
            foreach (var period in Periods.Where(p => p.Day == day.DayOfWeek))
            {
                var opens = ToUtc(day, period.From, zone);
                var closes = ToUtc(day, period.To, zone);
                var from = opens > startUtc ? opens : startUtc;
                if (closes <= from)
                    continue;
                if (closes - from >= remaining)
                    return from + remaining;
                remaining -= closes - from;
            }
        }
        throw new InvalidOperationException("Business hours without a single open minute.");
    }

    /// <summary>A wall-clock time of a day in the zone as UTC; a time in a spring-forward gap moves on to the first valid one.</summary>
    private static DateTime ToUtc(DateOnly day, TimeOnly time, TimeZoneInfo zone)
    {
        var local = day.ToDateTime(time, DateTimeKind.Unspecified);
        if (time == TimeOnly.MaxValue)
            local = day.AddDays(1).ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);   // "24:00": the end of the day
        while (zone.IsInvalidTime(local))
            local = local.AddMinutes(15);
        return TimeZoneInfo.ConvertTimeToUtc(local, zone);
    }

    // stored and sent as [{ "day": "monday", "from": "09:00", "to": "17:30" }]; "to" may be "24:00"
    private sealed record PeriodJson(string? Day, string? From, string? To);

    public static BusinessHours Parse(string? json) =>
        string.IsNullOrWhiteSpace(json) ? AroundTheClock : TryRead(JsonSerializer.Deserialize<List<PeriodJson>>(json, Json) ?? [], out var hours, out _) ? hours : AroundTheClock;

    public string? ToJson() => IsAroundTheClock ? null : JsonSerializer.Serialize(ToItems(), Json);

    public IReadOnlyList<BusinessPeriodResponse> ToItems() =>
        [.. Periods.Select(p => new BusinessPeriodResponse(Name(p.Day), Format(p.From), Format(p.To)))];

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Reads periods from a request; false with a message naming what is wrong.</summary>
    public static bool TryRead(IEnumerable<BusinessPeriodResponse> items, out BusinessHours hours, out string? error) =>
        TryRead(items.Select(i => new PeriodJson(i.Day, i.From, i.To)), out hours, out error);

    private static bool TryRead(IEnumerable<PeriodJson> items, out BusinessHours hours, out string? error)
    {
        hours = AroundTheClock;
        var periods = new List<BusinessPeriod>();
        foreach (var item in items)
        {
            if (!Enum.TryParse<DayOfWeek>(item.Day, ignoreCase: true, out var day) || !Enum.IsDefined(day) || int.TryParse(item.Day, out _))
            {
                error = $"'{item.Day}' is not a day of the week (monday … sunday).";
                return false;
            }
            if (ReadTime(item.From) is not { } from || ReadTime(item.To) is not { } to)
            {
                error = "Opening times are hours and minutes, such as 09:00 and 17:30.";
                return false;
            }
            if (to <= from)
            {
                error = $"On {Name(day)} the hours must end after they start.";
                return false;
            }
            if (periods.Any(p => p.Day == day && p.From < to && from < p.To))
            {
                error = $"The periods of {Name(day)} overlap.";
                return false;
            }
            periods.Add(new BusinessPeriod(day, from, to));
        }
        hours = new BusinessHours(periods);
        error = null;
        return true;
    }

    private static TimeOnly? ReadTime(string? text) =>
        text?.Trim() == "24:00" ? TimeOnly.MaxValue
        : TimeOnly.TryParseExact(text?.Trim(), ["HH:mm", "H:mm"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var t) ? t : null;

    private static string Format(TimeOnly t) => t == TimeOnly.MaxValue ? "24:00" : t.ToString("HH:mm", CultureInfo.InvariantCulture);

    private static string Name(DayOfWeek day) => day.ToString().ToLowerInvariant();
}

/// <summary>One opening period as the API and the settings page carry it.</summary>
public sealed record BusinessPeriodResponse(string? Day, string? From, string? To);

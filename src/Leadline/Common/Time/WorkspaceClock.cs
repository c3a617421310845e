namespace Leadline.Common.Time;

/// <summary>"Today", "this week" and "this month" in a workspace's time zone, as UTC instants for queries.</summary>
public sealed class WorkspaceClock(TimeProvider clock, string timeZone)
{
    public TimeZoneInfo Zone { get; } = TimeZoneInfo.TryFindSystemTimeZoneById(timeZone, out var z) ? z : TimeZoneInfo.Utc;

    public DateTime UtcNow => clock.GetUtcNow().UtcDateTime;

    public DateTime LocalNow => ToLocal(UtcNow);

    public DateOnly Today => DateOnly.FromDateTime(LocalNow);

    public DateTime ToLocal(DateTime utc) => TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc), Zone);

    /// <summary>A local wall-clock time (a datetime-local input) as UTC; a time in a DST gap moves forward.</summary>
    public DateTime ToUtc(DateTime local)
    {
        local = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
        while (Zone.IsInvalidTime(local))
            local = local.AddMinutes(30);
        return TimeZoneInfo.ConvertTimeToUtc(local, Zone);
    }

    /// <summary>The UTC instant at which a local calendar day starts (handles DST gaps).</summary>
    public DateTime StartOfDayUtc(DateOnly day)
    {
        var local = day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);
        while (Zone.IsInvalidTime(local))
            local = local.AddMinutes(30);
        return TimeZoneInfo.ConvertTimeToUtc(local, Zone);
    }

    public DateTime StartOfTodayUtc => StartOfDayUtc(Today);

    public DateTime StartOfWeekUtc => StartOfDayUtc(Today.AddDays(-(((int)Today.DayOfWeek + 6) % 7)));   // weeks start on Monday

    public DateTime StartOfMonthUtc => StartOfDayUtc(new DateOnly(Today.Year, Today.Month, 1));
}

using Leadline.Inbox;

namespace Leadline.Tests.Inbox;

/// <summary>The SLA clock in business hours: nights, weekends, breaks, time zones and daylight-saving changes.</summary>
public sealed class BusinessHoursTests
{
    private static readonly TimeZoneInfo Berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");
    private static readonly TimeZoneInfo NewYork = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");

    private static BusinessHours Weekdays(string from = "09:00", string to = "17:00")
    {
        var days = new[] { "monday", "tuesday", "wednesday", "thursday", "friday" };
        Assert.True(BusinessHours.TryRead(days.Select(d => new BusinessPeriodResponse(d, from, to)), out var hours, out var error), error);
        return hours;
    }

    private static DateTime Utc(int y, int m, int d, int h, int min) => new(y, m, d, h, min, 0, DateTimeKind.Utc);

    [Fact]
    public void Around_the_clock_adds_the_minutes()
    {
        Assert.Equal(Utc(2026, 11, 7, 23, 30), BusinessHours.AroundTheClock.AddMinutes(Utc(2026, 11, 7, 22, 30), 60, Berlin));
        Assert.True(BusinessHours.Parse(null).IsAroundTheClock);
    }

    [Fact]
    public void Inside_opening_hours_the_minutes_run_as_on_the_wall()
    {
        // Tuesday 10:00 in Berlin (CET, UTC+1) plus an hour
        Assert.Equal(Utc(2026, 11, 3, 10, 0), Weekdays().AddMinutes(Utc(2026, 11, 3, 9, 0), 60, Berlin));
    }

    [Fact]
    public void A_message_at_night_is_due_the_minutes_after_the_next_opening()
    {
        // Tuesday 22:00 Berlin → Wednesday 09:00 + 60 min = 10:00 CET = 09:00 UTC
        Assert.Equal(Utc(2026, 11, 4, 9, 0), Weekdays().AddMinutes(Utc(2026, 11, 3, 21, 0), 60, Berlin));
        // before opening on the same day: 06:00 → 09:30
        Assert.Equal(Utc(2026, 11, 4, 8, 30), Weekdays().AddMinutes(Utc(2026, 11, 4, 5, 0), 30, Berlin));
    }

    [Fact]
    public void Friday_evening_runs_over_the_weekend_into_Monday()
    {
        // Friday 16:50 Berlin: 10 minutes on Friday, 20 on Monday → Monday 09:20 CET
        Assert.Equal(Utc(2026, 11, 9, 8, 20), Weekdays().AddMinutes(Utc(2026, 11, 6, 15, 50), 30, Berlin));
        // Saturday noon → Monday 10:00
        Assert.Equal(Utc(2026, 11, 9, 9, 0), Weekdays().AddMinutes(Utc(2026, 11, 7, 11, 0), 60, Berlin));
    }

    [Fact]
    public void A_break_between_two_periods_of_a_day_is_skipped()
    {
        Assert.True(BusinessHours.TryRead([new("monday", "09:00", "12:00"), new("monday", "13:00", "17:00")], out var hours, out _));
        // Monday 11:30 UTC-zone: 30 minutes before lunch, 30 after → 13:30
        Assert.Equal(Utc(2026, 11, 2, 13, 30), hours.AddMinutes(Utc(2026, 11, 2, 11, 30), 60, TimeZoneInfo.Utc));
        // a week later if Monday is over
        Assert.Equal(Utc(2026, 11, 9, 9, 15), hours.AddMinutes(Utc(2026, 11, 2, 17, 0), 15, TimeZoneInfo.Utc));
    }

    [Fact]
    public void Opening_hours_are_read_in_the_workspace_s_time_zone()
    {
        // Monday 22:00 in New York (EST, UTC-5; summer time ended on 1 November) → Tuesday 09:00 EST + 60 = 15:00 UTC
        Assert.Equal(Utc(2026, 11, 3, 15, 0), Weekdays().AddMinutes(Utc(2026, 11, 3, 3, 0), 60, NewYork));
        // the same instant in Berlin is Tuesday 04:00 → 09:00 CET + 60 = 09:00 UTC
        Assert.Equal(Utc(2026, 11, 3, 9, 0), Weekdays().AddMinutes(Utc(2026, 11, 3, 3, 0), 60, Berlin));
    }

    [Fact]
    public void Opening_times_follow_daylight_saving_changes()
    {
        // Friday 27 March 2026 16:30 CET (15:30 UTC); Berlin moves to CEST (UTC+2) on Sunday the 29th: Monday 09:00 is 07:00 UTC
        Assert.Equal(Utc(2026, 3, 30, 7, 30), Weekdays().AddMinutes(Utc(2026, 3, 27, 15, 30), 60, Berlin));
        // back to CET on 25 October: Friday 23rd 16:30 CEST (14:30 UTC) → Monday 26th 09:30 CET = 08:30 UTC
        Assert.Equal(Utc(2026, 10, 26, 8, 30), Weekdays().AddMinutes(Utc(2026, 10, 23, 14, 30), 60, Berlin));
    }

    [Fact]
    public void Open_hours_across_the_spring_gap_count_real_minutes()
    {
        // Sunday 29 March 2026 open 01:00-05:00 Berlin: 02:00-03:00 does not exist, so 120 minutes from 01:00 CET end at
        // 04:00 CEST, two real hours later (02:00 UTC)
        Assert.True(BusinessHours.TryRead([new("sunday", "01:00", "05:00")], out var hours, out _));
        Assert.Equal(Utc(2026, 3, 29, 2, 0), hours.AddMinutes(Utc(2026, 3, 29, 0, 0), 120, Berlin));
        // and the autumn night with its repeated hour: open all Sunday 25 October, 00:30 CEST + 3 h = 01:30 UTC
        Assert.True(BusinessHours.TryRead([new("sunday", "00:00", "24:00")], out var allDay, out _));
        Assert.Equal(Utc(2026, 10, 25, 1, 30), allDay.AddMinutes(Utc(2026, 10, 24, 22, 30), 180, Berlin));
    }

    [Theory]
    [InlineData("someday", "09:00", "17:00", "not a day of the week")]
    [InlineData("monday", "9am", "17:00", "hours and minutes")]
    [InlineData("monday", "17:00", "09:00", "end after they start")]
    [InlineData("1", "09:00", "17:00", "not a day of the week")]
    public void Wrong_periods_are_refused_with_a_reason(string day, string from, string to, string reason)
    {
        Assert.False(BusinessHours.TryRead([new(day, from, to)], out _, out var error));
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Overlapping_periods_are_refused_and_stored_hours_read_back()
    {
        Assert.False(BusinessHours.TryRead([new("monday", "09:00", "13:00"), new("monday", "12:00", "17:00")], out _, out var error));
        Assert.Contains("overlap", error, StringComparison.Ordinal);
        var hours = Weekdays("08:30", "24:00");
        var again = BusinessHours.Parse(hours.ToJson());
        Assert.Equal(hours.Periods, again.Periods);
        Assert.Equal(new BusinessPeriodResponse("monday", "08:30", "24:00"), again.ToItems()[0]);
    }
}

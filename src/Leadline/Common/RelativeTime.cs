namespace Leadline.Common;

/// <summary>"3 hours ago", "in 2 days": how people read times in a list.</summary>
public static class RelativeTime
{
    public static string Describe(DateTime utc, DateTime nowUtc)
    {
        var delta = nowUtc - utc;
        var future = delta < TimeSpan.Zero;
        var span = future ? -delta : delta;
        string text = span.TotalSeconds switch
        {
            < 60 => "just now",
            < 3600 => Plural((int)span.TotalMinutes, "minute"),
            < 86400 => Plural((int)span.TotalHours, "hour"),
            < 86400 * 30 => Plural((int)span.TotalDays, "day"),
            < 86400 * 365 => Plural((int)(span.TotalDays / 30), "month"),
            _ => Plural((int)(span.TotalDays / 365), "year"),
        };
        return text == "just now" ? text : future ? "in " + text : text + " ago";
    }

    private static string Plural(int n, string unit) => n == 1 ? $"1 {unit}" : $"{n} {unit}s";
}

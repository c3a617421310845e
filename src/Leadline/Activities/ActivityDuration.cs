namespace Leadline.Activities;

/// <summary>How long a call or meeting took, as people say it: "12 min", "1 h 5 min", "45 s".</summary>
public static class ActivityDuration
{
    public static string Format(int seconds)
    {
        var span = TimeSpan.FromSeconds(Math.Max(0, seconds));
        if (span.TotalMinutes < 1)
            return $"{span.Seconds} s";
        var parts = new List<string>();
        if (span.TotalHours >= 1)
            parts.Add($"{(int)span.TotalHours} h");
        if (span.Minutes > 0)
            parts.Add($"{span.Minutes} min");
        if (span.Seconds > 0 && span.TotalHours < 1)   // past an hour the seconds are noise
            parts.Add($"{span.Seconds} s");
        return string.Join(" ", parts);
    }
}

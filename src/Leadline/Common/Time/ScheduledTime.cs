namespace Leadline.Common.Time;

/// <summary>When planned work (a meeting, a task, a follow-up someone schedules) may be due: from now on.</summary>
public static class ScheduledTime
{
    /// <summary>A picker holds whole minutes, and a form may sit open a while: a due time this little behind still counts as now.</summary>
    public static readonly TimeSpan Grace = TimeSpan.FromMinutes(5);

    public const string PastMessage = "The due time is in the past: schedule it from now on (log what already happened as done instead).";

    public static bool IsPast(DateTime dueUtc, DateTime nowUtc) => dueUtc < nowUtc - Grace;
}

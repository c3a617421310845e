namespace Leadline.Leads;

/// <summary>The lead list's orders (the API's <c>sort</c> values).</summary>
public enum LeadSort
{
    CreatedDesc,
    Created,
    ScoreDesc,
    Score,
    Name,
    NameDesc,
    LastActivity,
    LastActivityDesc,
    /// <summary>The first-response SLA's due time, soonest first (leads without one last).</summary>
    SlaDue,
}

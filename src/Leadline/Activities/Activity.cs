using Leadline.Data;
using Leadline.Notes;

namespace Leadline.Activities;

public enum ActivityType
{
    Call,
    Email,
    Meeting,
    Task,
}

/// <summary>
/// Something done with or planned for a lead. Calls and e-mails are logged when done; meetings and tasks are
/// scheduled with <see cref="DueAt"/> and, while not done, count as the lead's next follow-up.
/// </summary>
public sealed class Activity : IWorkspaceOwned, ITimestamped
{
    public int Id { get; set; }

    public int WorkspaceId { get; set; }

    public int LeadId { get; set; }

    public ActivityType Type { get; set; }

    public string Subject { get; set; } = "";

    public Outcome? Outcome { get; set; }

    public int? DurationSeconds { get; set; }

    public DateTime? DueAt { get; set; }

    public DateTime? DoneAt { get; set; }

    public int? UserId { get; set; }

    public string UserName { get; set; } = "";

    public DateTime CreatedAt { get; set; }

    public DateTime UpdatedAt { get; set; }
}

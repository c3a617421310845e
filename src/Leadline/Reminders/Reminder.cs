using Leadline.Data;

namespace Leadline.Reminders;

public enum ReminderKind
{
    /// <summary>Notifies an agent in the app (the notification bell).</summary>
    Internal,

    /// <summary>Sends an approved WhatsApp template to the lead; dispatched once the channels feature exists.</summary>
    WhatsappTemplate,
}

public enum ReminderStatus
{
    Pending,
    Sent,
    Done,
    Cancelled,
}

/// <summary>
/// A follow-up due at a time. Pending → Sent when the dispatcher notifies (exactly once) → Done when the agent
/// has followed up, or Cancelled. While Pending or Sent it counts as the lead's open follow-up.
/// </summary>
public sealed class Reminder : IWorkspaceOwned, ITimestamped
{
    public int Id { get; set; }

    public int WorkspaceId { get; set; }

    public int LeadId { get; set; }

    public DateTime DueAt { get; set; }

    public ReminderKind Kind { get; set; }

    public string? Message { get; set; }

    public string? TemplateName { get; set; }

    public string? Language { get; set; }

    /// <summary>Template parameters such as <c>{{lead.name}}</c>, filled in when sent.</summary>
    public List<string> Parameters { get; set; } = [];

    /// <summary>The agent to notify; null = the lead's owner at the time it fires.</summary>
    public int? NotifyUserId { get; set; }

    public ReminderStatus Status { get; set; }

    public int? CreatedById { get; set; }

    /// <summary>How <see cref="DueAt"/> was computed from the lead (JSON <see cref="DueRule"/>): a yearly rule schedules the next one after sending.</summary>
    public string? DueRule { get; set; }

    public DateTime? FiredAt { get; set; }

    public DateTime CreatedAt { get; set; }

    public DateTime UpdatedAt { get; set; }
}

/// <summary>An in-app message for one user (the bell). Unique per reminder: a reminder can never notify twice.</summary>
public sealed class Notification : IWorkspaceOwned
{
    public long Id { get; set; }

    public int WorkspaceId { get; set; }

    public int UserId { get; set; }

    public int? LeadId { get; set; }

    public int? ReminderId { get; set; }

    public string Text { get; set; } = "";

    public DateTime CreatedAt { get; set; }

    public DateTime? ReadAt { get; set; }
}

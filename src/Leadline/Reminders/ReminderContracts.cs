namespace Leadline.Reminders;

public sealed record ReminderRequest(DateTime? DueAt, string? Kind, string? Message, string? TemplateName, string? Language, List<string>? Parameters, int? NotifyUserId, DueRule? DueRule = null);

public sealed record ReminderResponse(
    int Id, int LeadId, DateTime DueAt, ReminderKind Kind, ReminderStatus Status, string? Message, string? TemplateName, string? Language,
    IReadOnlyList<string> Parameters, int? NotifyUserId, DateTime CreatedAt, DateTime? FiredAt, DueRule? DueRule = null);

/// <summary>A bell item; one without a reminder is about the lead's conversation (a new inbound message).</summary>
public sealed record NotificationResponse(long Id, int? LeadId, string Text, DateTime CreatedAt, DateTime? ReadAt, int? ReminderId = null);

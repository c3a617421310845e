using Leadline.Notes;

namespace Leadline.Activities;

/// <summary>An activity to record; <see cref="Note"/>/<see cref="TemplateId"/> add a note written with it (a call's notes).</summary>
public sealed record ActivityRequest(
    string? Type, string? Subject, DateTime? DueAt, DateTime? DoneAt, string? Outcome, int? DurationSeconds, string? Note = null, int? TemplateId = null);

public sealed record ActivityResponse(
    int Id, int LeadId, ActivityType Type, string Subject, Outcome? Outcome, int? DurationSeconds, DateTime? DueAt, DateTime? DoneAt,
    int? UserId, string UserName, DateTime CreatedAt, int? NoteId);

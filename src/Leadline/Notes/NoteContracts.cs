namespace Leadline.Notes;

public sealed record NoteRequest(string? Text, int? TemplateId, string? Outcome, int? ParentId);

public sealed record NoteResponse(
    int Id, int LeadId, int? ParentId, int? AuthorId, string AuthorName, string Text, int? TemplateId, Outcome? Outcome, bool ClosesLead,
    int? ActivityId, DateTime CreatedAt, IReadOnlyList<NoteAttachmentResponse>? Attachments = null);

public sealed record NoteTemplateRequest(string? Title, string? Text, List<string>? Tags, string? Outcome, bool? ClosesLead);

public sealed record NoteTemplateResponse(int Id, string Title, string Text, IReadOnlyList<string> Tags, Outcome? Outcome, bool ClosesLead);

using Leadline.Data;

namespace Leadline.Notes;

/// <summary>How a contact went: set by a logged call, or by a note (typically from a template).</summary>
public enum Outcome
{
    Positive,
    Negative,
    Partial,
    Unclassified,
}

/// <summary>
/// An internal note on a lead (never shown to the lead). Author and time are stamped by the server. A note with a
/// <see cref="ParentId"/> is a team member's comment in that note's thread.
/// </summary>
public sealed class Note : IWorkspaceOwned
{
    public const int MaxLength = 4000;

    public int Id { get; set; }

    public int WorkspaceId { get; set; }

    public int LeadId { get; set; }

    public int? ParentId { get; set; }

    public int? AuthorId { get; set; }

    public string AuthorName { get; set; } = "";

    /// <summary>Plain text as typed; rendered encoded, with line breaks and links as the only formatting.</summary>
    public string Text { get; set; } = "";

    public int? TemplateId { get; set; }

    public Outcome? Outcome { get; set; }

    /// <summary>The note closed the lead's flow (its template says so): the lead counts as Completed.</summary>
    public bool ClosesLead { get; set; }

    /// <summary>The logged call or e-mail this note was written with, if any.</summary>
    public int? ActivityId { get; set; }

    public DateTime CreatedAt { get; set; }
}

/// <summary>A predefined note (Settings → Note templates): inserting it fills the text; saving applies its tags and outcome.</summary>
public sealed class NoteTemplate : IWorkspaceOwned, ITimestamped
{
    public int Id { get; set; }

    public int WorkspaceId { get; set; }

    public string Title { get; set; } = "";

    public string Text { get; set; } = "";

    public List<string> Tags { get; set; } = [];

    public Outcome? Outcome { get; set; }

    public bool ClosesLead { get; set; }

    public DateTime CreatedAt { get; set; }

    public DateTime UpdatedAt { get; set; }
}

using Leadline.Data;

namespace Leadline.Leads;

/// <summary>One field change of a lead: who, when, field, old → new.</summary>
public sealed class LeadHistory : IWorkspaceOwned
{
    public long Id { get; set; }

    public int WorkspaceId { get; set; }

    public int LeadId { get; set; }

    public Lead? Lead { get; set; }

    public DateTime At { get; set; }

    public int? UserId { get; set; }

    public string UserName { get; set; } = "";

    public string Field { get; set; } = "";

    public string? From { get; set; }

    public string? To { get; set; }

    /// <summary>What did it when it was no person's own edit ("first reply by e-mail"); null otherwise.</summary>
    public string? Reason { get; set; }
}

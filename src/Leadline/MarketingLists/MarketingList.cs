using Leadline.Data;

namespace Leadline.MarketingLists;

/// <summary>A named set of leads (a campaign audience, a call list); the work queue can be limited to some lists.</summary>
public sealed class MarketingList : IWorkspaceOwned, ITimestamped
{
    public int Id { get; set; }

    public int WorkspaceId { get; set; }

    public string Name { get; set; } = "";

    public DateTime CreatedAt { get; set; }

    public DateTime UpdatedAt { get; set; }
}

public sealed class MarketingListMember : IWorkspaceOwned
{
    public int WorkspaceId { get; set; }

    public int ListId { get; set; }

    public int LeadId { get; set; }

    public DateTime AddedAt { get; set; }
}

using Leadline.Data;

namespace Leadline.Pipeline;

/// <summary>What a stage means, whatever it is called: the lead's status, filters and reports read this.</summary>
public enum StageCategory
{
    New,
    Contacted,
    Working,
    Qualified,
    Unqualified,
    Converted,
    Lost,
}

public sealed class PipelineDefinition : IWorkspaceOwned, ITimestamped
{
    public int Id { get; set; }

    public int WorkspaceId { get; set; }

    public string Name { get; set; } = "";

    public bool IsDefault { get; set; }

    public List<Stage> Stages { get; set; } = [];

    public DateTime CreatedAt { get; set; }

    public DateTime UpdatedAt { get; set; }
}

public sealed class Stage : IWorkspaceOwned
{
    public int Id { get; set; }

    public int WorkspaceId { get; set; }

    public int PipelineId { get; set; }

    public string Name { get; set; } = "";

    public StageCategory Category { get; set; }

    /// <summary>Position of the stage within its pipeline, left to right.</summary>
    public int Order { get; set; }

    /// <summary>Bootstrap-compatible colour for the column and badge (hex).</summary>
    public string Color { get; set; } = "#6c757d";

    /// <summary>Days after which a lead sitting in this stage is "rotting"; null = never.</summary>
    public int? RottingDays { get; set; }
}

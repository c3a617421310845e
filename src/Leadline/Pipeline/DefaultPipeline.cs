namespace Leadline.Pipeline;

/// <summary>The pipeline every new workspace starts with: one stage per category, in the order leads travel.</summary>
public static class DefaultPipeline
{
    public static PipelineDefinition Create(int workspaceId) => new()
    {
        WorkspaceId = workspaceId,
        Name = "Sales",
        IsDefault = true,
        Stages =
        [
            Stage(workspaceId, "New", StageCategory.New, 0, "#0d6efd", null),
            Stage(workspaceId, "Attempted contact", StageCategory.Contacted, 1, "#6610f2", 3),
            Stage(workspaceId, "Contacted", StageCategory.Contacted, 2, "#6f42c1", 7),
            Stage(workspaceId, "Working", StageCategory.Working, 3, "#fd7e14", 14),
            Stage(workspaceId, "Qualified", StageCategory.Qualified, 4, "#20c997", 21),
            Stage(workspaceId, "Unqualified", StageCategory.Unqualified, 5, "#adb5bd", null),
            Stage(workspaceId, "Converted", StageCategory.Converted, 6, "#198754", null),
            Stage(workspaceId, "Lost", StageCategory.Lost, 7, "#dc3545", null),
        ],
    };

    private static Stage Stage(int workspaceId, string name, StageCategory category, int order, string color, int? rotting) =>
        new() { WorkspaceId = workspaceId, Name = name, Category = category, Order = order, Color = color, RottingDays = rotting };
}

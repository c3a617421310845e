using Leadline.Pipeline;

namespace Leadline.Leads;

/// <summary>
/// What a CSV <c>stage</c> cell names: a stage of the target pipeline (the default one, where imported leads go) by
/// name first, then a category (its first stage: "lost" is the pipeline's first Lost stage), then a stage of another
/// pipeline by name.
/// </summary>
public sealed class ImportStages(IReadOnlyList<Stage> stages, int? targetPipelineId)
{
    /// <summary>What an imported lead moved into a Lost stage without a reason gets as its lost reason.</summary>
    public const string ImportedLostReason = "imported";

    private readonly List<Stage> _ordered = [.. stages.OrderBy(s => s.PipelineId == targetPipelineId ? 0 : 1).ThenBy(s => s.Order)];

    public Stage? Find(string text)
    {
        var target = _ordered.Where(s => s.PipelineId == targetPipelineId).ToList();
        return target.FirstOrDefault(s => string.Equals(s.Name, text, StringComparison.OrdinalIgnoreCase))
            ?? (Enum.TryParse<StageCategory>(text, ignoreCase: true, out var category) && Enum.IsDefined(category) && !int.TryParse(text, out _)
                ? target.FirstOrDefault(s => s.Category == category)
                : null)
            ?? _ordered.FirstOrDefault(s => string.Equals(s.Name, text, StringComparison.OrdinalIgnoreCase));
    }
}

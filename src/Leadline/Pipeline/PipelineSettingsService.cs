using System.Text.RegularExpressions;
using Leadline.Common.Api;
using Leadline.Data;
using Leadline.Leads;
using Leadline.Leads.Changes;
using Microsoft.EntityFrameworkCore;

namespace Leadline.Pipeline;

public sealed record StageInput(string? Name, string? Category, string? Color, int? RottingDays);

/// <summary>Settings → Pipeline: pipelines and their stages. A lead's status follows its stage's category everywhere.</summary>
public sealed partial class PipelineSettingsService(LeadlineDb db, LeadWriter writer, LeadService leads, LeadWritePath path)
{
    public async Task<Result<PipelineDefinition>> CreatePipelineAsync(string? name, CancellationToken ct)
    {
        var trimmed = name?.Trim() ?? "";
        if (trimmed.Length is 0 or > 100)
            return Result<PipelineDefinition>.Invalid("name", "A pipeline needs a name of at most 100 characters.");
        if (new Errors().CheckPlainText("name", trimmed, "Pipeline name") is { Any: true } refused)
            return Result<PipelineDefinition>.Invalid(refused);
        var pipeline = DefaultPipeline.Create(db.CurrentWorkspaceId);
        pipeline.Name = trimmed;
        pipeline.IsDefault = !await db.Pipelines.AnyAsync(ct);
        db.Pipelines.Add(pipeline);
        await db.SaveChangesAsync(ct);
        return Result<PipelineDefinition>.Ok(pipeline);
    }

    public async Task<Result<Stage>> AddStageAsync(int pipelineId, StageInput input, CancellationToken ct)
    {
        if (!await db.Pipelines.AnyAsync(p => p.Id == pipelineId, ct))
            return Result<Stage>.Missing();
        var stage = new Stage { PipelineId = pipelineId, WorkspaceId = db.CurrentWorkspaceId };
        var errors = Apply(stage, input);
        if (errors.Any)
            return Result<Stage>.Invalid(errors);
        stage.Order = (await db.Stages.Where(s => s.PipelineId == pipelineId).MaxAsync(s => (int?)s.Order, ct) ?? -1) + 1;
        db.Stages.Add(stage);
        await db.SaveChangesAsync(ct);
        return Result<Stage>.Ok(stage);
    }

    /// <summary>Renames, recolours, re-categorises; a new category changes the status of every lead in the stage.</summary>
    public async Task<Result<Stage>> UpdateStageAsync(int stageId, StageInput input, CancellationToken ct)
    {
        var stage = await db.Stages.FirstOrDefaultAsync(s => s.Id == stageId, ct);
        if (stage is null)
            return Result<Stage>.Missing();
        var before = stage.Category;
        var errors = Apply(stage, input);
        if (errors.Any)
            return Result<Stage>.Invalid(errors);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await db.SaveChangesAsync(ct);
        if (stage.Category != before)
            await path.RecategoriseAsync(db, stageId, before, stage.Category, ct);   // status, lead flow, closed time: as any move would
        await tx.CommitAsync(ct);
        return Result<Stage>.Ok(stage);
    }

    public async Task<Result<Stage>> MoveStageAsync(int stageId, int direction, CancellationToken ct)
    {
        var stage = await db.Stages.FirstOrDefaultAsync(s => s.Id == stageId, ct);
        if (stage is null)
            return Result<Stage>.Missing();
        var siblings = await db.Stages.Where(s => s.PipelineId == stage.PipelineId).OrderBy(s => s.Order).ToListAsync(ct);
        var index = siblings.IndexOf(stage);
        var other = index + Math.Sign(direction);
        if (other < 0 || other >= siblings.Count)
            return Result<Stage>.Ok(stage);
        (siblings[index], siblings[other]) = (siblings[other], siblings[index]);
        for (var i = 0; i < siblings.Count; i++)
            siblings[i].Order = i;
        await db.SaveChangesAsync(ct);
        return Result<Stage>.Ok(stage);
    }

    public Task<int> LeadCountAsync(int stageId, CancellationToken ct) => db.Leads.CountAsync(l => l.StageId == stageId, ct);

    /// <summary>Deletes a stage; its leads (archived ones too) move to <paramref name="targetStageId"/>, each with a history row.</summary>
    public async Task<Result<int>> DeleteStageAsync(int stageId, int? targetStageId, CancellationToken ct)
    {
        var stage = await db.Stages.FirstOrDefaultAsync(s => s.Id == stageId, ct);
        if (stage is null)
            return Result<int>.Missing();
        if (await db.Stages.CountAsync(s => s.PipelineId == stage.PipelineId, ct) == 1)
            return Result<int>.Invalid("stage", "A pipeline needs at least one stage.");
        var count = await LeadCountAsync(stageId, ct);
        Stage? target = null;
        if (count > 0)
        {
            target = targetStageId is { } t && t != stageId ? await db.Stages.FirstOrDefaultAsync(s => s.Id == t && s.PipelineId == stage.PipelineId, ct) : null;
            if (target is null)
                return Result<int>.Invalid("targetStageId", $"{count} leads are in this stage: choose another stage of this pipeline for them.");
        }
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var workspace = await leads.WorkspaceAsync(ct);
        while (target is not null)
        {
            var batch = await db.Leads.Where(l => l.StageId == stageId).OrderBy(l => l.Id).Take(500).ToListAsync(ct);
            if (batch.Count == 0)
                break;
            foreach (var lead in batch)
            {
                var reason = lead.LostReason ?? (target.Category == StageCategory.Lost ? $"Stage {stage.Name} was removed" : null);
                var errors = await writer.ApplyAsync(lead, new LeadInput { StageId = target.Id, LostReason = reason }, new HashSet<string> { "stageId", "lostReason" }, workspace, ct);
                if (errors.Any)
                    return Result<int>.Invalid(errors);
            }
            await db.SaveChangesAsync(ct);
            db.ChangeTracker.Clear();
        }
        await db.Stages.Where(s => s.Id == stageId).ExecuteDeleteAsync(ct);
        var rest = await db.Stages.Where(s => s.PipelineId == stage.PipelineId).OrderBy(s => s.Order).ToListAsync(ct);
        for (var i = 0; i < rest.Count; i++)
            rest[i].Order = i;
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return Result<int>.Ok(count);
    }

    private static Errors Apply(Stage stage, StageInput input)
    {
        var errors = new Errors();
        var name = input.Name?.Trim() ?? "";
        if (name.Length is 0 or > 100)
            errors.Add("name", "A stage needs a name of at most 100 characters.");
        errors.CheckPlainText("name", name, "Stage name");
        if (!Enum.TryParse<StageCategory>(input.Category, ignoreCase: true, out var category) || (input.Category ?? "").All(char.IsAsciiDigit))
            errors.Add("category", "Choose a category: New, Contacted, Working, Qualified, Unqualified, Converted or Lost.");
        var color = string.IsNullOrWhiteSpace(input.Color) ? "#6c757d" : input.Color.Trim();
        if (!HexColor().IsMatch(color))
            errors.Add("color", "Colour must look like #1a2b3c.");
        if (input.RottingDays is < 1 or > 365)
            errors.Add("rottingDays", "Rotting after must be between 1 and 365 days, or empty.");
        if (errors.Any)
            return errors;
        stage.Name = name;
        stage.Category = category;
        stage.Color = color.ToLowerInvariant();
        stage.RottingDays = input.RottingDays;
        return errors;
    }

    [GeneratedRegex("^#[0-9a-fA-F]{6}$")]
    private static partial Regex HexColor();
}

using System.Globalization;
using Leadline.Common;
using Leadline.Common.Api;
using Leadline.Data;
using Leadline.Pipeline;
using Leadline.Workspaces;
using Microsoft.EntityFrameworkCore;

namespace Leadline.Leads;

/// <summary>Moving a lead between stages by intent (the board, bulk actions), and the stage a new lead starts in.</summary>
public sealed partial class LeadWriter
{
    /// <summary>
    /// Moves <paramref name="lead"/> to a stage by intent (the board, bulk actions): the stage must exist and a Lost stage
    /// needs a reason (given, or the one the lead has). The position is the caller's (the board places the card itself);
    /// null appends at the bottom of the column. Nothing changes when there is an error.
    /// </summary>
    public async Task<Errors> MoveAsync(Lead lead, int stageId, string? lostReason, double? position, CancellationToken ct)
    {
        var errors = new Errors();
        var stage = await db.Stages.AsNoTracking().FirstOrDefaultAsync(s => s.Id == stageId, ct);
        if (stage is null)
            return errors.Add("stageId", "Unknown stage.");
        var reason = string.IsNullOrWhiteSpace(lostReason) ? lead.LostReason : lostReason.Trim();
        if (reason is { Length: > 300 })
            errors.Add("lostReason", "Lost reason must be at most 300 characters.");
        errors.CheckPlainText("lostReason", reason, "Lost reason");
        if (stage.Id != lead.StageId && LostReasonMissing(stage, reason))
            errors.Add("lostReason", LostReasonRequired);
        if (errors.Any)
            return errors;
        lead.LostReason = reason;
        lead.MoveTo(stage, position ?? (stage.Id == lead.StageId ? lead.Position : await NextPositionAsync(stage.Id, null, ct)), clock.GetUtcNow().UtcDateTime);
        return errors;
    }

    public Task<Stage?> DefaultStageAsync(CancellationToken ct) =>
        db.Pipelines.AsNoTracking().Where(p => p.IsDefault)
            .SelectMany(p => p.Stages).OrderBy(s => s.Category == StageCategory.New ? 0 : 1).ThenBy(s => s.Order)
            .FirstOrDefaultAsync(ct);
}

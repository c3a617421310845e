using Leadline.Common.Api;
using Leadline.Data;
using Leadline.Leads;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Leadline.Pipeline;

internal static class PipelineApi
{
    public static void MapPipelineApi(this RouteGroupBuilder api)
    {
        var pipelines = api.MapGroup("/pipelines").WithTags("Pipeline");
        pipelines.MapGet("/", ListAsync).WithName("ListPipelines").RequirePermission(Permission.LeadsRead);
        pipelines.MapGet("/{id:int}/board", BoardAsync).WithName("GetBoard").RequirePermission(Permission.LeadsRead);
        pipelines.MapPatch("/{id:int}/stages/{stageId:int}", UpdateStageAsync).WithName("UpdateStage").RequirePermission(Permission.PipelinesManage);
        api.MapPost("/leads/{id:int}/move", MoveAsync).WithTags("Pipeline").WithName("MoveLead").RequirePermission(Permission.LeadsWrite);
        api.MapPost("/leads/reorder", ReorderAsync).WithTags("Pipeline").WithName("ReorderLeads").RequirePermission(Permission.LeadsWrite);
    }

    /// <summary>
    /// <c>{ name?, category?, color?, rottingDays? }</c>: what is absent stays (rottingDays: null clears it). A new category
    /// re-categorises the stage's leads through the lead write path: status, lead flow and closed time, as a move would.
    /// </summary>
    private static async Task<Results<Ok<StageResponse>, ProblemHttpResult, ValidationProblem>> UpdateStageAsync(
        int id, int stageId, System.Text.Json.Nodes.JsonObject body, PipelineSettingsService settings, LeadlineDb db, CancellationToken ct)
    {
        var stage = await db.Stages.AsNoTracking().FirstOrDefaultAsync(s => s.Id == stageId && s.PipelineId == id, ct);
        if (stage is null)
            return ApiResults.NotFound("No such stage in this pipeline.");
        string? Text(string field, string? current) => body.TryGetPropertyValue(field, out var node) ? node?.ToString() : current;
        int? rottingDays = stage.RottingDays;
        if (body.TryGetPropertyValue("rottingDays", out var days))
        {
            if (days is null)
                rottingDays = null;
            else if (days is System.Text.Json.Nodes.JsonValue value && value.TryGetValue<int>(out var n))
                rottingDays = n;
            else
                return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["rottingDays"] = ["Rotting after must be a whole number of days, or null."] });
        }
        var result = await settings.UpdateStageAsync(stageId, new StageInput(Text("name", stage.Name), Text("category", stage.Category.ToString()), Text("color", stage.Color), rottingDays), ct);
        if (result.Errors is { Any: true } errors)
            return TypedResults.ValidationProblem(errors.ToDictionary());
        var saved = result.Value!;
        return TypedResults.Ok(new StageResponse(saved.Id, saved.Name, saved.Category, saved.Order, saved.Color, saved.RottingDays));
    }

    private static async Task<Ok<Page<PipelineResponse>>> ListAsync(BoardQueries board, CancellationToken ct)
    {
        var items = await board.PipelinesAsync(ct);
        return TypedResults.Ok(new Page<PipelineResponse>(items, null, items.Count));
    }

    private static async Task<IResult> BoardAsync(int id, string? owner, string? q, int? perStage, BoardQueries board, LeadQueries queries, LeadService leads, CancellationToken ct)
    {
        if (owner is not null and not "me" and not "unassigned" && !int.TryParse(owner, out _))
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["owner"] = ["owner must be me, unassigned or a user id."] });
        var take = Math.Clamp(perStage ?? 20, 1, 200);
        var result = await board.BoardAsync(id, new BoardFilter(owner, q, null), take, leads.CurrentUserId, queries, await leads.ClockAsync(ct), ct);
        return result is null ? ApiResults.NotFound("No such pipeline.") : TypedResults.Ok(result);
    }

    private static async Task<IResult> MoveAsync(int id, MoveRequest request, LeadMover mover, LeadMapper mapper, LeadService leads, HttpContext http, CancellationToken ct)
    {
        var result = await mover.MoveAsync(id, request, ct);
        if (!result.Succeeded)
            return ApiResults.Problem(result);
        ETags.Set(http, result.Value!.Version);
        return TypedResults.Ok(await mapper.MapAsync(result.Value!, await leads.ClockAsync(ct), ct));
    }

    private static async Task<IResult> ReorderAsync(ReorderRequest request, LeadMover mover, CancellationToken ct)
    {
        var result = await mover.ReorderAsync(request, ct);
        if (!result.Succeeded)
            return ApiResults.Problem(result);
        return TypedResults.Ok(new { count = result.Value });
    }
}

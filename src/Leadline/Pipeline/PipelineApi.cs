using Leadline.Common.Api;
using Leadline.Leads;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Leadline.Pipeline;

internal static class PipelineApi
{
    public static void MapPipelineApi(this RouteGroupBuilder api)
    {
        var pipelines = api.MapGroup("/pipelines").WithTags("Pipeline");
        pipelines.MapGet("/", ListAsync).WithName("ListPipelines").RequirePermission(Permission.LeadsRead);
        pipelines.MapGet("/{id:int}/board", BoardAsync).WithName("GetBoard").RequirePermission(Permission.LeadsRead);
        api.MapPost("/leads/{id:int}/move", MoveAsync).WithTags("Pipeline").WithName("MoveLead").RequirePermission(Permission.LeadsWrite);
        api.MapPost("/leads/reorder", ReorderAsync).WithTags("Pipeline").WithName("ReorderLeads").RequirePermission(Permission.LeadsWrite);
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

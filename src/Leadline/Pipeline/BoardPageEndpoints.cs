using Leadline.Leads;
using Leadline.Pipeline.Pages;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Leadline.Pipeline;

/// <summary>The board's browser endpoints: more cards on scroll, drag-and-drop moves, the quick edit.</summary>
internal static class BoardPageEndpoints
{
    public static void MapBoardPages(this IEndpointRouteBuilder app)
    {
        var board = app.MapGroup("/pipeline").RequireAuthorization();

        board.MapGet("/column", async (int stageId, int? skip, string? owner, string? q, string? source, BoardQueries queries, LeadQueries leadQueries,
            LeadService leads, Data.LeadlineDb db, CancellationToken ct) =>
        {
            var stage = await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.FirstOrDefaultAsync(db.Stages, s => s.Id == stageId, ct);
            if (stage is null)
                return Results.NotFound();
            var filter = new BoardFilter(owner is null or "me" or "unassigned" || int.TryParse(owner, out _) ? owner : null, q,
                Enum.TryParse<LeadSource>(source, true, out var s) ? s : null);
            var clock = await leads.ClockAsync(ct);
            var from = Math.Max(0, skip ?? 0);
            var cards = await queries.CardsAsync(queries.Leads(stage.PipelineId, filter, leads.CurrentUserId, leadQueries, clock), stage, from, Board.PerStage + 1, clock, ct);
            var more = cards.Count > Board.PerStage;
            var query = string.Concat(new[] { ("owner", filter.Owner), ("q", q), ("source", source) }
                .Where(kv => !string.IsNullOrEmpty(kv.Item2)).Select(kv => $"&{kv.Item1}={Uri.EscapeDataString(kv.Item2!)}"));
            return new RazorComponentResult<BoardColumnCards>(new
            {
                Cards = cards.Take(Board.PerStage).ToList(),
                StageId = stageId,
                NextSkip = more ? from + Board.PerStage : (int?)null,
                FilterQuery = query,
            });
        });

        // SortableJS posts the drop as a form (antiforgery checked because of [FromForm])
        board.MapPost("/move", async ([FromForm] int leadId, [FromForm] int stageId, [FromForm] int position, [FromForm] int? version,
            [FromForm] string? lostReason, LeadMover mover, CancellationToken ct) =>
        {
            var result = await mover.MoveAsync(leadId, new MoveRequest(stageId, position, lostReason, version), ct);
            return result.Succeeded
                ? Results.Ok(new { id = leadId, version = result.Value!.Version })
                : Common.Api.ApiResults.Problem(result);
        });

        board.MapGet("/cards/{id:int}/quick", (int id, LeadService leads, CancellationToken ct) => QuickEditAsync(id, null, false, [], leads, ct));

        board.MapPost("/cards/{id:int}/quick", async (int id, [FromForm] int stageId, [FromForm] int score, [FromForm] string? ownerId,
            [FromForm] string? lostReason, [FromForm] int version, LeadService leads, HttpContext http, CancellationToken ct) =>
        {
            var input = new LeadInput
            {
                StageId = stageId,
                Score = score,
                OwnerId = int.TryParse(ownerId, out var owner) ? owner : null,
                LostReason = lostReason,
            };
            var result = await leads.UpdateAsync(id, input, new HashSet<string> { "stageId", "score", "ownerId", "lostReason" }, version, ct);
            if (result.NotFound)
                return Results.NotFound();
            if (result.Succeeded)
                http.Response.Headers["HX-Trigger"] = "board-refresh";
            var message = result.Succeeded ? "Saved."
                : result.Stale is not null ? "Someone else changed this lead meanwhile: nothing was saved, and the form now shows their version. Apply your change again."
                : "Nothing was saved: correct the fields marked below.";
            return await QuickEditAsync(id, message, result.Succeeded, result.Errors.ToDictionary(), leads, ct);
        });
    }

    /// <summary>The quick-edit form with the lead as it is now (after a stale edit: the other person's values).</summary>
    private static async Task<IResult> QuickEditAsync(int id, string? message, bool saved, Dictionary<string, string[]> errors, LeadService leads, CancellationToken ct)
    {
        var lead = await leads.FindAsync(id, ct);
        if (lead is null)
            return Results.NotFound();
        var stages = (await leads.StagesAsync(ct)).Where(s => s.PipelineId == lead.PipelineId).ToList();
        return new RazorComponentResult<QuickEdit>(new
        {
            Lead = lead,
            Version = lead.Version,
            Stages = stages,
            Owners = await leads.OwnerChoicesAsync(ct),
            Message = message,
            Saved = saved,
            Errors = errors,
        });
    }
}

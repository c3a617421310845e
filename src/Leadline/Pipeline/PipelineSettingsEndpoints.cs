using Leadline.Common.Forms;
using Leadline.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Leadline.Pipeline;

/// <summary>The form posts of Settings → Pipeline; each redirects back (PRG) with "saved" or the error.</summary>
internal static class PipelineSettingsEndpoints
{
    public static void MapPipelineSettings(this IEndpointRouteBuilder app)
    {
        var settings = app.MapGroup("/settings/pipeline").RequirePermission(Permission.PipelinesManage);

        settings.MapPost("/new", async ([FromForm] string? name, PipelineSettingsService service, CancellationToken ct) =>
        {
            var result = await service.CreatePipelineAsync(name, ct);
            return Back(result.Value?.Id, result.Succeeded ? null : string.Join(" ", result.Errors.All));
        });
        settings.MapPost("/{pipelineId:int}/stages", async (int pipelineId, [FromForm] string? name, [FromForm] string? category, [FromForm] string? color,
            [FromForm] string? rottingDays, PipelineSettingsService service, CancellationToken ct) =>
        {
            var result = await service.AddStageAsync(pipelineId, new StageInput(name, category, color, Days(rottingDays)), ct);
            return Back(pipelineId, Error(result));
        });
        settings.MapPost("/stages/{id:int}", async (int id, [FromForm] string? name, [FromForm] string? category, [FromForm] string? color,
            [FromForm] string? rottingDays, PipelineSettingsService service, Data.LeadlineDb db, CancellationToken ct) =>
        {
            // back to the stage's own pipeline on an error too: the page swaps just this row (htmx) and must find it there
            var pipelineId = await db.Stages.Where(s => s.Id == id).Select(s => (int?)s.PipelineId).FirstOrDefaultAsync(ct);
            var result = await service.UpdateStageAsync(id, new StageInput(name, category, color, Days(rottingDays)), ct);
            return Back(result.Value?.PipelineId ?? pipelineId, Error(result));
        });
        settings.MapPost("/stages/{id:int}/move", async (int id, [FromForm] int direction, PipelineSettingsService service, CancellationToken ct) =>
        {
            var result = await service.MoveStageAsync(id, direction, ct);
            return Back(result.Value?.PipelineId, Error(result));
        });
        settings.MapPost("/stages/{id:int}/delete", async (int id, [FromForm] int? targetStageId, PipelineSettingsService service, Data.LeadlineDb db, CancellationToken ct) =>
        {
            var pipelineId = db.Stages.Where(s => s.Id == id).Select(s => (int?)s.PipelineId).FirstOrDefault();
            var result = await service.DeleteStageAsync(id, targetStageId, ct);
            return Back(pipelineId, Error(result));
        });
    }

    /// <summary>An empty number input posts "", which minimal APIs refuse to bind to int?: read it as text.</summary>
    private static int? Days(string? text) =>
        string.IsNullOrWhiteSpace(text) ? null : int.TryParse(text, out var days) ? days : -1;

    private static string? Error<T>(Common.Api.Result<T> result) =>
        result.NotFound ? "No such stage." : result.Succeeded ? null : string.Join(" ", result.Errors.All);

    private static IResult Back(int? pipelineId, string? error)
    {
        var query = pipelineId is { } id ? $"pipelineId={id}&" : "";
        return error is null ? Results.Redirect($"/settings/pipeline?{query}saved=1") : Flash.Redirect($"/settings/pipeline?{query}", error);
    }
}

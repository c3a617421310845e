using System.Text.Encodings.Web;
using Leadline.Common.Api;
using Leadline.Common.Forms;
using Leadline.Leads.Pages;
using Microsoft.AspNetCore.Mvc;

namespace Leadline.Leads;

/// <summary>Browser (cookie) endpoints of the lead pages: stage clicks, archive and restore, code generation, CSV export.</summary>
internal static class LeadPageEndpoints
{
    public static void MapLeadPages(this IEndpointRouteBuilder app)
    {
        var leads = app.MapGroup("/leads").RequirePermission(Identity.Permission.LeadsWrite);

        leads.MapPost("/{id:int}/stage", async (int id, [FromForm] int stageId, [FromForm] int version, [FromForm] string? lostReason, LeadService service, CancellationToken ct) =>
        {
            var present = new HashSet<string> { "stageId" };
            if (lostReason is not null)
                present.Add("lostReason");
            var result = await service.UpdateAsync(id, new LeadInput { StageId = stageId, LostReason = lostReason }, present, version, ct);
            if (result.NotFound)
                return Results.Redirect("/leads");
            var error = result.Stale ?? (result.Errors.Any ? string.Join(" ", result.Errors.All) : null);
            return error is null ? Results.Redirect($"/leads/{id}") : Flash.Redirect($"/leads/{id}", error);
        });

        // archive and restore: the same rules as the API (LeadService); "from=archived" is the Archived view's restore button
        leads.MapPost("/{id:int}/archive", async (int id, LeadService service, CancellationToken ct) =>
            ArchiveOutcome(id, await service.ArchiveAsync(id, ct), null));

        leads.MapPost("/{id:int}/restore", async (int id, [FromForm] string? from, LeadService service, CancellationToken ct) =>
            ArchiveOutcome(id, await service.RestoreAsync(id, ct), from == "archived" ? ArchivedView : null));

        leads.MapPost("/{id:int}/photo", async (int id, IFormFile? photo, LeadPhotos photos, CancellationToken ct) =>
        {
            var result = await photos.SaveAsync(id, photo, ct);
            if (result.NotFound)
                return Results.Redirect("/leads");
            return result.Succeeded ? Results.Redirect($"/leads/{id}?saved=1") : Flash.Redirect($"/leads/{id}", string.Join(" ", result.Errors.All));
        });

        leads.MapGet("/{id:int}/photo", async (int id, LeadPhotos photos, CancellationToken ct) =>
            await photos.OpenAsync(id, ct) is { } photo
                ? Results.Stream(photo.Content, photo.ContentType)
                : Results.NotFound());

        leads.MapPost("/code", async (LeadService service, CancellationToken ct) =>
        {
            var code = HtmlEncoder.Default.Encode(await service.NextCodeAsync(ct));
            return Results.Content($"<input id=\"lead-code\" name=\"Model.Code\" class=\"form-control\" value=\"{code}\" />", "text/html");
        });

        leads.MapGet("/export", async (HttpContext http, LeadService service, LeadQueries queries, LeadExport export, CancellationToken ct) =>
        {
            var (filter, errors) = await queries.ParseAsync(http.Request.Query, ct);
            if (errors.Any)
                return Results.BadRequest(string.Join(" ", errors.All));
            http.Response.ContentType = "text/csv; charset=utf-8";
            http.Response.Headers.ContentDisposition = $"attachment; filename=\"leads-{DateTime.UtcNow:yyyyMMdd-HHmm}.csv\"";
            await export.WriteAsync(http.Response.Body, filter, service.CurrentUserId, await service.ClockAsync(ct), ct);
            return Results.Empty;
        }).RequirePermission(Identity.Permission.Export);
    }

    /// <summary>The Leads list's Archived view (<see cref="LeadFilter.Archived"/>).</summary>
    public const string ArchivedView = "/leads?archived=true";

    private static IResult ArchiveOutcome(int id, Result<Lead> result, string? backTo)
    {
        if (result.NotFound)
            return Results.Redirect("/leads");
        var error = result.Forbidden ?? result.Stale ?? result.Conflict ?? (result.Errors.Any ? string.Join(" ", result.Errors.All) : null);
        if (error is not null)
            return Flash.Redirect(backTo ?? $"/leads/{id}", error);
        return backTo is null ? Results.Redirect($"/leads/{id}") : Flash.Redirect(backTo, $"{result.Value!.Name} is back in the lists.");
    }
}

using Leadline.Common.Api;
using Leadline.Common.Files;
using Leadline.Common.Forms;
using Microsoft.AspNetCore.Mvc;

namespace Leadline.Submissions;

/// <summary>API.md "Bot-flow submissions", and the review queue's form posts and file links.</summary>
internal static class SubmissionsApi
{
    public static void MapSubmissionsApi(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("").WithTags("Submissions");
        group.MapGet("/submissions", async (string? status, SubmissionService service, CancellationToken ct) =>
        {
            SubmissionStatus? wanted = null;
            if (!string.IsNullOrEmpty(status))
            {
                if (!Enum.TryParse<SubmissionStatus>(status, true, out var parsed) || int.TryParse(status, out _))
                    return ApiResults.Problem(Result<object>.Invalid("status", "Use pending, approved or rejected."));
                wanted = parsed;
            }
            var items = await service.ListAsync(wanted, ct);
            return Results.Ok(new Page<SubmissionResponse>(items, null, items.Count));
        }).WithName("ListSubmissions").RequirePermission(Permission.SubmissionsReview);

        group.MapGet("/leads/{id:int}/submissions", async (int id, SubmissionService service, CancellationToken ct) =>
                await service.ForLeadAsync(id, ct) is { } items ? Results.Ok(new Page<SubmissionResponse>(items, null, items.Count)) : ApiResults.NotFound("No such lead."))
            .WithName("ListLeadSubmissions").RequirePermission(Permission.LeadsRead);

        group.MapPost("/leads/{id:int}/submissions", async (int id, SubmissionRequest request, SubmissionService service, CancellationToken ct) =>
        {
            var result = await service.CreateAsync(id, request, ct);
            return result.Succeeded ? Results.Created($"/api/v1/submissions/{result.Value!.Id}", result.Value) : ApiResults.Problem(result);
        }).WithName("CreateSubmission").RequirePermission(Permission.LeadsWrite);

        group.MapPost("/submissions/{id:long}/approve", (long id, ReviewRequest? request, SubmissionService service, CancellationToken ct) =>
            ReviewAsync(service, id, true, request, ct)).WithName("ApproveSubmission").RequirePermission(Permission.SubmissionsReview);
        group.MapPost("/submissions/{id:long}/reject", (long id, ReviewRequest? request, SubmissionService service, CancellationToken ct) =>
            ReviewAsync(service, id, false, request, ct)).WithName("RejectSubmission").RequirePermission(Permission.SubmissionsReview);

        group.MapGet("/submissions/{id:long}/files/{index:int}", FileAsync).WithName("GetSubmissionFile").RequirePermission(Permission.LeadsRead);
    }

    public static void MapSubmissionPages(this IEndpointRouteBuilder app)
    {
        app.MapGet("/submissions/{id:long}/files/{index:int}", FileAsync).RequirePermission(Permission.LeadsRead);

        // the review queue's approve / reject buttons (a form post: antiforgery checked because of [FromForm])
        app.MapPost("/submissions/{id:long}/review", async (long id, [FromForm] string decision, [FromForm] string? note, [FromForm] string? back,
            SubmissionService service, CancellationToken ct) =>
        {
            var result = await service.ReviewAsync(id, decision == "approve", note, ct);
            var to = back is "approved" or "rejected" ? $"/submissions?status={back}"
                : back is not null && System.Text.RegularExpressions.Regex.IsMatch(back, "^/leads/[0-9]+$") ? back : "/submissions";
            return result.Succeeded
                ? Flash.Redirect(to, $"Submission #{id} {(decision == "approve" ? "approved" : "rejected")}.")
                : Flash.Redirect(to, result.Conflict ?? (result.NotFound ? "No such submission." : string.Join(" ", result.Errors.All)));
        }).RequirePermission(Permission.SubmissionsReview);

        app.MapPost("/settings/submissions", async ([FromForm] string? flow, [FromForm] string? fields, SubmissionService service, CancellationToken ct) =>
        {
            var parsed = (fields ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(line => line.Split('=', 2) is [var path, var label] ? new FlowField(path.Trim(), label.Trim()) : new FlowField(line, ""))
                .ToList();
            var result = await service.SaveMappingAsync(flow, parsed, ct);
            return result.Succeeded
                ? Flash.Redirect("/settings/submissions", $"Saved the fields of \"{flow?.Trim()}\".")
                : Flash.Redirect("/settings/submissions", string.Join(" ", result.Errors.All));
        }).RequirePermission(Permission.SubmissionsReview);
    }

    private static async Task<IResult> ReviewAsync(SubmissionService service, long id, bool approve, ReviewRequest? request, CancellationToken ct)
    {
        var result = await service.ReviewAsync(id, approve, request?.Note, ct);
        return result.Succeeded ? Results.Ok(result.Value) : ApiResults.Problem(result);
    }

    private static async Task<IResult> FileAsync(long id, int index, SubmissionService service, IFileStorage files, CancellationToken ct)
    {
        if (await service.FileAsync(id, index, ct) is not { } file || await files.OpenAsync(file.Key, ct) is not { } stream)
            return ApiResults.NotFound("No such file.");
        var type = file.MimeType?.ToLowerInvariant();
        return type is "image/jpeg" or "image/png" or "image/gif" or "image/webp" or "application/pdf"
            ? Results.Stream(stream, type)
            : Results.Stream(stream, "application/octet-stream", file.Name);
    }
}

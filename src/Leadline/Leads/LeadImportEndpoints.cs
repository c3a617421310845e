using System.Text;
using Leadline.Common.Security;
using Leadline.Data;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Leadline.Leads;

/// <summary>
/// The form posts of the CSV import pages (/leads/import): the upload, starting the import job and cancelling it. Each
/// answers with a redirect (Post/Redirect/Get), so a reload never uploads or imports twice; and the job's progress panel.
/// </summary>
/// <remarks>
/// A refused antiforgery token (<see cref="PagePosts"/>) lands on the page the form came from with a message in its words
/// (?error=form, or ?error=toobig when reading the form for its token ran into the upload limit); nothing is uploaded or imported.
/// </remarks>
internal static class LeadImportEndpoints
{
    public static void MapLeadImportPages(this IEndpointRouteBuilder app)
    {
        var import = app.MapGroup("/leads/import").RequirePermission(Permission.Import);

        // POST /leads/import itself belongs to the upload page's Razor component endpoint, hence /upload
        import.MapPost("/upload", UploadAsync)
            .WithMetadata(new RequestSizeLimitAttribute(ImportUploads.MaxRequestBytes))
            .OnRefusedForm(_ => "/leads/import?error=form", _ => "/leads/import?error=toobig");

        import.MapPost("/{id:guid}/run", RunAsync).OnRefusedForm(http => PreviewUrl(RouteId(http)) + "?error=form");
        import.MapGet("/{id:guid}/progress", ProgressAsync);
        import.MapPost("/{id:guid}/cancel", CancelAsync);
    }

    private static Guid RouteId(HttpContext http) => Guid.TryParse(http.GetRouteValue("id") as string, out var id) ? id : Guid.Empty;

    public static string PreviewUrl(Guid id) => $"/leads/import/{id:N}";

    public static string ResultUrl(Guid id) => $"/leads/import/{id:N}/result";

    private static async Task<IResult> UploadAsync(HttpContext http, CurrentUser me, CancellationToken ct)
    {
        IFormCollection form;
        try
        {
            if (await ReadFormAsync(http, ct) is not { } valid)
                return Results.Redirect("/leads/import?error=form");
            form = valid;
        }
        catch (Exception e) when (e is BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge }
                                   || e.InnerException is BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge })
        {
            // over MaxRequestBytes with the token in a header (a form field token is read first, by the antiforgery check)
            return Results.Redirect("/leads/import?error=toobig");
        }
        var (id, problem) = await ImportUploads.SaveAsync(me, form.Files.GetFile("file"), ct);
        return Results.Redirect(id is { } saved ? PreviewUrl(saved) : $"/leads/import?error={problem?.ToString().ToLowerInvariant()}");
    }

    /// <summary>
    /// Queues the import of an upload once (a job: <see cref="ImportJobs"/>), then shows its result page, which follows its
    /// progress; <c>resume</c> queues again a job that failed part-way, to go on from its last committed batch (an import
    /// from before jobs goes on from the row it recorded).
    /// </summary>
    private static async Task<IResult> RunAsync(Guid id, HttpContext http,
        CurrentUser me, ImportJobs jobs, ImportRuns runs, LeadlineDb db, CustomFields.CustomFieldService customFields, CancellationToken ct)
    {
        if (await ReadFormAsync(http, ct) is not { } form)
            return Results.Redirect(PreviewUrl(id) + "?error=form");
        var map = form["map"];
        string? policy = form["policy"];
        var resume = form["resume"] == "true";

        // queued, imported already (a second click, a resubmitted form) or running: show that result, never import twice
        var last = await runs.ForUploadAsync(db, id, me.Id, ct);
        if (last is { Status: ImportStatus.Queued or ImportStatus.Running or ImportStatus.Completed })
            return Results.Redirect(ResultUrl(id));
        if (resume && last is { Background: true, Status: ImportStatus.Failed })
        {
            await jobs.ResumeAsync(last.Id, ct);
            return Results.Redirect(ResultUrl(id));
        }
        if (last is { Status: ImportStatus.Failed })
            ImportUploads.Recover(me, id);   // an import from before jobs: a crash left the file claimed
        var upload = await ImportUploads.FindAsync(me, id, ct);
        if (upload is null)
            return Results.Redirect(last is null ? "/leads/import?error=expired" : ResultUrl(id));

        DuplicatePolicy duplicatePolicy;
        Dictionary<string, string>? columns;
        var fromRow = 2L;
        if (resume)
        {
            if (last is null)
                return Results.Redirect(PreviewUrl(id));
            duplicatePolicy = last.OnDuplicate;
            columns = last.Columns is null ? null : System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, string>>(last.Columns);
            fromRow = last.ResumeFromRow;
        }
        else
        {
            var header = (await ImportUploads.PreviewAsync(me, id, 0, ct)).Header;
            string[] chosen = [.. map.Select(m => m ?? "")];
            var mapping = ImportMapping.Resolve(header, chosen, await customFields.ListAsync(ct));
            var chosenPolicy = ImportMapping.Policy(policy);
            var error = chosen.Length != header.Count ? "columns"
                : chosenPolicy is null ? "policy"
                : !ImportMapping.HasName(mapping) ? "no-name"
                : ImportMapping.Conflicts(header, mapping).Count > 0 ? "conflict"
                : null;
            if (error is not null)
                return Results.Redirect(BackToPreview(id, mapping, policy, error));
            // the custom fields chosen as "new" are made now, so the job (and a resume) reads their columns like any other
            var created = await customFields.CreateTextFieldsAsync(ImportMapping.NewCustomFields(header, mapping), ct);
            (duplicatePolicy, columns) = (chosenPolicy!.Value, ImportMapping.Overrides(header, mapping, created));
        }

        var claimed = ImportUploads.Claim(me, id);
        if (claimed is null)
            return Results.Redirect(ResultUrl(id));
        var queued = false;
        try
        {
            // the job holds the file from now on (in the database, for whichever instance runs it)
            var text = await File.ReadAllTextAsync(claimed, Encoding.UTF8, ct);
            await jobs.EnqueueAsync(text, upload.FileName, duplicatePolicy, upload.Rows, ct, columns, uploadId: id, fromRow: fromRow);
            queued = true;
        }
        finally
        {
            ImportUploads.Release(me, id, claimed, queued);
        }
        ImportUploads.Sweep();
        return Results.Redirect(ResultUrl(id));
    }

    /// <summary>The result page's progress panel, polled by htmx while the job runs; once it is over, 286 stops the polling and the page reloads.</summary>
    private static async Task<IResult> ProgressAsync(Guid id, HttpContext http, ImportJobs jobs, TimeProvider clock, CancellationToken ct)
    {
        var run = await jobs.ForUploadAsync(id, ct);
        var parameters = new { Run = run, UploadId = id, Now = clock.GetUtcNow().UtcDateTime };
        if (run?.Status is ImportStatus.Queued or ImportStatus.Running)
            return new RazorComponentResult<Pages.ImportJobProgress>(parameters);
        http.Response.Headers["HX-Trigger"] = "import-finished";
        return new RazorComponentResult<Pages.ImportJobProgress>(parameters) { StatusCode = 286 };
    }

    /// <summary>Cancel: a queued import at once, a running one at its next batch boundary (the result page says which).</summary>
    private static async Task<IResult> CancelAsync(Guid id, ImportJobs jobs, CancellationToken ct)
    {
        if (await jobs.ForUploadAsync(id, ct) is { } run)
            await jobs.CancelAsync(run.Id, ct);
        return Results.Redirect(ResultUrl(id));
    }

    /// <summary>The posted form (its antiforgery token checked already), or null when it is not a form.</summary>
    private static async Task<IFormCollection?> ReadFormAsync(HttpContext http, CancellationToken ct)
    {
        if (!http.Request.HasFormContentType)
            return null;
        return await http.Request.ReadFormAsync(ct);
    }

    private static string BackToPreview(Guid id, IEnumerable<string> mapping, string? policy, string error)
    {
        var query = mapping.Select(m => "map=" + Uri.EscapeDataString(m))
            .Append("policy=" + Uri.EscapeDataString(ImportMapping.Policy(policy)?.ToString().ToLowerInvariant() ?? "skip"))
            .Append("error=" + error);
        return PreviewUrl(id) + "?" + string.Join("&", query);
    }
}

using System.Text;
using Leadline.Common.Security;
using Leadline.Data;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Mvc;

namespace Leadline.Leads;

/// <summary>
/// The form posts of the CSV import pages (/leads/import): the upload and the import itself. Both answer with a
/// redirect (Post/Redirect/Get), so a reload never uploads or imports twice.
/// </summary>
/// <remarks>
/// The antiforgery token is checked here rather than through [FromForm]/IFormFile binding: with binding, a refused
/// token is a body-less 400 that the pages' status-code re-execution turns into a 500 (the re-executed request reads
/// the form of a request whose token failed). Here a refused token, like any other problem, redirects to a page that
/// says what happened, and nothing is uploaded or imported.
/// </remarks>
internal static class LeadImportEndpoints
{
    public static void MapLeadImportPages(this IEndpointRouteBuilder app)
    {
        var import = app.MapGroup("/leads/import").RequirePermission(Permission.Import);

        // POST /leads/import itself belongs to the upload page's Razor component endpoint, hence /upload
        import.MapPost("/upload", UploadAsync)
            .WithMetadata(new RequestSizeLimitAttribute(ImportUploads.MaxRequestBytes));

        import.MapPost("/{id:guid}/run", RunAsync);
    }

    public static string PreviewUrl(Guid id) => $"/leads/import/{id:N}";

    public static string ResultUrl(Guid id) => $"/leads/import/{id:N}/result";

    private static async Task<IResult> UploadAsync(HttpContext http, IAntiforgery antiforgery, CurrentUser me, CancellationToken ct)
    {
        IFormCollection form;
        try
        {
            if (await ReadFormAsync(http, antiforgery, ct) is not { } valid)
                return Results.Redirect("/leads/import?error=form");
            form = valid;
        }
        catch (Exception e) when (e is BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge }
                                   || e.InnerException is BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge })
        {
            // over MaxRequestBytes (the page's script stops such files before they are sent; this is for other clients)
            return Results.Redirect("/leads/import?error=toobig");
        }
        var (id, problem) = await ImportUploads.SaveAsync(me, form.Files.GetFile("file"), ct);
        return Results.Redirect(id is { } saved ? PreviewUrl(saved) : $"/leads/import?error={problem?.ToString().ToLowerInvariant()}");
    }

    /// <summary>
    /// Imports an upload once; <c>resume</c> imports the rest of a file whose last import stopped part-way (the app
    /// restarted, the database failed), from the row that import recorded, with its columns and duplicate policy.
    /// </summary>
    private static async Task<IResult> RunAsync(Guid id, HttpContext http, IAntiforgery antiforgery,
        CurrentUser me, LeadImport importer, ImportRuns runs, LeadlineDb db, IHostApplicationLifetime life, CancellationToken ct)
    {
        if (await ReadFormAsync(http, antiforgery, ct) is not { } form)
            return Results.Redirect(PreviewUrl(id) + "?error=form");
        var map = form["map"];
        string? policy = form["policy"];
        var resume = form["resume"] == "true";

        // imported already (a second click, a resubmitted form) or running: show that result, never import twice
        var last = await runs.ForUploadAsync(db, id, me.Id, ct);
        if (last is { Status: ImportStatus.Running or ImportStatus.Completed })
            return Results.Redirect(ResultUrl(id));
        if (last is { Status: ImportStatus.Failed })
            ImportUploads.Recover(me, id);   // a crash left the file claimed
        var upload = await ImportUploads.FindAsync(me, id, ct);
        if (upload is null)
            return Results.Redirect(last is null ? "/leads/import?error=expired" : ResultUrl(id));

        ImportRequest request;
        if (resume)
        {
            if (last is null)
                return Results.Redirect(PreviewUrl(id));
            request = new ImportRequest(upload.FileName, last.OnDuplicate)
            {
                Columns = last.Columns is null ? null : System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, string>>(last.Columns),
                FromRow = last.ResumeFromRow,
            };
        }
        else
        {
            var header = (await ImportUploads.PreviewAsync(me, id, 0, ct)).Header;
            string[] chosen = [.. map.Select(m => m ?? "")];
            var mapping = ImportMapping.Resolve(header, chosen);
            var duplicatePolicy = ImportMapping.Policy(policy);
            var error = chosen.Length != header.Count ? "columns"
                : duplicatePolicy is null ? "policy"
                : !ImportMapping.HasName(mapping) ? "no-name"
                : ImportMapping.Conflicts(header, mapping).Count > 0 ? "conflict"
                : null;
            if (error is not null)
                return Results.Redirect(BackToPreview(id, mapping, policy, error));
            request = new ImportRequest(upload.FileName, duplicatePolicy!.Value) { Columns = ImportMapping.Overrides(header, mapping) };
        }

        var claimed = ImportUploads.Claim(me, id);
        if (claimed is null)
            return Results.Redirect(ResultUrl(id));
        var imported = false;
        try
        {
            // the import finishes (and its result is kept) even if the browser goes away meanwhile; only a shutdown stops it
            using var reader = new StreamReader(claimed, Encoding.UTF8);
            await importer.ImportAsync(reader, request with { Total = upload.Rows, UploadId = id, Cancelled = "The app was shutting down." }, life.ApplicationStopping);
            imported = true;
        }
        catch (ImportInterruptedException)
        {
            // on record (and logged): the result page says what landed and offers the rest
        }
        finally
        {
            ImportUploads.Release(me, id, claimed, imported);
        }
        ImportUploads.Sweep();
        return Results.Redirect(ResultUrl(id));
    }

    /// <summary>The posted form, or null when it is not a form or its antiforgery token is missing or wrong.</summary>
    private static async Task<IFormCollection?> ReadFormAsync(HttpContext http, IAntiforgery antiforgery, CancellationToken ct)
    {
        if (!http.Request.HasFormContentType || !await antiforgery.IsRequestValidAsync(http))
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

using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Leadline.Leads;

/// <summary>
/// <c>/api/v1/imports</c>: a CSV import as a background job (API.md "imports as jobs"). The file is checked (a header row,
/// CSV at all) and stored with the job before the 202, so a refused file changes nothing and an accepted one runs on
/// whichever instance claims it.
/// </summary>
internal static class ImportsApi
{
    public static void MapImportsApi(this RouteGroupBuilder api)
    {
        var imports = api.MapGroup("/imports").WithTags("Imports");
        imports.MapPost("/", StartAsync).WithName("StartImport").RequirePermission(Permission.Import)
            .Accepts<string>("text/csv", "multipart/form-data")
            .WithMetadata(new Microsoft.AspNetCore.Mvc.RequestSizeLimitAttribute(((IEndpointRouteBuilder)api).ServiceProvider.GetRequiredService<IOptions<ImportOptions>>().Value.MaxRequestBytes + 1024 * 1024));
        imports.MapGet("/{id:int}", GetAsync).WithName("GetImport").RequirePermission(Permission.Import);
        imports.MapPost("/{id:int}/cancel", CancelAsync).WithName("CancelImport").RequirePermission(Permission.Import);
    }

    /// <summary>
    /// <c>text/csv</c> body or a multipart <c>file</c>; <c>?onDuplicate=skip|update|create</c>; any other query option
    /// (<c>createCustomFields</c>, say) travels with the job to the row mapping.
    /// </summary>
    private static async Task<Results<Accepted<ImportJobResponse>, ValidationProblem, ProblemHttpResult>> StartAsync(
        HttpRequest request, string? onDuplicate, ImportJobs jobs, IOptions<ImportOptions> options, TimeProvider clock, CancellationToken ct)
    {
        var policy = DuplicatePolicy.Skip;
        if (onDuplicate is not null)
        {
            if (ImportMapping.Policy(onDuplicate) is not { } chosen)
                return Invalid("onDuplicate", "onDuplicate must be skip, update or create.");
            policy = chosen;
        }

        var limit = options.Value.MaxRequestBytes;
        byte[]? bytes;
        string fileName;
        if (request.HasFormContentType)
        {
            var form = await request.ReadFormAsync(ct);
            if (form.Files.GetFile("file") is not { } file)
                return Invalid("file", "Send the CSV as the multipart field 'file' (or as a text/csv body).");
            fileName = Path.GetFileName(file.FileName);
            bytes = file.Length > limit ? null : await ReadAllAsync(file.OpenReadStream(), ct);
        }
        else
        {
            fileName = "API import";
            await using var body = await LeadsApi.ReadBodyAsync(request, limit, ct);
            bytes = body is null ? null : await ReadAllAsync(body, ct);
        }
        if (bytes is null)
        {
            var megabytes = options.Value.MaxRequestMegabytes;
            return TypedResults.Problem($"The file is larger than the limit of {megabytes} MB. Split it and import the parts one after another.",
                statusCode: StatusCodes.Status413PayloadTooLarge, title: "File too large", extensions: new Dictionary<string, object?> { ["limitMegabytes"] = megabytes });
        }
        if (ImportUploads.Decode(bytes) is not { } text)
            return Invalid("file", "This is not plain-text CSV (an Excel workbook, perhaps): save the sheet as CSV.");
        var check = await ImportFileCheck.ReadAsync(text, null, ct);
        if (check.Problem is { } problem)
            return Invalid("file", problem);

        var passed = request.Query.Where(q => !string.Equals(q.Key, "onDuplicate", StringComparison.OrdinalIgnoreCase))
            .ToDictionary(q => q.Key, q => q.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        var job = await jobs.EnqueueAsync(text, fileName, policy, check.Rows, ct, options: passed);
        return TypedResults.Accepted($"/api/v1/imports/{job.Id}", ImportJobResponse.Of(job, clock.GetUtcNow().UtcDateTime));
    }

    private static async Task<Results<Ok<ImportJobResponse>, NotFound>> GetAsync(int id, ImportJobs jobs, TimeProvider clock, CancellationToken ct) =>
        await jobs.FindAsync(id, ct) is { } job ? TypedResults.Ok(ImportJobResponse.Of(job, clock.GetUtcNow().UtcDateTime)) : TypedResults.NotFound();

    /// <summary>200 with the job: cancelled when it was queued, still running until its next batch boundary otherwise; 409 when it had finished.</summary>
    private static async Task<Results<Ok<ImportJobResponse>, NotFound, ProblemHttpResult>> CancelAsync(int id, ImportJobs jobs, TimeProvider clock, CancellationToken ct)
    {
        if (await jobs.CancelAsync(id, ct) is not { } job)
            return TypedResults.NotFound();
        if (job.Status is ImportStatus.Completed or ImportStatus.Failed)
            return TypedResults.Problem($"The import has {job.Status.ToString().ToLowerInvariant()} already.", statusCode: StatusCodes.Status409Conflict, title: "Import finished");
        return TypedResults.Ok(ImportJobResponse.Of(job, clock.GetUtcNow().UtcDateTime));
    }

    private static ValidationProblem Invalid(string field, string message) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] });

    private static async Task<byte[]> ReadAllAsync(Stream stream, CancellationToken ct)
    {
        await using (stream)
        {
            using var buffer = new MemoryStream();
            await stream.CopyToAsync(buffer, ct);
            return buffer.ToArray();
        }
    }
}

using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Leadline.Common.Api;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace Leadline.Leads;

internal static class LeadsApi
{
    public static void MapLeadsApi(this RouteGroupBuilder api)
    {
        var leads = api.MapGroup("/leads").WithTags("Leads");
        leads.MapGet("/", ListAsync).WithName("ListLeads").RequirePermission(Permission.LeadsRead).WithQueryParameters(LeadFilter.Documented);
        leads.MapPost("/", CreateAsync).WithName("CreateLead").RequirePermission(Permission.LeadsWrite);
        leads.MapGet("/export", ExportAsync).WithName("ExportLeads").RequirePermission(Permission.Export).WithQueryParameters(LeadFilter.Documented);
        leads.MapPost("/import", ImportAsync).WithName("ImportLeads").RequirePermission(Permission.Import).Accepts<string>("text/csv")
            // the server's limit, with room for a chunked body's framing (which Kestrel counts); the handler counts the exact limit
            .WithMetadata(new Microsoft.AspNetCore.Mvc.RequestSizeLimitAttribute(((IEndpointRouteBuilder)api).ServiceProvider.GetRequiredService<IOptions<ImportOptions>>().Value.MaxRequestBytes + 1024 * 1024));
        leads.MapPost("/codes", NextCodeAsync).WithName("NextLeadCode").RequirePermission(Permission.LeadsWrite);
        leads.MapGet("/{id:int}", GetAsync).WithName("GetLead").RequirePermission(Permission.LeadsRead);
        leads.MapPatch("/{id:int}", UpdateAsync).WithName("UpdateLead").RequirePermission(Permission.LeadsWrite);
        leads.MapDelete("/{id:int}", ArchiveAsync).WithName("ArchiveLead").RequirePermission(Permission.LeadsWrite);
        // the owner restores their own lead; someone else's needs LeadsArchived (LeadService.MayRestore)
        leads.MapPost("/{id:int}/restore", RestoreAsync).WithName("RestoreLead").RequirePermission(Permission.LeadsWrite);
        leads.MapGet("/{id:int}/history", HistoryAsync).WithName("LeadHistory").RequirePermission(Permission.LeadsRead);
    }

    private static async Task<IResult> ListAsync(HttpRequest request, int? limit, string? cursor, LeadQueries queries, LeadService leads, LeadMapper mapper, CancellationToken ct)
    {
        var (filter, errors) = await queries.ParseAsync(request.Query, ct);
        if (errors.Any)
            return TypedResults.ValidationProblem(errors.ToDictionary());
        var clock = await leads.ClockAsync(ct);
        var (total, capped) = await LeadQueries.CountAsync(queries.Filter(filter, leads.CurrentUserId, clock), ct);
        var (items, next) = await queries.PageAsync(queries.Filter(filter, leads.CurrentUserId, clock, forPage: true), filter.Sort, cursor, Cursor.Limit(limit), ct);
        return TypedResults.Ok(new LeadPage(await mapper.MapAsync(items, clock, ct), next, total, capped));
    }

    private static async Task<IResult> CreateAsync(JsonObject body, LeadService leads, LeadMapper mapper, Duplicates.DuplicateFinder duplicates,
        IOptions<JsonOptions> json, HttpContext http, CancellationToken ct)
    {
        if (!TryRead(body, json.Value.SerializerOptions, out var input, out var present, out var problem))
            return problem!;
        // how the enquiry reached us: the API unless the client says it was typed in from a call, a walk-in or by hand
        var intake = LeadIntakeMode.Api;
        if (body["intakeMode"] is { } mode && (mode.GetValueKind() != JsonValueKind.String || !ApiIntakeModes.TryGetValue(mode.GetValue<string>(), out intake)))
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["intakeMode"] = ["intakeMode must be api, phone, walkIn or manual."] });
        var result = await leads.CreateAsync(input!, present!, l => l.IntakeMode = intake, ct);
        if (!result.Succeeded)
            return ApiResults.Problem(result);
        var lead = result.Value!;
        SetETag(http, lead);
        // a look-alike never refuses the lead (the user decides); the response says which leads it resembles
        var response = JsonSerializer.SerializeToNode(await mapper.MapAsync(lead, await leads.ClockAsync(ct), ct), json.Value.SerializerOptions)!.AsObject();
        var matches = await duplicates.CheckAsync(new Duplicates.DuplicateCheckRequest(lead.Name, lead.Company, lead.Email, lead.Phone, lead.Mobile, lead.Website,
            lead.DateOfBirth, new AddressInput { Street = lead.Street, City = lead.City, State = lead.State, PostalCode = lead.PostalCode, Country = lead.Country }, lead.Id), ct);
        response["possibleDuplicates"] = JsonSerializer.SerializeToNode(matches, json.Value.SerializerOptions);
        return TypedResults.Created($"/api/v1/leads/{lead.Id}", response);
    }

    private static readonly Dictionary<string, LeadIntakeMode> ApiIntakeModes = new(StringComparer.OrdinalIgnoreCase)
    {
        ["api"] = LeadIntakeMode.Api, ["phone"] = LeadIntakeMode.Phone, ["walkIn"] = LeadIntakeMode.WalkIn, ["manual"] = LeadIntakeMode.Manual,
    };

    private static async Task<IResult> GetAsync(int id, LeadService leads, LeadMapper mapper, HttpContext http, CancellationToken ct)
    {
        var lead = await leads.FindAsync(id, ct);
        if (lead is null)
            return ApiResults.NotFound("No such lead.");
        SetETag(http, lead);
        return TypedResults.Ok(await mapper.MapAsync(lead, await leads.ClockAsync(ct), ct));
    }

    private static async Task<IResult> UpdateAsync(int id, JsonObject body, LeadService leads, LeadMapper mapper, IOptions<JsonOptions> json, HttpContext http,
        TimeProvider clock, CancellationToken ct)
    {
        if (!TryRead(body, json.Value.SerializerOptions, out var input, out var present, out var problem))
            return problem!;
        int? expected = null;
        var ifMatch = http.Request.Headers.IfMatch.ToString();
        if (!string.IsNullOrEmpty(ifMatch) && ifMatch != "*")
        {
            if (!ETags.TryParse(ifMatch, out var version))
                return TypedResults.Problem("If-Match must be an ETag returned by this API.", statusCode: StatusCodes.Status412PreconditionFailed);
            expected = version;
        }
        // the next action is no catalog field: { type, dueAt } or null, set in the same save (Inbox/NextActions)
        Action<Lead>? nextAction = null;
        if (body.ContainsKey("nextAction"))
        {
            var errors = Inbox.NextActions.Read(body["nextAction"], clock.GetUtcNow().UtcDateTime, out nextAction);
            if (errors.Any)
                return TypedResults.ValidationProblem(errors.ToDictionary());
        }
        var result = await leads.UpdateAsync(id, input!, present!, expected, nextAction, ct);
        if (!result.Succeeded)
            return ApiResults.Problem(result);
        SetETag(http, result.Value!);
        return TypedResults.Ok(await mapper.MapAsync(result.Value!, await leads.ClockAsync(ct), ct));
    }

    private static async Task<IResult> ArchiveAsync(int id, LeadService leads, CancellationToken ct)
    {
        var result = await leads.ArchiveAsync(id, ct);
        return result.Succeeded ? TypedResults.NoContent() : ApiResults.Problem(result);
    }

    private static async Task<IResult> RestoreAsync(int id, LeadService leads, LeadMapper mapper, HttpContext http, CancellationToken ct)
    {
        var result = await leads.RestoreAsync(id, ct);
        if (!result.Succeeded)
            return ApiResults.Problem(result);
        SetETag(http, result.Value!);
        return TypedResults.Ok(await mapper.MapAsync(result.Value!, await leads.ClockAsync(ct), ct));
    }

    private static async Task<IResult> HistoryAsync(int id, LeadService leads, CancellationToken ct) =>
        await leads.HistoryAsync(id, ct) is { } rows ? TypedResults.Ok(new { items = rows }) : ApiResults.NotFound("No such lead.");

    private static async Task<Ok<NextCode>> NextCodeAsync(LeadService leads, CancellationToken ct) => TypedResults.Ok(new NextCode(await leads.NextCodeAsync(ct)));

    public sealed record NextCode(string Code);

    /// <summary>
    /// The body is read to the end (into a temporary file) before anything is imported, so one over the limit answers 413
    /// and writes nothing. An import that stops part-way (the database failing, say) answers 500 problem+json whose
    /// extensions say what landed: <c>created</c>, <c>updated</c>, <c>skipped</c>, <c>errors</c> of the rows before
    /// <c>resumeFromRow</c>, <c>committedRows</c> (data rows done) and <c>resumeFromRow</c>, the file row (1 = the header) to send
    /// again as <c>?fromRow=</c> with the same file: the rows before it are read past, so nothing lands twice. A client that
    /// went away finds the same in the log and in the created leads' history.
    /// </summary>
    private static async Task<IResult> ImportAsync(HttpRequest request, string? onDuplicate, long? fromRow, bool? createCustomFields, LeadImport import, IOptions<ImportOptions> options, CancellationToken ct)
    {
        var policy = DuplicatePolicy.Skip;
        if (onDuplicate is not null && !Enum.TryParse(onDuplicate, ignoreCase: true, out policy))
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["onDuplicate"] = ["onDuplicate must be skip, update or create."] });
        if (fromRow is < 2)
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["fromRow"] = ["fromRow is a row of the file after the header row (2 or more)."] });
        var limit = options.Value.MaxRequestMegabytes;
        await using var body = await ReadBodyAsync(request, options.Value.MaxRequestBytes, ct);
        if (body is null)
        {
            return TypedResults.Problem($"The file is larger than the limit of {limit} MB. Split it and import the parts one after another.",
                statusCode: StatusCodes.Status413PayloadTooLarge, title: "File too large", extensions: new Dictionary<string, object?> { ["limitMegabytes"] = limit });
        }
        using var reader = new StreamReader(body, Encoding.UTF8);
        try
        {
            return TypedResults.Ok(await import.ImportAsync(reader, new ImportRequest("API import", policy)
            {
                FromRow = fromRow ?? 2,
                CreateCustomFields = createCustomFields ?? false,
                Cancelled = "The client disconnected before the import finished.",
            }, ct));
        }
        catch (ImportInterruptedException stopped)
        {
            var run = stopped.Run;
            return TypedResults.Problem(
                $"The import stopped at row {run.ResumeFromRow}: {run.Failure} The rows before it are imported ({run.Created} leads created, {run.Updated} updated); " +
                $"the rest were not. Send the same file again with ?fromRow={run.ResumeFromRow} to import the rest.",
                statusCode: StatusCodes.Status500InternalServerError, title: "Import stopped part-way",
                extensions: new Dictionary<string, object?>
                {
                    ["importId"] = run.Id,
                    ["committedRows"] = run.Processed,
                    ["resumeFromRow"] = run.ResumeFromRow,
                    ["created"] = run.Created,
                    ["updated"] = run.Updated,
                    ["skipped"] = run.Skipped,
                    ["errors"] = ImportRuns.ErrorsOf(run),
                });
        }
    }

    /// <summary>The whole body in a temporary file (deleted when closed), or null when it is larger than <paramref name="limit"/>.</summary>
    internal static async Task<Stream?> ReadBodyAsync(HttpRequest request, long limit, CancellationToken ct)
    {
        if (request.ContentLength > limit)
            return null;
        var file = new FileStream(Path.GetTempFileName(), FileMode.Create, FileAccess.ReadWrite, FileShare.None, 64 * 1024, FileOptions.DeleteOnClose | FileOptions.Asynchronous);
        try
        {
            var buffer = new byte[64 * 1024];
            int read;
            // counted here as well: the server's own limit (the endpoint's RequestSizeLimit) may not apply, as in tests
            while ((read = await request.Body.ReadAsync(buffer, ct)) > 0)
            {
                if (file.Length + read > limit)
                {
                    await file.DisposeAsync();
                    return null;
                }
                await file.WriteAsync(buffer.AsMemory(0, read), ct);
            }
            file.Position = 0;
            return file;
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            await file.DisposeAsync();
            return null;
        }
        catch
        {
            await file.DisposeAsync();
            throw;
        }
    }

    private static async Task ExportAsync(HttpContext http, LeadQueries queries, LeadService leads, LeadExport export, CancellationToken ct)
    {
        var (filter, errors) = await queries.ParseAsync(http.Request.Query, ct);
        if (errors.Any)
        {
            await TypedResults.ValidationProblem(errors.ToDictionary()).ExecuteAsync(http);
            return;
        }
        http.Response.ContentType = "text/csv; charset=utf-8";
        http.Response.Headers.ContentDisposition = $"attachment; filename=\"leads-{DateTime.UtcNow:yyyyMMdd-HHmm}.csv\"";
        await export.WriteAsync(http.Response.Body, filter, leads.CurrentUserId, await leads.ClockAsync(ct), ct);
    }

    private static void SetETag(HttpContext http, Lead lead) => ETags.Set(http, lead.Version);

    /// <summary>Reads a lead body and which properties it names (PATCH changes only those); type errors → 400 naming the field.</summary>
    public static bool TryRead(JsonObject body, JsonSerializerOptions options, out LeadInput? input, out HashSet<string>? present, out IResult? problem)
    {
        input = null;
        present = [];
        try
        {
            foreach (var (key, value) in body)
            {
                var name = char.ToLowerInvariant(key[0]) + key[1..];
                present.Add(name);
                if (value is JsonObject nested && name is "address" or "social")
                    foreach (var (inner, _) in nested)
                        present.Add($"{name}.{char.ToLowerInvariant(inner[0])}{inner[1..]}");
            }
            input = body.Deserialize<LeadInput>(options) ?? new LeadInput();
            problem = null;
            return true;
        }
        catch (JsonException ex)
        {
            var field = ex.Path?.TrimStart('$', '.') is { Length: > 0 } path ? path : "body";
            problem = TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [$"{field} has the wrong type."] });
        }
        catch (ArgumentException)
        {
            // JsonObject refuses a name that appears twice only when it is read
            problem = TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["body"] = ["A field appears twice in the body."] });
        }
        catch (InvalidOperationException ex) when (ex.Message.Contains("UTF-16", StringComparison.Ordinal))
        {
            // "\ud800": an escaped half of a character, which no text column can store
            problem = TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["body"] = ["The body contains half of a character (an unpaired \\uD800-\\uDFFF escape): remove it."] });
        }
        return false;
    }
}

/// <summary>The lead list's page: <see cref="Page{T}"/>'s shape, and whether <c>total</c> stopped at <see cref="LeadQueries.TotalCap"/> ("10,000+").</summary>
public sealed record LeadPage(IReadOnlyList<LeadResponse> Items, string? NextCursor, int Total, bool TotalCapped);

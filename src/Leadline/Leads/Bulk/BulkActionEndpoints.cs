using System.Text.Json;
using System.Text.Json.Nodes;
using Leadline.Common.Api;
using Leadline.Common.Forms;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace Leadline.Leads.Bulk;

/// <summary><c>POST /api/v1/leads/bulk</c>: the action, its selection (ids or the list's filter) and its parameters.</summary>
public sealed record BulkActionRequest(
    string? Action, List<int>? LeadIds, JsonObject? Filter, int? OwnerId, int? StageId, string? LostReason, string? Tag, int? ListId);

/// <summary>The bulk action API and the lead list's form posts (the selection bar and its Undo).</summary>
internal static class BulkActionEndpoints
{
    public static void MapBulkActions(this IEndpointRouteBuilder app, RouteGroupBuilder api)
    {
        var bulk = api.MapGroup("/leads/bulk").WithTags("Leads").RequirePermission(Permission.LeadsWrite);
        bulk.MapPost("/", StartAsync).WithName("StartBulkAction");
        bulk.MapGet("/{id:int}", GetAsync).WithName("GetBulkAction");
        bulk.MapPost("/{id:int}/undo", UndoAsync).WithName("UndoBulkAction");
        bulk.MapPost("/{id:int}/cancel", CancelAsync).WithName("CancelBulkAction");

        var pages = app.MapGroup("/leads/bulk").RequirePermission(Permission.LeadsWrite);
        pages.MapPost("/", StartFromPageAsync);
        pages.MapPost("/{id:int}/undo", UndoFromPageAsync);
        pages.MapPost("/{id:int}/cancel", CancelFromPageAsync);
    }

    private static async Task<IResult> StartAsync(JsonObject body, BulkActions bulk, IOptions<JsonOptions> json, CancellationToken ct)
    {
        BulkActionRequest request;
        try
        {
            request = body.Deserialize<BulkActionRequest>(json.Value.SerializerOptions) ?? new BulkActionRequest(null, null, null, null, null, null, null, null);
        }
        catch (JsonException ex)
        {
            var field = ex.Path?.TrimStart('$', '.') is { Length: > 0 } path ? path : "body";
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [$"{field} has the wrong type."] });
        }
        if (request.Action is null || !BulkActions.ApiNames.TryGetValue(request.Action, out var kind))
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["action"] = [$"action must be one of: {string.Join(", ", BulkActions.ApiNames.Keys)}."] });
        string? filter = null;
        if (request.Filter is { } f)
        {
            var parts = new List<string>();
            foreach (var (key, value) in f)
            {
                // the list's query parameters, as GET /api/v1/leads takes them: text, numbers and true/false
                if (value is not JsonValue scalar || scalar.GetValueKind() is not (JsonValueKind.String or JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False))
                    return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["filter." + key] = [$"filter.{key} must be a text, a number or true/false."] });
                var text = scalar.GetValueKind() == JsonValueKind.String ? scalar.GetValue<string>() : scalar.ToJsonString();
                parts.Add($"{Uri.EscapeDataString(key)}={Uri.EscapeDataString(text)}");
            }
            filter = string.Join("&", parts);
        }
        var result = await bulk.StartAsync(kind, request.LeadIds, filter,
            new BulkParameters(request.OwnerId, request.StageId, request.LostReason, request.Tag, request.ListId), ct);
        return Answer(result);
    }

    private static async Task<IResult> GetAsync(int id, BulkActions bulk, CancellationToken ct) =>
        await bulk.FindAsync(id, ct) is { } action ? TypedResults.Ok(BulkActions.ToResponse(action)) : ApiResults.NotFound("No such bulk action.");

    private static async Task<IResult> UndoAsync(int id, BulkActions bulk, CancellationToken ct) => Answer(await bulk.UndoAsync(id, ct));

    private static async Task<IResult> CancelAsync(int id, BulkActions bulk, CancellationToken ct) => Answer(await bulk.CancelAsync(id, ct));

    /// <summary>200 with the outcome when it ran at once, 202 with its address when a job runs it.</summary>
    private static IResult Answer(Result<BulkAction> result)
    {
        if (!result.Succeeded)
            return result.NotFound ? ApiResults.NotFound("No such bulk action.") : ApiResults.Problem(result);
        var action = result.Value!;
        var response = BulkActions.ToResponse(action);
        return action.Status is BulkActionStatus.Queued or BulkActionStatus.Running
            ? TypedResults.Accepted($"/api/v1/leads/bulk/{action.Id}", response)
            : TypedResults.Ok(response);
    }

    /// <summary>The selection bar: ticked ids, or every lead of the list's filter (<c>scope=matching</c>).</summary>
    private static async Task<IResult> StartFromPageAsync(HttpRequest request, BulkActions bulk, CancellationToken ct)
    {
        var form = await request.ReadFormAsync(ct);
        var filter = form["filter"].ToString().TrimStart('?');
        var back = ListUrl(filter);
        if (form["action"].ToString() is not { Length: > 0 } name || !BulkActions.ApiNames.TryGetValue(name, out var kind))
            return Flash.Redirect(back, "Choose what to do with the selected leads.");
        List<int>? ids = null;
        if (form["scope"] != "matching")
        {
            ids = form["ids"].Select(FormValues.Number).OfType<int>().ToList();
            if (ids.Count == 0)
                return Flash.Redirect(back, "Tick the leads to change first.");
        }
        var result = await bulk.StartAsync(kind, ids, ids is null ? filter : null, new BulkParameters(
            FormValues.Number(form["ownerId"]), FormValues.Number(form["stageId"]), FormValues.Text(form["lostReason"]), FormValues.Text(form["tag"]), FormValues.Number(form["listId"])), ct);
        return result.Succeeded ? Results.LocalRedirect(WithAction(back, result.Value!.Id)) : Flash.Redirect(back, string.Join(" ", result.Errors.All));
    }

    private static async Task<IResult> UndoFromPageAsync(int id, HttpRequest request, BulkActions bulk, CancellationToken ct)
    {
        var form = await request.ReadFormAsync(ct);
        var back = ListUrl(form["filter"].ToString().TrimStart('?'));
        var result = await bulk.UndoAsync(id, ct);
        if (result.Succeeded)
            return Results.LocalRedirect(WithAction(back, result.Value!.Id));
        return Flash.Redirect(back, result.NotFound ? "No such bulk action." : result.Conflict ?? string.Join(" ", result.Errors.All));
    }

    /// <summary>The progress line's Cancel: back to the list with the action's outcome (also when it had finished meanwhile).</summary>
    private static async Task<IResult> CancelFromPageAsync(int id, HttpRequest request, BulkActions bulk, CancellationToken ct)
    {
        var form = await request.ReadFormAsync(ct);
        var back = ListUrl(form["filter"].ToString().TrimStart('?'));
        var result = await bulk.CancelAsync(id, ct);
        if (result.NotFound)
            return Flash.Redirect(back, "No such bulk action.");
        return Results.LocalRedirect(WithAction(back, id));
    }

    private static string ListUrl(string filter) => filter.Length == 0 ? "/leads" : "/leads?" + filter;

    /// <summary>The list again, with the action's progress or outcome above it (<see cref="Pages.BulkBar"/>).</summary>
    public static string WithAction(string listUrl, int id) => listUrl + (listUrl.Contains('?', StringComparison.Ordinal) ? "&" : "?") + "bulk=" + id;
}

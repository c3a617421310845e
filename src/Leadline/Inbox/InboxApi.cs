using System.Text.Json;
using System.Text.Json.Nodes;
using Leadline.Common.Api;
using Leadline.Leads;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace Leadline.Inbox;

internal static class InboxApi
{
    public static void MapInboxApi(this RouteGroupBuilder api)
    {
        api.MapGet("/inbox", ListAsync).WithTags("Inbox").WithName("Inbox").RequirePermission(Permission.LeadsRead);
        var settings = api.MapGroup("/settings/workspace").WithTags("Workspace");
        settings.MapGet("/", GetSettingsAsync).WithName("GetWorkspaceSettings").RequirePermission(Permission.LeadsRead);
        settings.MapPatch("/", UpdateSettingsAsync).WithName("UpdateWorkspaceSettings").RequirePermission(Permission.WorkspaceManage);
    }

    /// <summary>One queue (<c>now</c> by default) in the list conventions; each item is a lead plus its <c>lastMessage</c>.</summary>
    private static async Task<IResult> ListAsync(string? queue, int? limit, string? cursor, InboxQueries inbox, LeadService leads, LeadMapper mapper,
        IOptions<JsonOptions> json, CancellationToken ct)
    {
        if (!TryQueue(queue, out var which))
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["queue"] = ["queue must be now, today, later or recovery."] });
        var clock = await leads.ClockAsync(ct);
        var (items, next) = await inbox.PageAsync(which, clock, cursor, Cursor.Limit(limit), ct);
        var total = await LeadQueries.CountAsync(inbox.Queue(which, clock), ct);
        var last = await inbox.LastMessagesAsync([.. items.Select(l => l.Id)], ct);
        var rows = new JsonArray();
        foreach (var lead in await mapper.MapAsync(items, clock, ct))
        {
            var row = JsonSerializer.SerializeToNode(lead, json.Value.SerializerOptions)!.AsObject();
            row["lastMessage"] = last.TryGetValue(lead.Id, out var m) ? JsonSerializer.SerializeToNode(m, json.Value.SerializerOptions) : null;
            rows.Add(row);
        }
        return TypedResults.Ok(new JsonObject
        {
            ["items"] = rows, ["nextCursor"] = next, ["total"] = total.Count, ["totalCapped"] = total.Capped,
        });
    }

    public static bool TryQueue(string? text, out InboxQueueKind queue)
    {
        queue = InboxQueueKind.Now;
        return string.IsNullOrEmpty(text) || (Enum.TryParse(text, ignoreCase: true, out queue) && Enum.IsDefined(queue) && !char.IsDigit(text[0]));
    }

    private static async Task<IResult> GetSettingsAsync(ResponseSettingsService settings, CancellationToken ct) =>
        await settings.GetAsync(ct) is { } found ? TypedResults.Ok(found) : ApiResults.NotFound("No such workspace.");

    private static async Task<IResult> UpdateSettingsAsync(JsonObject body, ResponseSettingsService settings, CancellationToken ct)
    {
        var result = await settings.UpdateAsync(body, ct);
        return result.Succeeded ? TypedResults.Ok(result.Value) : ApiResults.Problem(result);
    }
}

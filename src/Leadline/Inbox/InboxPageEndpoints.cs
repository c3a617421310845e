using System.Globalization;
using System.Text.Json.Nodes;
using Leadline.Common.Forms;
using Leadline.Leads;

namespace Leadline.Inbox;

/// <summary>The pages' form posts: a lead's next action set by hand, and the workspace's first-response settings.</summary>
internal static class InboxPageEndpoints
{
    public static readonly DayOfWeek[] Week =
        [DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday, DayOfWeek.Saturday, DayOfWeek.Sunday];

    public static void MapInboxPages(this IEndpointRouteBuilder app)
    {
        app.MapPost("/leads/{id:int}/next-action", SetNextActionAsync).RequirePermission(Permission.LeadsWrite);
        app.MapPost("/settings/workspace/response", SaveSettingsAsync).RequirePermission(Permission.WorkspaceManage);
    }

    /// <summary>type (reply, followUp, reviewRequest; empty clears it) and dueAt (the workspace's local time; empty: now).</summary>
    private static async Task<IResult> SetNextActionAsync(int id, HttpRequest request, LeadService leads, CancellationToken ct)
    {
        var form = await request.ReadFormAsync(ct);
        var back = form["back"].ToString() is { Length: > 1 } b && b.StartsWith('/') && !b.StartsWith("//", StringComparison.Ordinal) ? b : $"/leads/{id}";
        var clock = await leads.ClockAsync(ct);
        JsonNode? node = null;
        if (form["type"].ToString() is { Length: > 0 } type)
        {
            var o = new JsonObject { ["type"] = type };
            if (form["dueAt"].ToString() is { Length: > 0 } due)
            {
                if (!DateTime.TryParse(due, CultureInfo.InvariantCulture, DateTimeStyles.None, out var local))
                    return Flash.Redirect(back, "Give the due time as a date and time.");
                o["dueAt"] = clock.ToUtc(local).ToString("O", CultureInfo.InvariantCulture);
            }
            node = o;
        }
        var errors = NextActions.Read(node, clock.UtcNow, out var apply);
        if (errors.Any)
            return Flash.Redirect(back, string.Join(" ", errors.All));
        var result = await leads.UpdateAsync(id, new LeadInput(), new HashSet<string>(), null, apply, ct);
        if (result.NotFound)
            return Results.NotFound();
        return result.Succeeded ? Results.Redirect(back) : Flash.Redirect(back, string.Join(" ", result.Errors.All));
    }

    private static async Task<IResult> SaveSettingsAsync(HttpRequest request, ResponseSettingsService settings, CancellationToken ct)
    {
        var form = await request.ReadFormAsync(ct);
        var body = new JsonObject();
        body["firstResponseMinutes"] = int.TryParse(form["firstResponseMinutes"], CultureInfo.InvariantCulture, out var minutes) ? minutes : -1;
        if (form["hours"] == "around")
        {
            body["businessHours"] = null;
        }
        else
        {
            var periods = new JsonArray();
            foreach (var day in Week)
            {
                var name = day.ToString().ToLowerInvariant();
                if (form[$"open.{name}"] == "on")
                    periods.Add(new JsonObject { ["day"] = name, ["from"] = form[$"from.{name}"].ToString(), ["to"] = form[$"to.{name}"].ToString() });
            }
            body["businessHours"] = periods;
        }
        var result = await settings.UpdateAsync(body, ct);
        return result.Succeeded ? Results.Redirect("/settings/workspace?saved=1#response") : Flash.Redirect("/settings/workspace", string.Join(" ", result.Errors.All));
    }
}

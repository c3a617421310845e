using System.Text.Json;
using System.Text.Json.Nodes;
using Leadline.Common.Api;
using Leadline.Data;
using Leadline.Workspaces;
using Microsoft.EntityFrameworkCore;

namespace Leadline.Inbox;

/// <summary>The workspace's settings as the API reads and patches them, with the first-response SLA and business hours.</summary>
public sealed record WorkspaceSettingsResponse(string Name, string TimeZone, string DefaultCountry, int FirstResponseMinutes,
    IReadOnlyList<BusinessPeriodResponse>? BusinessHours);

/// <summary>
/// Reads and changes the workspace's settings (<c>/api/v1/settings/workspace</c>, Settings → Workspace). Name, time zone
/// and phone country keep <see cref="WorkspaceService"/>'s rules; the SLA's minutes and hours are checked here, and a
/// change is saved whole or not at all.
/// </summary>
public sealed class ResponseSettingsService(LeadlineDb db, CurrentUser me, WorkspaceService workspaces)
{
    public async Task<WorkspaceSettingsResponse?> GetAsync(CancellationToken ct) =>
        await db.Workspaces.AsNoTracking().FirstOrDefaultAsync(w => w.Id == me.WorkspaceId, ct) is { } w ? ToResponse(w) : null;

    public static WorkspaceSettingsResponse ToResponse(Workspace w) =>
        new(w.Name, w.TimeZone, w.DefaultCountry, w.FirstResponseMinutes, BusinessHours.Parse(w.BusinessHours) is { IsAroundTheClock: false } h ? h.ToItems() : null);

    /// <summary>A partial change: any of name, timeZone, defaultCountry, firstResponseMinutes, businessHours (an array, or null for around the clock).</summary>
    public async Task<Result<WorkspaceSettingsResponse>> UpdateAsync(JsonObject body, CancellationToken ct)
    {
        var workspace = await db.Workspaces.FirstOrDefaultAsync(w => w.Id == me.WorkspaceId, ct);
        if (workspace is null)
            return Result<WorkspaceSettingsResponse>.Missing();
        var errors = new Errors();
        if (body.TryGetPropertyValue("firstResponseMinutes", out var minutesNode))
        {
            if (minutesNode is JsonValue v && v.GetValueKind() == JsonValueKind.Number && v.TryGetValue<int>(out var minutes) && minutes is >= 1 and <= ResponseSettings.MaxMinutes)
                workspace.FirstResponseMinutes = minutes;
            else
                errors.Add("firstResponseMinutes", $"firstResponseMinutes is a whole number of minutes from 1 to {ResponseSettings.MaxMinutes} (a week).");
        }
        if (body.TryGetPropertyValue("businessHours", out var hoursNode))
        {
            string? problem = "businessHours is null (around the clock) or a list of { day, from, to }, such as { \"day\": \"monday\", \"from\": \"09:00\", \"to\": \"17:00\" }.";
            if (hoursNode is null)
                (workspace.BusinessHours, problem) = (null, null);
            else if (hoursNode is JsonArray items && TryItems(items, out var periods))
            {
                if (BusinessHours.TryRead(periods, out var hours, out problem))
                    workspace.BusinessHours = hours.ToJson();
            }
            if (problem is not null)
                errors.Add("businessHours", problem);
        }
        if (errors.Any)
            return Result<WorkspaceSettingsResponse>.Invalid(errors);
        if (body.ContainsKey("name") || body.ContainsKey("timeZone") || body.ContainsKey("defaultCountry"))
        {
            var request = new WorkspaceSettingsRequest
            {
                Name = Text(body, "name") ?? workspace.Name,
                TimeZone = Text(body, "timeZone") ?? workspace.TimeZone,
                DefaultCountry = Text(body, "defaultCountry") ?? workspace.DefaultCountry,
            };
            // the same tracked workspace: its save carries the SLA's changes too, or nothing when a field is wrong
            var saved = await workspaces.UpdateAsync(workspace.Id, request, ct);
            if (!saved.Succeeded)
                return Result<WorkspaceSettingsResponse>.Invalid(saved.Errors);
        }
        else
        {
            await db.SaveChangesAsync(ct);
        }
        return Result<WorkspaceSettingsResponse>.Ok(ToResponse(workspace));
    }

    private static string? Text(JsonObject body, string name) =>
        body[name] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : body.ContainsKey(name) ? "" : null;

    private static bool TryItems(JsonArray items, out List<BusinessPeriodResponse> periods)
    {
        periods = [];
        foreach (var item in items)
        {
            if (item is not JsonObject o)
                return false;
            periods.Add(new BusinessPeriodResponse(Str(o["day"]), Str(o["from"]), Str(o["to"])));
        }
        return true;

        static string? Str(JsonNode? n) => n is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;
    }
}

using Leadline.Data;
using Microsoft.EntityFrameworkCore;

namespace Leadline.Inbox;

/// <summary>A workspace's first-response SLA: minutes, opening hours and the time zone they are read in.</summary>
public sealed record ResponseSettings(int FirstResponseMinutes, BusinessHours Hours, TimeZoneInfo Zone)
{
    public const int MaxMinutes = 7 * 24 * 60;

    /// <summary>When a reply to a message at <paramref name="atUtc"/> is due.</summary>
    public DateTime DueAt(DateTime atUtc) => Hours.AddMinutes(atUtc, FirstResponseMinutes, Zone);

    public static async Task<ResponseSettings> LoadAsync(LeadlineDb db, int workspaceId, CancellationToken ct)
    {
        var w = await db.Workspaces.AsNoTracking().Where(w => w.Id == workspaceId)
            .Select(w => new { w.FirstResponseMinutes, w.BusinessHours, w.TimeZone }).FirstOrDefaultAsync(ct);
        return new ResponseSettings(w?.FirstResponseMinutes ?? 60, BusinessHours.Parse(w?.BusinessHours),
            TimeZoneInfo.TryFindSystemTimeZoneById(w?.TimeZone ?? "UTC", out var zone) ? zone : TimeZoneInfo.Utc);
    }
}

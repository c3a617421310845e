using Leadline.Common.Api;
using Leadline.Data;
using Leadline.Identity;
using Microsoft.EntityFrameworkCore;

namespace Leadline.Queue;

public sealed record QueueSettingsInput(IReadOnlyList<string> ReservationRoles, int? ReleaseHours, IReadOnlyList<int> ListIds, IReadOnlyList<string> Fields);

/// <summary>Settings → Work queue: which roles reserve leads by their first note, the release time, the queue's lists and columns.</summary>
public sealed class QueueSettingsService(LeadlineDb db)
{
    public async Task<Workspaces.Workspace> CurrentAsync(CancellationToken ct) =>
        await db.Workspaces.AsNoTracking().FirstAsync(w => w.Id == db.CurrentWorkspaceId, ct);

    public async Task<Result<Workspaces.Workspace>> SaveAsync(QueueSettingsInput input, CancellationToken ct)
    {
        var errors = new Errors();
        var roles = input.ReservationRoles.Select(r => Roles.All.FirstOrDefault(a => string.Equals(a, r, StringComparison.OrdinalIgnoreCase))).ToList();
        if (roles.Any(r => r is null))
            errors.Add("reservationRoles", $"Roles are {string.Join(", ", Roles.All)}.");
        if (input.ReleaseHours is not { } hours || hours < 1 || hours > 24 * 90)
            errors.Add("releaseHours", "The release time must be a whole number of hours from 1 to 2,160 (90 days).");
        var lists = input.ListIds.Distinct().ToList();
        if (lists.Count > 0 && await db.MarketingLists.CountAsync(l => lists.Contains(l.Id), ct) != lists.Count)
            errors.Add("listIds", "Choose lists of this workspace.");
        var fields = input.Fields.Distinct().ToList();
        if (fields.Any(f => !QueueFields.All.ContainsKey(f)))
            errors.Add("fields", $"Fields are {string.Join(", ", QueueFields.All.Keys)}.");
        if (errors.Any)
            return Result<Workspaces.Workspace>.Invalid(errors);
        var workspace = await db.Workspaces.FirstAsync(w => w.Id == db.CurrentWorkspaceId, ct);
        workspace.ReservationRoles = roles.Select(r => r!).Distinct().ToList();
        workspace.ReservationReleaseHours = input.ReleaseHours!.Value;
        workspace.QueueListIds = lists;
        workspace.QueueFields = fields;
        await db.SaveChangesAsync(ct);
        return Result<Workspaces.Workspace>.Ok(workspace);
    }
}

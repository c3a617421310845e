using Leadline.Data;
using Leadline.Identity;
using Microsoft.EntityFrameworkCore;

namespace Leadline.Home;

public sealed record TeamFigures(int Active, int Deactivated, IReadOnlyDictionary<string, int> ByRole, IReadOnlyList<RecentSignIn> RecentSignIns);

public sealed record RecentSignIn(string Name, string Role, DateTime At);

/// <summary>The figures on the start page; each area adds its own as it is built.</summary>
public sealed class HomeFigures(LeadlineDb db)
{
    public async Task<TeamFigures> TeamAsync(CancellationToken ct)
    {
        var members = await db.Users.AsNoTracking()
            .Select(u => new
            {
                u.Name,
                u.IsActive,
                u.LastSignInAt,
                Role = db.UserRoles.Where(ur => ur.UserId == u.Id).Join(db.Roles, ur => ur.RoleId, r => r.Id, (ur, r) => r.Name).FirstOrDefault() ?? "",
            })
            .ToListAsync(ct);
        var byRole = Roles.All.ToDictionary(r => r, r => members.Count(m => m.IsActive && m.Role == r));
        var recent = members.Where(m => m.LastSignInAt is not null)
            .OrderByDescending(m => m.LastSignInAt).Take(5)
            .Select(m => new RecentSignIn(m.Name, m.Role, m.LastSignInAt!.Value)).ToList();
        return new TeamFigures(members.Count(m => m.IsActive), members.Count(m => !m.IsActive), byRole, recent);
    }
}

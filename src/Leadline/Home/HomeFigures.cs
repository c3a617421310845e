using Leadline.Data;
using Leadline.Identity;
using Microsoft.EntityFrameworkCore;

namespace Leadline.Home;

public sealed record TeamFigures(int Active, int Deactivated, IReadOnlyDictionary<string, int> ByRole, IReadOnlyList<RecentSignIn> RecentSignIns);

public sealed record RecentSignIn(string Name, string Role, DateTime At);

/// <summary>Each figure counts exactly what the Leads page shows behind its link.</summary>
public sealed record LeadFigures(int All, int NewThisWeek, int Hot, int OverdueFollowUps, int Mine, IReadOnlyList<(Pipeline.StageCategory Status, int Count)> ByStatus);

/// <summary>The figures on the start page; each area adds its own as it is built.</summary>
public sealed class HomeFigures(LeadlineDb db)
{
    public async Task<LeadFigures> LeadsAsync(int currentUserId, Common.Time.WorkspaceClock clock, CancellationToken ct)
    {
        var live = db.Leads.AsNoTracking().Where(l => l.ArchivedAt == null);
        var weekStart = clock.StartOfWeekUtc;
        var now = clock.UtcNow;
        var byStatus = await live.GroupBy(l => l.Status).Select(g => new { g.Key, Count = g.Count() }).ToListAsync(ct);
        return new LeadFigures(
            byStatus.Sum(b => b.Count),
            await live.CountAsync(l => l.CreatedAt >= weekStart, ct),
            await live.CountAsync(l => l.Score >= Leads.LeadFilter.HotScore, ct),
            await live.CountAsync(l => l.NextFollowUpAt < now, ct),
            await live.CountAsync(l => l.OwnerId == currentUserId, ct),
            Enum.GetValues<Pipeline.StageCategory>().Select(s => (s, byStatus.FirstOrDefault(b => b.Key == s)?.Count ?? 0)).ToList());
    }

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

using Leadline.Data;
using Leadline.Identity;
using Microsoft.EntityFrameworkCore;

namespace Leadline.Home;

public sealed record TeamFigures(int Active, int Deactivated, IReadOnlyDictionary<string, int> ByRole, IReadOnlyList<RecentSignIn> RecentSignIns);

public sealed record RecentSignIn(string Name, string Role, DateTime At);

/// <summary>Each figure counts exactly what the Leads page shows behind its link; the total and the statuses are exact.</summary>
public sealed record LeadFigures(int All, Leads.LeadCount NewThisWeek, Leads.LeadCount Hot, Leads.LeadCount OverdueFollowUps, Leads.LeadCount Mine, IReadOnlyList<(Pipeline.StageCategory Status, int Count)> ByStatus);

/// <summary>The figures on the start page; each area adds its own as it is built.</summary>
public sealed class HomeFigures(LeadlineDb db, Leads.LeadQueries queries)
{
    /// <summary>
    /// Fast at a million leads (docs/performance.md, "Start page"): the four smart-filter figures are the Leads page's own
    /// filters and capped count, read from their indexes (exact counts of 750,000 leads took seconds on SQLite), and the
    /// total and its statuses are counted per stage in the board's index (grouping by status read every lead).
    /// </summary>
    public async Task<LeadFigures> LeadsAsync(int currentUserId, Common.Time.WorkspaceClock clock, CancellationToken ct)
    {
        // a count per stage (a lead's status is its stage's category; a category change rewrites the status of the stage's
        // leads), each a range of the board index: as the board counts its columns, and for the same reason (BoardQueries)
        var perStage = await db.Stages.AsNoTracking()
            .Select(s => new { s.Category, Count = db.Leads.Count(l => l.PipelineId == s.PipelineId && l.StageId == s.Id && l.ArchivedAt == null) })
            .ToListAsync(ct);
        var byStatus = perStage.GroupBy(s => s.Category, s => s.Count).ToDictionary(g => g.Key, g => g.Sum());
        Task<Leads.LeadCount> CountAsync(Leads.LeadFilter filter) => Leads.LeadQueries.CountAsync(queries.Filter(filter, currentUserId, clock), ct);
        return new LeadFigures(
            byStatus.Values.Sum(),
            await CountAsync(new Leads.LeadFilter { Created = "week" }),
            await CountAsync(new Leads.LeadFilter { Hot = true }),
            await CountAsync(new Leads.LeadFilter { FollowUp = "overdue" }),
            await CountAsync(new Leads.LeadFilter { Owner = "me" }),
            Enum.GetValues<Pipeline.StageCategory>().Select(s => (s, byStatus.GetValueOrDefault(s))).ToList());
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

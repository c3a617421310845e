using Leadline.Activities;
using Leadline.Common.Time;
using Leadline.Data;
using Leadline.Notes;
using Microsoft.EntityFrameworkCore;

namespace Leadline.Reports;

public sealed record OperatorFigures(int? UserId, string Name, int Calls, int LeadsContacted, int LeadsClosed);

public sealed record LeadFlowFigures(
    DateOnly From, DateOnly To, int CallsLogged, int LeadsContacted, int LeadsClosed,
    IReadOnlyList<OperatorFigures> ByOperator, IReadOnlyList<int> CallsByHour, IReadOnlyDictionary<Outcome, int> Outcomes);

/// <summary>
/// How the operators' day went, over local calendar days of the workspace: calls logged, distinct leads contacted
/// (a call or e-mail logged), leads closed (a closing note, or a move into a closing stage: its owner's), per operator and per hour of the day, and the outcomes
/// of the calls (a call without one counts as Unclassified).
/// </summary>
public sealed class LeadFlowReport(LeadlineDb db)
{
    public async Task<LeadFlowFigures> RunAsync(DateOnly from, DateOnly to, WorkspaceClock clock, CancellationToken ct)
    {
        var start = clock.StartOfDayUtc(from);
        var end = clock.StartOfDayUtc(to.AddDays(1));
        // what a calendar range of one workspace holds is small enough to add up here, and the same code then serves
        // both databases (hour-of-day in the workspace's zone is awkward in SQLite)
        var contacts = await db.Activities.AsNoTracking()
            .Where(a => (a.Type == ActivityType.Call || a.Type == ActivityType.Email) && a.DoneAt >= start && a.DoneAt < end)
            .Select(a => new { a.LeadId, a.Type, a.Outcome, a.UserId, a.UserName, DoneAt = a.DoneAt!.Value })
            .ToListAsync(ct);
        var closingNotes = await db.Notes.AsNoTracking()
            .Where(n => n.ClosesLead && n.CreatedAt >= start && n.CreatedAt < end)
            .Select(n => new Closing(n.LeadId, n.AuthorId, n.AuthorName))
            .ToListAsync(ct);
        // a lead closed by its stage (a board move, a stage's new category, an import into Lost) counts for its owner
        var closedByStage = await db.Leads.AsNoTracking()
            .Where(l => l.ClosedAt >= start && l.ClosedAt < end && l.MergedIntoId == null)
            .Select(l => new { l.Id, l.OwnerId })
            .ToListAsync(ct);
        var owners = await db.Users.AsNoTracking().Select(u => new { u.Id, u.Name }).ToDictionaryAsync(u => u.Id, u => u.Name, ct);
        var noted = closingNotes.Select(c => c.LeadId).ToHashSet();
        var closings = closingNotes.Concat(closedByStage.Where(l => !noted.Contains(l.Id))
            .Select(l => new Closing(l.Id, l.OwnerId, l.OwnerId is { } id ? owners.GetValueOrDefault(id, "Unassigned") : "Unassigned"))).ToList();
        var calls = contacts.Where(c => c.Type == ActivityType.Call).ToList();

        var byHour = new int[24];
        foreach (var call in calls)
            byHour[clock.ToLocal(call.DoneAt).Hour]++;
        var outcomes = Enum.GetValues<Outcome>().ToDictionary(o => o, o => calls.Count(c => (c.Outcome ?? Outcome.Unclassified) == o));

        var operators = contacts.Select(c => (c.UserId, c.UserName)).Concat(closings.Select(c => (UserId: c.AuthorId, UserName: c.AuthorName)))
            .GroupBy(o => o.UserId).Select(g => (Id: g.Key, Name: g.First().UserName)).ToList();
        var byOperator = operators.Select(o => new OperatorFigures(
                o.Id, o.Name,
                calls.Count(c => c.UserId == o.Id),
                contacts.Where(c => c.UserId == o.Id).Select(c => c.LeadId).Distinct().Count(),
                closings.Where(c => c.AuthorId == o.Id).Select(c => c.LeadId).Distinct().Count()))
            .OrderByDescending(o => o.Calls).ThenBy(o => o.Name, StringComparer.CurrentCultureIgnoreCase).ToList();

        return new LeadFlowFigures(from, to, calls.Count, contacts.Select(c => c.LeadId).Distinct().Count(), closings.Select(c => c.LeadId).Distinct().Count(),
            byOperator, byHour, outcomes);
    }

    private sealed record Closing(int LeadId, int? AuthorId, string AuthorName);
}

using Leadline.Activities;
using Leadline.Common.Security;
using Leadline.Data;
using Leadline.Leads;
using Leadline.Notes;
using Microsoft.EntityFrameworkCore;

namespace Leadline.Queue;

public sealed record QueueRow(Lead Lead, string? OwnerName, Note? LastNote, bool ReservedByOther);

/// <summary>A page of the queue; <paramref name="Total"/> stops at <see cref="LeadQueries.TotalCap"/> with <paramref name="Capped"/> set.</summary>
public sealed record QueuePage(IReadOnlyList<QueueRow> Rows, int Total, bool Capped, int Page, int PageSize)
{
    public LeadCount Count => new(Total, Capped);
}

/// <summary>Extra lead fields the work queue can show (Settings → Work queue).</summary>
public static class QueueFields
{
    public static readonly IReadOnlyDictionary<string, (string Label, Func<Lead, string?> Value)> All = new Dictionary<string, (string, Func<Lead, string?>)>
    {
        ["company"] = ("Company", l => l.Company),
        ["email"] = ("E-mail", l => l.Email),
        // the page shows it through PhoneLink, in the workspace's display format
        ["phone"] = ("Phone", l => l.PhoneE164 ?? l.Phone ?? l.MobileE164 ?? l.Mobile),
        ["source"] = ("Source", l => l.Source.ToString()),
        ["city"] = ("City", l => l.City),
        ["country"] = ("Country", l => l.Country),
        ["score"] = ("Score", l => l.Score.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        ["tags"] = ("Tags", l => l.Tags.Count == 0 ? null : string.Join(", ", l.Tags)),
        ["code"] = ("Code", l => l.Code),
    };
}

/// <summary>
/// The operators' lead flow: leads nobody has touched first, then the longest untouched, so the queue works through
/// everyone before anyone gets a second call. Limited to the workspace's chosen marketing lists, if any.
/// </summary>
public sealed class WorkQueueService(LeadlineDb db, LeadService leads, LeadQueries queries, CurrentUser me)
{
    public const int PageSize = 25;

    private async Task<IQueryable<Lead>> QueryAsync(string? search, bool includeClosed, CancellationToken ct)
    {
        var workspace = await leads.WorkspaceAsync(ct);
        var q = string.IsNullOrWhiteSpace(search)
            ? db.Leads.Where(l => l.ArchivedAt == null)
            : queries.Filter(new LeadFilter { Q = search.Trim() }, me.Id, await leads.ClockAsync(ct));
        q = q.Where(l => l.Active);
        if (!includeClosed)
            q = q.Where(l => l.LeadFlow != LeadFlowStatus.Completed);
        if (workspace.QueueListIds is { Count: > 0 } lists)
            q = q.Where(l => db.MarketingListMembers.Any(m => lists.Contains(m.ListId) && m.LeadId == l.Id));
        return q;
    }

    // The queue's order in two parts, each a range of the index (workspace_id, last_activity_at, created_at, id) read in
    // order: the leads never contacted (oldest first), then the contacted ones, longest untouched first. One ORDER BY over
    // both (a CASE putting the missing dates first) had to sort every lead: 5 s for a page, and for each "Next", at a
    // million leads on SQLite (docs/performance.md).
    private static IQueryable<Lead> NeverContacted(IQueryable<Lead> q) =>
        q.Where(l => l.LastActivityAt == null).OrderBy(l => l.CreatedAt).ThenBy(l => l.Id);

    private static IQueryable<Lead> Contacted(IQueryable<Lead> q) =>
        q.Where(l => l.LastActivityAt != null).OrderBy(l => l.LastActivityAt).ThenBy(l => l.CreatedAt).ThenBy(l => l.Id);

    /// <summary>A page of the queue; the total is capped as the Leads page's is ("10,000+").</summary>
    public async Task<QueuePage> PageAsync(string? search, bool includeClosed, int page, CancellationToken ct)
    {
        var q = await QueryAsync(search, includeClosed, ct);
        var (total, capped) = await LeadQueries.CountAsync(q, ct);
        page = Math.Max(1, page);
        var skip = (page - 1) * PageSize;
        var rows = await NeverContacted(q).Skip(skip).Take(PageSize).AsNoTracking().ToListAsync(ct);
        if (rows.Count < PageSize)
        {
            // the page reaches the contacted leads: they start after the last never-contacted one
            var neverContacted = rows.Count > 0 ? skip + rows.Count : await NeverContacted(q).CountAsync(ct);
            rows.AddRange(await Contacted(q).Skip(skip + rows.Count - neverContacted).Take(PageSize - rows.Count).AsNoTracking().ToListAsync(ct));
        }
        return new QueuePage(await RowsAsync(rows, ct), total, capped, page, PageSize);
    }

    /// <summary>The lead to work after <paramref name="currentLeadId"/>: the top of the queue, skipping it and leads others reserved.</summary>
    public async Task<int?> NextAsync(int? currentLeadId, CancellationToken ct)
    {
        var q = await QueryAsync(null, includeClosed: false, ct);
        var mine = me.Id;
        q = q.Where(l => l.Id != currentLeadId && (l.ReservedAt == null || l.OwnerId == mine));
        return await NeverContacted(q).Select(l => (int?)l.Id).FirstOrDefaultAsync(ct)
               ?? await Contacted(q).Select(l => (int?)l.Id).FirstOrDefaultAsync(ct);
    }

    public async Task<IReadOnlyList<QueueRow>> RowsAsync(IReadOnlyList<Lead> rows, CancellationToken ct)
    {
        var ids = rows.Select(l => l.Id).ToList();
        var lastIds = await db.Notes.Where(n => ids.Contains(n.LeadId) && n.ParentId == null).GroupBy(n => n.LeadId).Select(g => g.Max(n => n.Id)).ToListAsync(ct);
        var notes = await db.Notes.AsNoTracking().Where(n => lastIds.Contains(n.Id)).ToDictionaryAsync(n => n.LeadId, ct);
        var ownerIds = rows.Where(l => l.OwnerId is not null).Select(l => l.OwnerId!.Value).Distinct().ToList();
        var owners = await db.Users.AsNoTracking().Where(u => ownerIds.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.Name, ct);
        return rows.Select(l => new QueueRow(l, l.OwnerId is { } o ? owners.GetValueOrDefault(o) : null, notes.GetValueOrDefault(l.Id),
            l.ReservedAt is not null && l.OwnerId != me.Id)).ToList();
    }

    public async Task<List<NoteTemplate>> TemplatesAsync(CancellationToken ct) =>
        await db.NoteTemplates.AsNoTracking().OrderBy(t => t.Title).ToListAsync(ct);
}

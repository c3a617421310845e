using Leadline.Activities;
using Leadline.Common.Security;
using Leadline.Data;
using Leadline.Leads;
using Leadline.Notes;
using Microsoft.EntityFrameworkCore;

namespace Leadline.Queue;

public sealed record QueueRow(Lead Lead, string? OwnerName, Note? LastNote, bool ReservedByOther);

public sealed record QueuePage(IReadOnlyList<QueueRow> Rows, int Total, int Page, int PageSize);

/// <summary>Extra lead fields the work queue can show (Settings → Work queue).</summary>
public static class QueueFields
{
    public static readonly IReadOnlyDictionary<string, (string Label, Func<Lead, string?> Value)> All = new Dictionary<string, (string, Func<Lead, string?>)>
    {
        ["company"] = ("Company", l => l.Company),
        ["email"] = ("E-mail", l => l.Email),
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

    private static IOrderedQueryable<Lead> Ordered(IQueryable<Lead> q) =>
        q.OrderBy(l => l.LastActivityAt == null ? 0 : 1).ThenBy(l => l.LastActivityAt).ThenBy(l => l.CreatedAt).ThenBy(l => l.Id);

    public async Task<QueuePage> PageAsync(string? search, bool includeClosed, int page, CancellationToken ct)
    {
        var q = await QueryAsync(search, includeClosed, ct);
        var total = await q.CountAsync(ct);
        page = Math.Max(1, page);
        var rows = await Ordered(q).Skip((page - 1) * PageSize).Take(PageSize).AsNoTracking().ToListAsync(ct);
        return new QueuePage(await RowsAsync(rows, ct), total, page, PageSize);
    }

    /// <summary>The lead to work after <paramref name="currentLeadId"/>: the top of the queue, skipping it and leads others reserved.</summary>
    public async Task<int?> NextAsync(int? currentLeadId, CancellationToken ct)
    {
        var q = await QueryAsync(null, includeClosed: false, ct);
        var mine = me.Id;
        q = q.Where(l => l.Id != currentLeadId && (l.ReservedAt == null || l.OwnerId == mine));
        return await Ordered(q).Select(l => (int?)l.Id).FirstOrDefaultAsync(ct);
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

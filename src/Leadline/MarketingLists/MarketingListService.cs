using Leadline.Common.Api;
using Leadline.Common.Time;
using Leadline.Data;
using Leadline.Leads;
using Microsoft.EntityFrameworkCore;

namespace Leadline.MarketingLists;

public sealed record MarketingListResponse(int Id, string Name, int Members, DateTime CreatedAt);

/// <summary>Marketing lists and their members: one by one, or every lead matching a Leads-page filter.</summary>
public sealed class MarketingListService(LeadlineDb db, LeadQueries queries, TimeProvider time)
{
    private const int Chunk = 2000;

    public async Task<List<MarketingListResponse>> ListAsync(CancellationToken ct)
    {
        var lists = await db.MarketingLists.AsNoTracking().OrderBy(l => l.Name).ToListAsync(ct);
        var counts = await db.MarketingListMembers.GroupBy(m => m.ListId).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count, ct);
        return lists.Select(l => new MarketingListResponse(l.Id, l.Name, counts.GetValueOrDefault(l.Id), l.CreatedAt)).ToList();
    }

    public async Task<Result<MarketingListResponse>> CreateAsync(string? name, CancellationToken ct)
    {
        var trimmed = name?.Trim() ?? "";
        if (trimmed.Length == 0)
            return Result<MarketingListResponse>.Invalid("name", "Give the list a name.");
        if (trimmed.Length > 200)
            return Result<MarketingListResponse>.Invalid("name", "The name must be at most 200 characters.");
        if (new Errors().CheckPlainText("name", trimmed, "The name") is { Any: true } controls)
            return Result<MarketingListResponse>.Invalid(controls);
        if (await db.MarketingLists.AnyAsync(l => l.Name == trimmed, ct))
            return Result<MarketingListResponse>.Invalid("name", $"A list called \"{trimmed}\" already exists.");
        var list = new MarketingList { Name = trimmed };
        db.MarketingLists.Add(list);
        await db.SaveChangesAsync(ct);
        return Result<MarketingListResponse>.Ok(new MarketingListResponse(list.Id, list.Name, 0, list.CreatedAt));
    }

    public async Task<bool> DeleteAsync(int id, CancellationToken ct)
    {
        var list = await db.MarketingLists.FirstOrDefaultAsync(l => l.Id == id, ct);
        if (list is null)
            return false;
        db.MarketingLists.Remove(list);   // members go with it (cascade); the leads stay
        await db.SaveChangesAsync(ct);
        return true;
    }

    /// <summary>Adds leads by id; ids of other workspaces or unknown ids are ignored (never revealed). Returns how many were new.</summary>
    public async Task<int?> AddAsync(int listId, IReadOnlyCollection<int> leadIds, CancellationToken ct)
    {
        if (!await db.MarketingLists.AnyAsync(l => l.Id == listId, ct))
            return null;
        var added = 0;
        foreach (var chunk in leadIds.Distinct().Chunk(Chunk))
        {
            var known = await db.Leads.Where(l => chunk.Contains(l.Id)).Select(l => l.Id).ToListAsync(ct);
            added += await InsertMissingAsync(listId, known, ct);
        }
        return added;
    }

    /// <summary>Adds every lead the filter matches (the Leads page's current view), in chunks by id.</summary>
    public async Task<int?> AddMatchingAsync(int listId, LeadFilter filter, int currentUserId, WorkspaceClock clock, CancellationToken ct)
    {
        if (!await db.MarketingLists.AnyAsync(l => l.Id == listId, ct))
            return null;
        var query = queries.Filter(filter, currentUserId, clock);
        var added = 0;
        var after = 0;
        while (true)
        {
            var last = after;
            var ids = await query.Where(l => l.Id > last).OrderBy(l => l.Id).Select(l => l.Id).Take(Chunk).ToListAsync(ct);
            if (ids.Count == 0)
                break;
            added += await InsertMissingAsync(listId, ids, ct);
            after = ids[^1];
        }
        return added;
    }

    public async Task<bool> RemoveAsync(int listId, int leadId, CancellationToken ct)
    {
        var member = await db.MarketingListMembers.FirstOrDefaultAsync(m => m.ListId == listId && m.LeadId == leadId, ct);
        if (member is null)
            return false;
        db.MarketingListMembers.Remove(member);
        await db.SaveChangesAsync(ct);
        return true;
    }

    public Task<List<MarketingList>> ListsOfLeadAsync(int leadId, CancellationToken ct) =>
        db.MarketingLists.AsNoTracking().Where(l => db.MarketingListMembers.Any(m => m.ListId == l.Id && m.LeadId == leadId)).OrderBy(l => l.Name).ToListAsync(ct);

    private async Task<int> InsertMissingAsync(int listId, IReadOnlyCollection<int> leadIds, CancellationToken ct)
    {
        var present = await db.MarketingListMembers.Where(m => m.ListId == listId && leadIds.Contains(m.LeadId)).Select(m => m.LeadId).ToListAsync(ct);
        var now = time.GetUtcNow().UtcDateTime;
        var missing = leadIds.Except(present).ToList();
        db.MarketingListMembers.AddRange(missing.Select(id => new MarketingListMember { ListId = listId, LeadId = id, AddedAt = now }));
        await db.SaveChangesAsync(ct);
        db.ChangeTracker.Clear();
        return missing.Count;
    }
}

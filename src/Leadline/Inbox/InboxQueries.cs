using System.Globalization;
using Leadline.Common.Api;
using Leadline.Common.Time;
using Leadline.Conversations;
using Leadline.Data;
using Leadline.Leads;
using Microsoft.EntityFrameworkCore;

namespace Leadline.Inbox;

/// <summary>The Inbox's four queues; every lead someone has to act on is in exactly one of them.</summary>
public enum InboxQueueKind
{
    /// <summary>An action due now or overdue (a customer's message makes "reply" due at once), not in recovery.</summary>
    Now,

    /// <summary>An action due later today, in the workspace's time zone.</summary>
    Today,

    /// <summary>An action due after today.</summary>
    Later,

    /// <summary>A customer waiting for a reply past the SLA's due time, or longer than <see cref="InboxQueries.WaitingTooLong"/>.</summary>
    Recovery,
}

/// <summary>The last message of a lead's conversation, as an Inbox row shows it.</summary>
public sealed record LastMessageResponse(long Id, MessageDirection Direction, Channels.ChannelKind? Channel, string? Text, DateTime At);

/// <summary>
/// The Inbox's queues: filters on the lead's next action and on the customer's unanswered wait, each read in order from a
/// partial index that holds only the leads someone has to act on (ix_leads_inbox_action, ix_leads_inbox_waiting, 0033).
/// </summary>
public sealed class InboxQueries(LeadlineDb db)
{
    /// <summary>A customer unanswered this long is in recovery whatever the SLA says (business hours can stretch it over a weekend).</summary>
    public static readonly TimeSpan WaitingTooLong = TimeSpan.FromHours(24);

    public IQueryable<Lead> Queue(InboxQueueKind queue, WorkspaceClock clock)
    {
        var now = clock.UtcNow;
        var tooLong = now - WaitingTooLong;
        var q = db.Leads.AsNoTracking().Where(l => l.ArchivedAt == null);
        if (queue == InboxQueueKind.Recovery)
            return q.Where(l => l.AwaitingReplySince != null && (l.SlaDueAt < now || l.AwaitingReplySince < tooLong));
        var endOfToday = clock.StartOfDayUtc(clock.Today.AddDays(1));
        q = q.Where(l => l.NextActionDueAt != null)
            .Where(l => l.AwaitingReplySince == null || !(l.SlaDueAt < now || l.AwaitingReplySince < tooLong));
        return queue switch
        {
            InboxQueueKind.Now => q.Where(l => l.NextActionDueAt <= now),
            InboxQueueKind.Today => q.Where(l => l.NextActionDueAt > now && l.NextActionDueAt < endOfToday),
            _ => q.Where(l => l.NextActionDueAt >= endOfToday),
        };
    }

    /// <summary>One page: recovery longest-waiting first, the others soonest-due first; keyset on (time, id).</summary>
    public async Task<(List<Lead> Items, string? NextCursor)> PageAsync(InboxQueueKind queue, WorkspaceClock clock, string? cursor, int limit, CancellationToken ct)
    {
        var q = Queue(queue, clock);
        var after = ParseCursor(cursor);
        List<Lead> rows;
        if (queue == InboxQueueKind.Recovery)
        {
            if (after is { } a)
                q = q.Where(l => l.AwaitingReplySince >= a.At).Where(l => l.AwaitingReplySince > a.At || (l.AwaitingReplySince == a.At && l.Id > a.Id));
            rows = await q.OrderBy(l => l.AwaitingReplySince).ThenBy(l => l.Id).Take(limit + 1).ToListAsync(ct);
        }
        else
        {
            if (after is { } a)
                q = q.Where(l => l.NextActionDueAt >= a.At).Where(l => l.NextActionDueAt > a.At || (l.NextActionDueAt == a.At && l.Id > a.Id));
            rows = await q.OrderBy(l => l.NextActionDueAt).ThenBy(l => l.Id).Take(limit + 1).ToListAsync(ct);
        }
        string? next = null;
        if (rows.Count > limit)
        {
            rows.RemoveAt(limit);
            var last = rows[^1];
            var at = (queue == InboxQueueKind.Recovery ? last.AwaitingReplySince : last.NextActionDueAt) ?? DateTime.MinValue;
            next = Cursor.Encode(FormattableString.Invariant($"{at.Ticks}|{last.Id}"));
        }
        return (rows, next);
    }

    public async Task<Dictionary<InboxQueueKind, LeadCount>> CountsAsync(WorkspaceClock clock, CancellationToken ct)
    {
        var counts = new Dictionary<InboxQueueKind, LeadCount>();
        foreach (var queue in Enum.GetValues<InboxQueueKind>())
            counts[queue] = await LeadQueries.CountAsync(Queue(queue, clock), ct);
        return counts;
    }

    /// <summary>The last message of each lead (one query: the newest id per lead through the messages' lead index).</summary>
    public async Task<Dictionary<int, LastMessageResponse>> LastMessagesAsync(IReadOnlyCollection<int> leadIds, CancellationToken ct)
    {
        if (leadIds.Count == 0)
            return [];
        var ids = leadIds.ToList();
        var lastIds = await db.Messages.AsNoTracking().Where(m => ids.Contains(m.LeadId)).GroupBy(m => m.LeadId).Select(g => g.Max(m => m.Id)).ToListAsync(ct);
        return await db.Messages.AsNoTracking().Where(m => lastIds.Contains(m.Id))
            .Select(m => new
            {
                m.LeadId,
                Message = new LastMessageResponse(m.Id, m.Direction, db.Channels.Where(c => c.Id == m.ChannelId).Select(c => (Channels.ChannelKind?)c.Kind).FirstOrDefault(),
                    m.Text ?? m.MediaCaption ?? m.Subject, m.At),
            })
            .ToDictionaryAsync(x => x.LeadId, x => x.Message, ct);
    }

    private static (DateTime At, int Id)? ParseCursor(string? cursor)
    {
        var raw = Cursor.Decode(cursor);
        var parts = raw?.Split('|');
        return parts is [var ticks, var id] && long.TryParse(ticks, CultureInfo.InvariantCulture, out var t) && int.TryParse(id, CultureInfo.InvariantCulture, out var i)
            && t >= DateTime.MinValue.Ticks && t <= DateTime.MaxValue.Ticks
            ? (new DateTime(t, DateTimeKind.Utc), i)
            : null;
    }
}

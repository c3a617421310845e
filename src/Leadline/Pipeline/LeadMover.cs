using Leadline.Common.Api;
using Leadline.Data;
using Leadline.Leads;
using Leadline.Leads.Changes;
using Microsoft.EntityFrameworkCore;

namespace Leadline.Pipeline;

/// <summary>
/// Board moves. Positions are sparse doubles: a move writes only the moved lead (halfway between its new
/// neighbours, found next to the card it was dropped by or at its index); a reorder reuses the positions its leads already hold. Neither renumbers a column: when two
/// neighbours have worn their gap down to nothing (~30 moves into the same spot), the few dozen cards around it are
/// spread out again (<see cref="RespaceAroundAsync"/>). Both run with their columns locked (<see cref="ColumnLock"/>), so
/// concurrent moves and reorders take turns and never read positions another is about to change.
/// </summary>
public sealed class LeadMover(LeadlineDb db, LeadWriter writer, LeadWritePath path, ColumnLock columns)
{
    private const double Gap = 1024;

    // re-spacing a worn gap: the cards on each side of it rewritten first, the spacing they must get at least (room for
    // ~20 more halvings before the next re-spacing), and the window past which the whole column is renumbered instead
    private const int RespaceCards = 8;
    private const double MinSpacing = 1;
    private const int MaxRespaceCards = 1024;

    public async Task<Result<Lead>> MoveAsync(int leadId, MoveRequest request, CancellationToken ct)
    {
        if (request.StageId is not { } stageId)
            return await db.Leads.AnyAsync(l => l.Id == leadId && l.ArchivedAt == null, ct)
                ? Result<Lead>.Invalid("stageId", "Say which stage to move the lead to.")
                : Result<Lead>.Missing();
        if (request.Position is < 0)
            return Result<Lead>.Invalid("position", "Position must be 0 or more.");

        // the column it leaves is locked too: a reorder there must not write a position after the lead has left it
        for (var attempt = 0; ; attempt++)
        {
            var from = await db.Leads.Where(l => l.Id == leadId && l.ArchivedAt == null).Select(l => (int?)l.StageId).FirstOrDefaultAsync(ct);
            if (from is null)
                return Result<Lead>.Missing();
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            await columns.LockAsync([from.Value, stageId], ct);
            var lead = await db.Leads.FirstOrDefaultAsync(l => l.Id == leadId && l.ArchivedAt == null, ct);
            if (lead is null)
                return Result<Lead>.Missing();
            if (lead.StageId != from)   // moved by someone else between the look and the lock: lock its new column instead
            {
                db.ChangeTracker.Clear();
                if (attempt < 3)
                    continue;
                return Result<Lead>.Outdated("Someone moved this lead at the same moment. The board has been refreshed; try again.");
            }
            var result = await MoveLockedAsync(lead, stageId, request, ct);
            if (result.Succeeded)
                await transaction.CommitAsync(ct);
            return result;
        }
    }

    /// <summary>The move itself, with both columns locked: every position it reads stays as read until it commits.</summary>
    private async Task<Result<Lead>> MoveLockedAsync(Lead lead, int stageId, MoveRequest request, CancellationToken ct)
    {
        if (request.Version is { } expected && expected != lead.Version)
            return Result<Lead>.Outdated("The lead was changed by someone else since you loaded the board. It has been refreshed; try again.");

        if (stageId != lead.StageId)
        {
            var errors = await writer.MoveAsync(lead, stageId, request.LostReason, position: lead.Position, ct);   // placed below
            if (errors.Any)
                return Result<Lead>.Invalid(errors);
        }
        lead.Position = await NextToAsync(lead, request, ct)
            ?? (request.Position is { } index ? await PositionAtAsync(lead, index, ct) : await AppendPositionAsync(lead, ct));
        try
        {
            await db.SaveChangesAsync(ct);
            return Result<Lead>.Ok(lead);
        }
        catch (DbUpdateConcurrencyException)
        {
            return Result<Lead>.Outdated("Someone moved or edited this lead at the same moment. The board has been refreshed; try again.");
        }
    }

    /// <summary>The column order becomes exactly <paramref name="request"/>'s list (its leads swap the positions they hold).</summary>
    public async Task<Result<int>> ReorderAsync(ReorderRequest request, CancellationToken ct)
    {
        if (request.StageId is not { } stageId || !await db.Stages.AnyAsync(s => s.Id == stageId, ct))
            return Result<int>.Invalid("stageId", "Unknown stage.");
        var ids = request.LeadIds ?? [];
        if (ids.Count == 0 || ids.Count > 2000 || ids.Distinct().Count() != ids.Count)
            return Result<int>.Invalid("leadIds", "Give between 1 and 2,000 distinct lead ids.");
        // locked before reading the positions it hands round: two reorders (or a move) at once would otherwise mix their slots
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await columns.LockAsync([stageId], ct);
        var rows = await db.Leads.Where(l => ids.Contains(l.Id) && l.ArchivedAt == null).ToListAsync(ct);
        if (rows.Count != ids.Count)
            return Result<int>.Invalid("leadIds", "Some of these leads do not exist.");
        if (rows.FirstOrDefault(l => l.StageId != stageId) is { } stray)
            return Result<int>.Invalid("leadIds", $"Lead {stray.Id} is not in this stage: move it there first.");
        var slots = rows.Select(r => r.Position).Order().ToList();
        if (slots.Distinct().Count() != slots.Count)
        {
            // cards sharing a position (written before moves took turns, or two leads created at once) cannot be told
            // apart by it: spread the column out again first, its order kept
            await RenumberAsync(rows[0].WorkspaceId, stageId, exceptId: 0, ct);
            db.ChangeTracker.Clear();
            rows = await db.Leads.Where(l => ids.Contains(l.Id) && l.ArchivedAt == null).ToListAsync(ct);
            slots = rows.Select(r => r.Position).Order().ToList();
        }
        var byId = rows.ToDictionary(r => r.Id);
        for (var i = 0; i < ids.Count; i++)
            byId[ids[i]].Position = slots[i];
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return Result<int>.Ok(ids.Count);
    }

    private async Task<double> PositionAtAsync(Lead lead, int index, CancellationToken ct)
    {
        var column = Column(lead);
        var neighbours = index == 0
            ? await column.Select(l => (double?)l.Position).Take(1).ToListAsync(ct)
            : await column.Select(l => (double?)l.Position).Skip(index - 1).Take(2).ToListAsync(ct);
        double? before = index == 0 ? null : neighbours.ElementAtOrDefault(0);
        double? after = index == 0 ? neighbours.ElementAtOrDefault(0) : neighbours.ElementAtOrDefault(1);
        if (index > 0 && before is null)   // past the end: append
            return await AppendPositionAsync(lead, ct);
        return await BetweenAsync(lead, before, after, () => Task.FromResult(index), ct);
    }

    /// <summary>
    /// The position between two neighbouring cards (either may be missing at an end of the column): halfway, or when
    /// their gap is worn down to nothing, after re-spacing the cards around the spot's <paramref name="index"/> (asked
    /// for only then).
    /// </summary>
    private async Task<double> BetweenAsync(Lead lead, double? before, double? after, Func<Task<int>> index, CancellationToken ct)
    {
        switch (before, after)
        {
            case (null, null):
                return Gap;
            case (null, { } a):
                return a - Gap;
            case ({ } b, null):
                return b + Gap;
            case ({ } b, { } a) when a - b > 1e-6:
                return (a + b) / 2;
            default:
                var spot = await index();
                return await RespaceAroundAsync(lead, spot, ct) ?? await PositionAtAsync(lead, spot, ct);
        }
    }

    /// <summary>
    /// The position right after <see cref="MoveRequest.AfterLeadId"/> (or right before <see cref="MoveRequest.BeforeLeadId"/>):
    /// two seeks in the board index, however deep in the column that card is, where a position walks every card before
    /// it. Null when neither is given or the card is no longer in the lead's new column (moved meanwhile): the position
    /// decides then.
    /// </summary>
    private async Task<double?> NextToAsync(Lead lead, MoveRequest request, CancellationToken ct)
    {
        var (anchorId, after) = request switch
        {
            { AfterLeadId: { } afterId } => (afterId, true),
            { BeforeLeadId: { } beforeId } => (beforeId, false),
            _ => (0, false),
        };
        if (anchorId == 0 || anchorId == lead.Id)
            return null;
        var anchor = await OtherCards(lead).Where(l => l.Id == anchorId).Select(l => new { l.Position, l.Id }).FirstOrDefaultAsync(ct);
        if (anchor is null)
            return null;
        var (p, id) = (anchor.Position, anchor.Id);
        // the card on the other side of the gap; the plain bound first lets the index seek to it
        var neighbour = after
            ? await OtherCards(lead).Where(l => l.Position >= p).Where(l => l.Position > p || l.Id > id)
                .OrderBy(l => l.Position).ThenBy(l => l.Id).Select(l => (double?)l.Position).FirstOrDefaultAsync(ct)
            : await OtherCards(lead).Where(l => l.Position <= p).Where(l => l.Position < p || l.Id < id)
                .OrderByDescending(l => l.Position).ThenByDescending(l => l.Id).Select(l => (double?)l.Position).FirstOrDefaultAsync(ct);
        // the spot's index (cards before the anchor, and the anchor itself for "after") only for a worn gap
        async Task<int> Spot() => await OtherCards(lead).Where(l => l.Position <= p).CountAsync(l => l.Position < p || l.Id < id, ct) + (after ? 1 : 0);
        return after ? await BetweenAsync(lead, p, neighbour, Spot, ct) : await BetweenAsync(lead, neighbour, p, Spot, ct);
    }

    /// <summary>
    /// The other cards of the lead's (new) column; with pipeline_id too (the stage implies it), so the board index
    /// (ix_leads_board) answers from its entries alone.
    /// </summary>
    private IQueryable<Lead> OtherCards(Lead lead) =>
        db.Leads.Where(l => l.PipelineId == lead.PipelineId && l.StageId == lead.StageId && l.Id != lead.Id && l.ArchivedAt == null);

    private IOrderedQueryable<Lead> Column(Lead lead) => OtherCards(lead).OrderBy(l => l.Position).ThenBy(l => l.Id);

    /// <summary>
    /// Spreads the cards around <paramref name="index"/> evenly between the two cards just outside them (which keep
    /// their positions, as does every other card), widening the window until the spacing is at least
    /// <see cref="MinSpacing"/>, and returns the position between the new neighbours; past <see cref="MaxRespaceCards"/>
    /// the whole column is renumbered (null: walk again). Repeated drops into one spot wear one gap, so this rewrites 16
    /// rows where renumbering a 30,000-card column rewrote them all (and every index entry of each).
    /// </summary>
    private async Task<double?> RespaceAroundAsync(Lead lead, int index, CancellationToken ct)
    {
        for (var half = RespaceCards; half <= MaxRespaceCards; half *= 4)
        {
            // one card before and one after the window are its fixed ends; where the window reaches an end of the
            // column there is none on that side, and the cards there can spread freely
            var skip = Math.Max(0, index - half - 1);
            var take = index - skip + half + 1;
            var cards = await Column(lead).Select(l => new { l.Id, l.Position }).Skip(skip).Take(take).ToListAsync(ct);
            var (first, last) = (skip > 0 ? 1 : 0, cards.Count == take ? cards.Count - 2 : cards.Count - 1);   // the cards that move
            if (last < first || index - skip >= cards.Count)
                break;
            var count = last - first + 1;
            var spacing = first == 1 && last == cards.Count - 2 ? (cards[^1].Position - cards[0].Position) / (count + 1) : Gap;
            if (spacing < MinSpacing)
                continue;
            var origin = first == 1 ? cards[0].Position : last == cards.Count - 2 ? cards[^1].Position - spacing * (count + 1) : 0;
            double At(int c) => c < first || c > last ? cards[c].Position : origin + spacing * (c - first + 1);

            await path.SetPositionsAsync(db, lead.StageId, Enumerable.Range(first, count).Select(c => (cards[c].Id, At(c))).ToList(), ct);
            // the moved lead goes between the cards at index - 1 and index, as they stand now
            return (At(index - 1 - skip) + At(index - skip)) / 2;
        }
        await RenumberAsync(lead.WorkspaceId, lead.StageId, lead.Id, ct);
        return null;
    }

    /// <summary>After the column's last card: one step down the board index from its end, not a walk along the column.</summary>
    private async Task<double> AppendPositionAsync(Lead lead, CancellationToken ct)
    {
        var last = await OtherCards(lead).OrderByDescending(l => l.Position).ThenByDescending(l => l.Id).Select(l => (double?)l.Position).FirstOrDefaultAsync(ct);
        return last is { } b ? b + Gap : Gap;
    }

    /// <summary>Spreads the whole column out again, order kept: versions stay (nobody's edit is made stale by it).</summary>
    private Task RenumberAsync(int workspaceId, int stageId, int exceptId, CancellationToken ct) =>
        path.RenumberColumnAsync(db, stageId, exceptId, Gap, ct);
}

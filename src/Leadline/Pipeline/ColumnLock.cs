using Leadline.Data;
using Microsoft.EntityFrameworkCore;

namespace Leadline.Pipeline;

/// <summary>
/// Serialises the changes to a board column's order: a move or reorder reads positions and writes new ones from them,
/// and two of them interleaved hand out the same position twice or mix their orders.
/// </summary>
public sealed class ColumnLock(LeadlineDb db)
{
    /// <summary>
    /// Locks the stages' rows until the current transaction ends (in id order, so two callers never wait for each other).
    /// PostgreSQL: <c>FOR UPDATE</c>. SQLite: EF's transactions there begin IMMEDIATE, taking the single write lock
    /// before the first read, which already serialises every writer.
    /// </summary>
    public async Task LockAsync(IEnumerable<int> stageIds, CancellationToken ct)
    {
        if (db.Database.CurrentTransaction is null)
            throw new InvalidOperationException("A column lock lasts as long as a transaction: begin one first.");
        if (!db.Database.IsNpgsql())
            return;
        var ids = stageIds.Distinct().Order().ToArray();
        await db.Database.ExecuteSqlInterpolatedAsync(
            $"SELECT id FROM stages WHERE workspace_id = {db.CurrentWorkspaceId} AND id = ANY({ids}) ORDER BY id FOR UPDATE", ct);
    }
}

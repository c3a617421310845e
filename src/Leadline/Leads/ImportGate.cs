using System.Collections.Concurrent;
using Leadline.Data;
using Microsoft.EntityFrameworkCore;

namespace Leadline.Leads;

/// <summary>
/// One duplicate-checking import at a time per workspace. An import checks a batch against the leads already there and
/// writes it later; two imports of the same file at once each checked before the other wrote, and both created every
/// row. The second now waits, and its check sees what the first created.
/// PostgreSQL: a session advisory lock on the import's connection (held across its batches' transactions, and across
/// app instances). SQLite: a lock in this process, which is the only one serving the file.
/// </summary>
public sealed class ImportGate
{
    private const int PostgresLockKey = 0x4c6c4970; // "LlIp"; the second key is the workspace

    private readonly ConcurrentDictionary<(string?, int), SemaphoreSlim> _sqlite = new();

    /// <summary>Waits for the workspace's turn; disposing the result lets the next import in.</summary>
    public async Task<IAsyncDisposable> EnterAsync(LeadlineDb db, CancellationToken ct)
    {
        var workspace = db.CurrentWorkspaceId;
        if (db.Database.IsNpgsql())
        {
            await db.Database.OpenConnectionAsync(ct);   // the lock belongs to this connection: keep it open until released
            await db.Database.ExecuteSqlInterpolatedAsync($"SELECT pg_advisory_lock({PostgresLockKey}, {workspace})", ct);
            return new Release(async () =>
            {
                try
                {
                    await db.Database.ExecuteSqlInterpolatedAsync($"SELECT pg_advisory_unlock({PostgresLockKey}, {workspace})", CancellationToken.None);
                }
                finally
                {
                    await db.Database.CloseConnectionAsync();   // a broken connection has let go of the lock already
                }
            });
        }
        var gate = _sqlite.GetOrAdd((db.Database.GetConnectionString(), workspace), _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(ct);
        return new Release(() =>
        {
            gate.Release();
            return Task.CompletedTask;
        });
    }

    private sealed class Release(Func<Task> release) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync() => await release();
    }
}

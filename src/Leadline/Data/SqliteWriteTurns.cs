using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Leadline.Data;

/// <summary>
/// SQLite has one writer at a time, and EF begins its transactions there IMMEDIATE (holding the write lock from BEGIN).
/// The transactions of this instance take turns here, in the order they asked and waiting without a thread, instead of
/// meeting in SQLite's busy handler, which sleeps between tries and is not fair: a stream of the webhook worker's short
/// transactions held a waiting batch of webhook acknowledgements off for seconds. A turn is given back when the
/// transaction commits, rolls back or fails, and at the latest when its connection closes (a transaction disposed
/// unfinished). Whoever waits longer than the command timeout goes on without a turn (SQLite's own wait decides, as
/// before), so two transactions nested in one flow cannot hang. Another process on the file (a command) still meets
/// this one in SQLite's busy handler (<see cref="SqliteBusyTimeout"/>). Not used on PostgreSQL, which has many writers.
/// </summary>
public sealed class SqliteWriteTurns(ILogger<SqliteWriteTurns> log) : IDisposable
{
    private readonly SemaphoreSlim _turn = new(1, 1);
    private readonly ConditionalWeakTable<object, Held> _held = [];

    /// <summary>True when no transaction of this instance holds the turn (tests).</summary>
    public bool IsFree => _turn.CurrentCount == 1;

    internal async ValueTask EnterAsync(DbConnection connection, CancellationToken ct)
    {
        if (await _turn.WaitAsync(Patience(connection), ct))
            _held.AddOrUpdate(connection, new Held());
        else
            TookTooLong();
    }

    internal void Enter(DbConnection connection)
    {
        if (_turn.Wait(Patience(connection)))
            _held.AddOrUpdate(connection, new Held());
        else
            TookTooLong();
    }

    // a transaction begun while another of the same flow is open waits for itself: SQLite's busy handler then decides, as before
    private void TookTooLong() => log.LogWarning("A SQLite transaction waited a command timeout for its turn to write; it goes on without one");

    /// <summary>The transaction begun on <paramref name="connection"/> holds its turn (the connection is gone from it once it commits).</summary>
    internal void Begun(DbConnection connection, DbTransaction transaction)
    {
        if (_held.TryGetValue(connection, out var held))
            _held.AddOrUpdate(transaction, held);
    }

    /// <summary>Gives back the turn <paramref name="owner"/> (a transaction or its connection) holds, once.</summary>
    internal void Leave(object? owner)
    {
        if (owner is null || !_held.TryGetValue(owner, out var held))
            return;
        _held.Remove(owner);
        if (Interlocked.Exchange(ref held.Released, 1) == 0)
            _turn.Release();
    }

    public void Dispose() => _turn.Dispose();

    private static TimeSpan Patience(DbConnection connection) =>
        TimeSpan.FromSeconds(connection is Microsoft.Data.Sqlite.SqliteConnection { DefaultTimeout: > 0 } sqlite ? sqlite.DefaultTimeout : 30);

    private sealed class Held
    {
        public int Released;
    }
}

/// <summary>Takes and gives back <see cref="SqliteWriteTurns"/> around EF's transactions on SQLite.</summary>
internal sealed class SqliteWriteTurnInterceptor(SqliteWriteTurns turns) : IDbTransactionInterceptor, IDbConnectionInterceptor
{
    public InterceptionResult<DbTransaction> TransactionStarting(DbConnection connection, TransactionStartingEventData eventData, InterceptionResult<DbTransaction> result)
    {
        turns.Enter(connection);
        return result;
    }

    public async ValueTask<InterceptionResult<DbTransaction>> TransactionStartingAsync(DbConnection connection, TransactionStartingEventData eventData,
        InterceptionResult<DbTransaction> result, CancellationToken cancellationToken = default)
    {
        await turns.EnterAsync(connection, cancellationToken);
        return result;
    }

    public DbTransaction TransactionStarted(DbConnection connection, TransactionEndEventData eventData, DbTransaction result)
    {
        turns.Begun(connection, result);
        return result;
    }

    public ValueTask<DbTransaction> TransactionStartedAsync(DbConnection connection, TransactionEndEventData eventData, DbTransaction result,
        CancellationToken cancellationToken = default) => ValueTask.FromResult(TransactionStarted(connection, eventData, result));

    public void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) => turns.Leave(transaction);

    public Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        TransactionCommitted(transaction, eventData);
        return Task.CompletedTask;
    }

    public void TransactionRolledBack(DbTransaction transaction, TransactionEndEventData eventData) => turns.Leave(transaction);

    public Task TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        TransactionRolledBack(transaction, eventData);
        return Task.CompletedTask;
    }

    public void TransactionFailed(DbTransaction transaction, TransactionErrorEventData eventData) => turns.Leave(transaction);

    public Task TransactionFailedAsync(DbTransaction transaction, TransactionErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        TransactionFailed(transaction, eventData);
        return Task.CompletedTask;
    }

    public void ConnectionClosed(DbConnection connection, ConnectionEndEventData eventData) => turns.Leave(connection);

    public Task ConnectionClosedAsync(DbConnection connection, ConnectionEndEventData eventData)
    {
        turns.Leave(connection);
        return Task.CompletedTask;
    }

    public void ConnectionDisposed(DbConnection connection, ConnectionEndEventData eventData) => turns.Leave(connection);

    public Task ConnectionDisposedAsync(DbConnection connection, ConnectionEndEventData eventData)
    {
        turns.Leave(connection);
        return Task.CompletedTask;
    }
}

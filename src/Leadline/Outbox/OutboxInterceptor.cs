using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Leadline.Outbox;

/// <summary>
/// Wakes the dispatcher when a save queued an outbox message, once it is committed: right after SaveChanges when it ran
/// in its own transaction, after the commit when the caller holds one (a dispatcher woken earlier would not see it yet).
/// </summary>
internal sealed class OutboxInterceptor(OutboxWakeSignal wake) : SaveChangesInterceptor, IDbTransactionInterceptor
{
    private bool _queued;
    private bool _awaitingCommit;

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        Note(eventData.Context);
        return result;
    }

    public override ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Note(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public override int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        Saved(eventData.Context);
        return result;
    }

    public override ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        Saved(eventData.Context);
        return ValueTask.FromResult(result);
    }

    private void Note(DbContext? context) =>
        _queued = context?.ChangeTracker.Entries<OutboxMessage>().Any(e => e.State == EntityState.Added) == true;

    private void Saved(DbContext? context)
    {
        if (!_queued)
            return;
        _queued = false;
        if (context?.Database.CurrentTransaction is null)
            wake.Notify();
        else
            _awaitingCommit = true;
    }

    public void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) => Committed();

    public Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Committed();
        return Task.CompletedTask;
    }

    public void TransactionRolledBack(DbTransaction transaction, TransactionEndEventData eventData) => _awaitingCommit = false;

    public Task TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        _awaitingCommit = false;
        return Task.CompletedTask;
    }

    private void Committed()
    {
        if (_awaitingCommit)
        {
            _awaitingCommit = false;
            wake.Notify();
        }
    }
}

using Leadline.Common.Live;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Leadline.Leads;

/// <summary>
/// After any saved change to leads, tells every open board and list of that workspace ("leads-changed" with the
/// lead ids, or "*" for a bulk change), so pages refresh without reload. One place, like the history. Inside an explicit
/// transaction (a board move holds its column's lock) the event waits for the commit: a board that reloads on it must see
/// the change, not the snapshot before it.
/// </summary>
public sealed class LeadChangeNotifier(ILiveEventBus bus, ILogger<LeadChangeNotifier> log) : SaveChangesInterceptor, IDbTransactionInterceptor
{
    private const int MaxIds = 20;
    private readonly Dictionary<int, HashSet<int>> _pending = [];
    private readonly List<Lead> _added = [];
    private bool _saving;   // SaveChanges commits a transaction of its own before the new leads have their ids

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        _saving = true;
        Collect(eventData.Context);
        return result;
    }

    public override ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        _saving = true;
        Collect(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public override async ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        _saving = false;
        if (eventData.Context?.Database.CurrentTransaction is null)
            await PublishAsync(cancellationToken);
        return result;
    }

    public override int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        _saving = false;
        if (eventData.Context?.Database.CurrentTransaction is null)
            PublishAsync(CancellationToken.None).GetAwaiter().GetResult();
        return result;
    }

    public override void SaveChangesFailed(DbContextErrorEventData eventData)
    {
        _saving = false;
        if (eventData.Context?.Database.CurrentTransaction is null)
            Forget();
    }

    public Task TransactionCommittedAsync(System.Data.Common.DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default) =>
        _saving ? Task.CompletedTask : PublishAsync(cancellationToken);

    public void TransactionCommitted(System.Data.Common.DbTransaction transaction, TransactionEndEventData eventData)
    {
        if (!_saving)
            PublishAsync(CancellationToken.None).GetAwaiter().GetResult();
    }

    public Task TransactionRolledBackAsync(System.Data.Common.DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        if (!_saving)
            Forget();
        return Task.CompletedTask;
    }

    public void TransactionRolledBack(System.Data.Common.DbTransaction transaction, TransactionEndEventData eventData)
    {
        if (!_saving)
            Forget();
    }

    private void Forget()
    {
        _pending.Clear();
        _added.Clear();
    }

    /// <summary>The same event for leads written without SaveChanges (the import's bulk insert), published at once.</summary>
    public async Task PublishAsync(int workspaceId, IEnumerable<int> ids, CancellationToken ct)
    {
        if (!_pending.TryGetValue(workspaceId, out var pending))
            _pending[workspaceId] = pending = [];
        pending.UnionWith(ids);
        await PublishAsync(ct);
    }

    /// <summary>"Any lead may have changed" ("*"), for a bulk SQL update whose lead ids were never loaded.</summary>
    public Task PublishBulkAsync(int workspaceId, CancellationToken ct) => SendAsync(workspaceId, "*", ct);

    private void Collect(DbContext? context)
    {
        if (context is null)
            return;
        foreach (var entry in context.ChangeTracker.Entries<Lead>())
        {
            if (entry.State is not (EntityState.Added or EntityState.Modified or EntityState.Deleted))
                continue;
            if (!_pending.TryGetValue(entry.Entity.WorkspaceId, out var ids))
                _pending[entry.Entity.WorkspaceId] = ids = [];
            if (entry.State == EntityState.Added)
                _added.Add(entry.Entity);   // ids are known only after the save
            else
                ids.Add(entry.Entity.Id);
        }
    }

    private async Task PublishAsync(CancellationToken ct)
    {
        foreach (var lead in _added)
            _pending[lead.WorkspaceId].Add(lead.Id);
        _added.Clear();
        foreach (var (workspaceId, ids) in _pending)
            await SendAsync(workspaceId, ids.Count > MaxIds ? "*" : string.Join(",", ids), ct);
        _pending.Clear();
    }

    private async Task SendAsync(int workspaceId, string data, CancellationToken ct)
    {
        try
        {
            await bus.PublishAsync(new LiveEvent(workspaceId, "leads-changed", data), ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // the change is saved; a missed live refresh is not worth failing the request for
            log.LogWarning(ex, "Could not publish a live update for workspace {Workspace}", workspaceId);
        }
    }
}

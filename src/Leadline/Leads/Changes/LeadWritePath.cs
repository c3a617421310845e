using Leadline.Common.Security;
using Leadline.Data;
using Leadline.Pipeline;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;

namespace Leadline.Leads.Changes;

/// <summary>
/// The one way lead rows change. Every EF save of leads is turned into typed <see cref="LeadChange"/>s (from the change
/// tracker's diff and the lead's intent methods) inside its transaction; the set-based writes that cannot go through the
/// change tracker (bulk inserts, a stage's new category, re-spacing a board column) are methods here that raise batch
/// changes. Either way the same <see cref="ILeadReaction"/>s run, phase by phase, and the Publish phase runs after commit.
/// </summary>
public sealed class LeadWritePath(IEnumerable<ILeadReaction> reactions, CurrentUser user, TimeProvider clock)
    : SaveChangesInterceptor, IDbTransactionInterceptor
{
    private readonly ILeadReaction[] _reactions = [.. reactions.OrderBy(r => r.Phase)];
    private readonly List<LeadChange> _pending = [];
    private bool _saving;   // SaveChanges commits a transaction of its own before the new leads have their ids

    /// <summary>The path a context saves through: a context without it could write leads that no reaction saw.</summary>
    public static LeadWritePath Of(DbContext db) =>
        db.GetService<IDbContextOptions>().FindExtension<CoreOptionsExtension>()?.Interceptors?.OfType<LeadWritePath>().FirstOrDefault()
        ?? throw new InvalidOperationException("This context was built without the lead write path (LeadsFeature registers it).");

    public (int? Id, string Name) Who => user.IsAuthenticated ? (user.Id, user.Name) : (null, "System");

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result) =>
        SavingChangesAsync(eventData, result).AsTask().GetAwaiter().GetResult();

    public override async ValueTask<InterceptionResult<int>> SavingChangesAsync(
        DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        _saving = true;
        if (eventData.Context is not { } context)
            return result;
        var entries = context.ChangeTracker.Entries<Lead>().Where(e => e.State is EntityState.Added or EntityState.Modified || e.Entity.Intents.Count > 0).ToList();
        if (entries.Count == 0)
            return result;
        var now = clock.GetUtcNow().UtcDateTime;
        var (userId, userName) = Who;
        var changes = Diff(entries);
        // derived fields first; the others then see the diff including them
        foreach (var reaction in _reactions.Where(r => r.Phase == LeadReactionPhase.Derive))
            await reaction.OnSavingAsync(new LeadChangeSet(context, changes, now, userId, userName), cancellationToken);
        changes = Diff(entries);
        foreach (var changed in changes.OfType<LeadFieldsChanged>())
            if (context.Entry(changed.Lead).State == EntityState.Modified)
                changed.Lead.Version++;   // the ETag moves with any change a person can read
        var set = new LeadChangeSet(context, changes, now, userId, userName);
        foreach (var reaction in _reactions.Where(r => r.Phase is not LeadReactionPhase.Derive))
            await reaction.OnSavingAsync(set, cancellationToken);
        _pending.AddRange(changes);
        return result;
    }

    /// <summary>The typed changes of the tracked leads, plus what their intent methods raised.</summary>
    private static List<LeadChange> Diff(List<EntityEntry<Lead>> entries)
    {
        var changes = new List<LeadChange>();
        foreach (var entry in entries)
        {
            var lead = entry.Entity;
            if (entry.State == EntityState.Added)
            {
                changes.Add(new LeadCreated(lead));
                changes.AddRange(lead.Intents);
                continue;
            }
            var fields = new List<FieldChange>();
            foreach (var property in entry.Properties)
            {
                if (!property.IsModified || LeadChangeSet.Bookkeeping.Contains(property.Metadata.Name) || SameValue(property.OriginalValue, property.CurrentValue))
                    continue;
                fields.Add(new FieldChange(property.Metadata.Name, property.OriginalValue, property.CurrentValue));
            }
            if (fields.Count > 0)
                changes.Add(new LeadFieldsChanged(lead, fields));
            if (entry.Property(l => l.StageId) is { IsModified: true } stage && stage.OriginalValue != stage.CurrentValue)
                changes.Add(new LeadStageChanged(lead, stage.OriginalValue, entry.Property(l => l.Status).OriginalValue));
            if (entry.Property(l => l.OwnerId) is { IsModified: true } owner && owner.OriginalValue != owner.CurrentValue)
                changes.Add(new LeadOwnerChanged(lead, owner.OriginalValue));
            if (entry.Property(l => l.ArchivedAt) is { IsModified: true } archived && (archived.OriginalValue is null) != (archived.CurrentValue is null))
                changes.Add(archived.CurrentValue is null ? new LeadRestored(lead) : new LeadArchived(lead));
            if (entry.Property(l => l.LastActivityAt) is { IsModified: true } activity && activity.CurrentValue is { } at && activity.OriginalValue != at)
                changes.Add(new LeadInteracted(lead, at));
            if (fields.Count == 0 && entry.Property(l => l.Position).IsModified)
                changes.Add(new LeadRepositioned(lead));
            changes.AddRange(lead.Intents);
        }
        return changes;
    }

    private static bool SameValue(object? a, object? b) => a switch
    {
        null => b is null,
        IEnumerable<string> list when b is IEnumerable<string> other => list.SequenceEqual(other, StringComparer.Ordinal),
        _ => a.Equals(b),
    };

    public override async ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        _saving = false;
        ForgetIntents(eventData.Context);
        if (eventData.Context?.Database.CurrentTransaction is null)
            await CommittedAsync(cancellationToken);
        return result;
    }

    public override int SavedChanges(SaveChangesCompletedEventData eventData, int result) =>
        SavedChangesAsync(eventData, result).AsTask().GetAwaiter().GetResult();

    public override void SaveChangesFailed(DbContextErrorEventData eventData)
    {
        _saving = false;
        if (eventData.Context?.Database.CurrentTransaction is null)
            _pending.Clear();
    }

    public override Task SaveChangesFailedAsync(DbContextErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        SaveChangesFailed(eventData);
        return Task.CompletedTask;
    }

    private static void ForgetIntents(DbContext? context)
    {
        foreach (var entry in context?.ChangeTracker.Entries<Lead>() ?? [])
            entry.Entity.Intents.Clear();
    }

    public async Task TransactionCommittedAsync(System.Data.Common.DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        if (!_saving)
            await CommittedAsync(cancellationToken);
    }

    public void TransactionCommitted(System.Data.Common.DbTransaction transaction, TransactionEndEventData eventData) =>
        TransactionCommittedAsync(transaction, eventData).GetAwaiter().GetResult();

    public Task TransactionRolledBackAsync(System.Data.Common.DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        if (!_saving)
            _pending.Clear();
        return Task.CompletedTask;
    }

    public void TransactionRolledBack(System.Data.Common.DbTransaction transaction, TransactionEndEventData eventData) =>
        TransactionRolledBackAsync(transaction, eventData).GetAwaiter().GetResult();

    private async Task CommittedAsync(CancellationToken ct)
    {
        if (_pending.Count == 0)
            return;
        var committed = _pending.ToList();
        _pending.Clear();
        foreach (var reaction in _reactions)
            await reaction.OnCommittedAsync(committed, ct);
    }

    /// <summary>
    /// Bulk inserts (<see cref="LeadBulkWriter"/>): the reactions set the new leads' derived fields and add the rows to write
    /// beside them; after the transaction commits they hear of it like any other change.
    /// </summary>
    internal async Task<BulkRows> BeforeBulkInsertAsync(LeadsCreatedInBulk change, DbContext db, CancellationToken ct)
    {
        var rows = new BulkRows();
        foreach (var reaction in _reactions)
            await reaction.OnBulkInsertAsync(change, rows, db, ct);
        _pending.Add(change);
        return rows;
    }

    /// <summary>
    /// A stage's new category for every lead in it, in one UPDATE (a stage may hold a hundred thousand): the status, a new
    /// version (a client holding the old status gets 412), and whatever the reactions derive from it (lead flow, closed time).
    /// Runs in the caller's transaction; returns the number of leads.
    /// </summary>
    public async Task<int> RecategoriseAsync(LeadlineDb db, int stageId, StageCategory from, StageCategory to, CancellationToken ct)
    {
        var change = new LeadsRecategorised(db.CurrentWorkspaceId, stageId, from, to, clock.GetUtcNow().UtcDateTime);
        var count = await db.Leads.Where(l => l.StageId == stageId).ExecuteUpdateAsync(set =>
        {
            set.SetProperty(l => l.Status, to).SetProperty(l => l.Version, l => l.Version + 1).SetProperty(l => l.UpdatedAt, change.At);
            foreach (var reaction in _reactions)
                reaction.OnBulkUpdate(change, set);
        }, ct);
        if (count > 0)
            _pending.Add(change);
        return count;
    }

    /// <summary>New board positions for some cards of a column, in one UPDATE (positions only: no version, no history).</summary>
    public async Task SetPositionsAsync(LeadlineDb db, int stageId, IReadOnlyList<(int LeadId, double Position)> positions, CancellationToken ct)
    {
        // ids (integers read from the database) inline, the new positions as parameters {0}..{n-1}, the workspace as {n}
        var sql = $"UPDATE leads SET position = CASE id {string.Concat(positions.Select((p, i) => $"WHEN {p.LeadId} THEN {{{i}}} "))}END "
            + $"WHERE workspace_id = {{{positions.Count}}} AND id IN ({string.Join(", ", positions.Select(p => p.LeadId))})";
        await db.Database.ExecuteSqlRawAsync(sql, positions.Select(p => (object)p.Position).Append(db.CurrentWorkspaceId), ct);
        _pending.Add(new ColumnRespaced(db.CurrentWorkspaceId, stageId));
    }

    /// <summary>
    /// Spreads a whole column out again (the Nth card at N × <paramref name="gap"/>, order kept) in one set-based UPDATE:
    /// a column of 30,000 leads loaded and saved through the change tracker took seconds. Position only.
    /// </summary>
    public async Task RenumberColumnAsync(LeadlineDb db, int stageId, int exceptLeadId, double gap, CancellationToken ct)
    {
        var workspaceId = db.CurrentWorkspaceId;
        await db.Database.ExecuteSqlInterpolatedAsync($"""
            UPDATE leads SET position = r.rn * {gap}
            FROM (SELECT id, row_number() OVER (ORDER BY position, id) AS rn FROM leads
                  WHERE workspace_id = {workspaceId} AND stage_id = {stageId} AND id <> {exceptLeadId}) AS r
            WHERE leads.id = r.id
            """, ct);
        _pending.Add(new ColumnRespaced(workspaceId, stageId));
    }
}

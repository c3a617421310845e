using System.Text.Json;
using Leadline.Common.Time;
using Leadline.Workspaces;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;

namespace Leadline.Leads.Bulk;

/// <summary>Running an action: batch after batch from where it stands, each in its own transaction.</summary>
public sealed partial class BulkActions
{
    /// <summary>
    /// Runs an action from where it stands (<see cref="BulkAction.LastLeadId"/>) to the end, a batch per transaction. Runs
    /// as its user: in their request, or in the worker's scope signed in as them. A failure marks the action failed with
    /// what was committed; a shutdown leaves it running for another instance to resume once its heartbeat is stale.
    /// </summary>
    public async Task RunAsync(int id, CancellationToken ct)
    {
        try
        {
            var action = await db.BulkActions.AsNoTracking().FirstAsync(a => a.Id == id, ct);
            var run = await PrepareAsync(action, ct);
            while (true)
            {
                var ids = await NextIdsAsync(action, run, ct);
                if (ids.Count == 0)
                    break;
                if (await BatchAsync(id, ids, run, ct) is not { } next)
                    return;   // cancelled, or taken over by another instance (BatchAsync said which)
                action = next;
            }
            var now = time.GetUtcNow().UtcDateTime;
            await db.BulkActions.Where(a => a.Id == id && a.Instance == Instance && a.Status == BulkActionStatus.Running).ExecuteUpdateAsync(s => s
                .SetProperty(a => a.Status, BulkActionStatus.Completed).SetProperty(a => a.FinishedAt, now).SetProperty(a => a.HeartbeatAt, now), ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            log.LogError(ex, "Bulk action {BulkActionId} failed", id);
            db.ChangeTracker.Clear();
            var now = time.GetUtcNow().UtcDateTime;
            var message = ex.Message.Length > 1000 ? ex.Message[..1000] : ex.Message;
            await db.BulkActions.Where(a => a.Id == id && a.Status != BulkActionStatus.Cancelled).ExecuteUpdateAsync(s => s
                .SetProperty(a => a.Status, BulkActionStatus.Failed).SetProperty(a => a.Error, message).SetProperty(a => a.FinishedAt, now), CancellationToken.None);
        }
    }

    /// <summary>What every batch of one run needs: the workspace, the writer's look-ups, the parameters, the selection.</summary>
    private sealed record Run(
        BulkAction Action, BulkActionKind Kind, BulkParameters Parameters, Workspace Workspace, LeadWriteLookups Lookups, WorkspaceClock Clock,
        List<int>? Ids, LeadFilter? Filter);

    private async Task<Run> PrepareAsync(BulkAction action, CancellationToken ct)
    {
        var kind = action.Kind;
        if (action.UndoOfId is { } undoOf)
            kind = (await db.BulkActions.AsNoTracking().FirstAsync(a => a.Id == undoOf, ct)).Kind;
        LeadFilter? filter = null;
        if (action.Filter is not null)
        {
            var (parsed, errors) = LeadFilter.Parse(new QueryCollection(QueryHelpers.ParseQuery(action.Filter)));
            if (errors.Any)
                throw new InvalidOperationException("The stored filter no longer reads: " + string.Join(" ", errors.All));
            filter = parsed;
        }
        return new Run(action, kind, JsonSerializer.Deserialize<BulkParameters>(action.Parameters, Json) ?? new BulkParameters(),
            await leads.WorkspaceAsync(ct), await writer.LookupsAsync(ct), await leads.ClockAsync(ct),
            action.LeadIds is null ? null : JsonSerializer.Deserialize<List<int>>(action.LeadIds, Json), filter);
    }

    private async Task<List<int>> NextIdsAsync(BulkAction action, Run run, CancellationToken ct)
    {
        var last = action.LastLeadId;
        var size = Math.Max(1, options.Value.BatchSize);
        if (action.UndoOfId is { } undoOf)
            return await db.BulkActionLeads.Where(r => r.ActionId == undoOf && r.LeadId > last).OrderBy(r => r.LeadId).Select(r => r.LeadId).Take(size).ToListAsync(ct);
        if (run.Ids is { } ids)
            return ids.Where(i => i > last).Take(size).ToList();
        // in id order from where the last batch ended: a lead the action takes out of the filter is not skipped or met twice
        return await queries.Filter(run.Filter!, action.UserId, run.Clock).Where(l => l.Id > last).OrderBy(l => l.Id).Select(l => l.Id).Take(size).ToListAsync(ct);
    }

    /// <summary>
    /// One batch in one transaction: the leads, their undo records and the action's counters commit together. Null when
    /// the action was cancelled, or another instance claimed it meanwhile (its heartbeat, a concurrency token, moved): the
    /// batch is not applied.
    /// </summary>
    private async Task<BulkAction?> BatchAsync(int id, List<int> ids, Run run, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            db.ChangeTracker.Clear();
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            try
            {
                var action = await db.BulkActions.FirstAsync(a => a.Id == id, ct);
                if (action.Status == BulkActionStatus.Cancelled)
                    return null;
                if (action.Instance != Instance)
                {
                    log.LogWarning("Bulk action {BulkActionId} was taken over by another instance (this one's heartbeat was late); it carries on there", id);
                    return null;
                }
                var found = await db.Leads.Where(l => ids.Contains(l.Id)).ToDictionaryAsync(l => l.Id, ct);
                var undoRows = action.UndoOfId is { } undoOf
                    ? await db.BulkActionLeads.AsNoTracking().Where(r => r.ActionId == undoOf && ids.Contains(r.LeadId)).ToDictionaryAsync(r => r.LeadId, ct)
                    : null;
                var members = await MembersAsync(run, ids, undoRows, ct);
                var refusals = JsonSerializer.Deserialize<Dictionary<string, int>>(action.Refusals, Json) ?? [];
                var changed = new List<(Lead Lead, BulkBefore Before)>();
                var unchanged = 0;
                foreach (var leadId in ids)
                {
                    var outcome = found.TryGetValue(leadId, out var lead) && lead.MergedIntoId is null
                        ? await ApplyAsync(lead, run, undoRows?.GetValueOrDefault(leadId), members, ct)
                        : Outcome.Refuse(NotFound);
                    if (outcome.Refusal is { } reason)
                        refusals[reason] = refusals.GetValueOrDefault(reason) + 1;
                    else if (outcome.Before is { } before)
                        changed.Add((lead!, before));
                    else
                        unchanged++;
                }
                await db.SaveChangesAsync(ct);
                if (action.UndoOfId is null)
                {
                    // the versions after the save: an undo refuses a lead whose version moved on
                    foreach (var (lead, before) in changed)
                        db.BulkActionLeads.Add(new BulkActionLead
                        {
                            WorkspaceId = action.WorkspaceId, ActionId = id, LeadId = lead.Id, Before = JsonSerializer.Serialize(before, Json), VersionAfter = lead.Version,
                        });
                }
                action.Processed += ids.Count;
                action.Changed += changed.Count;
                action.Unchanged += unchanged;
                action.Refused = refusals.Values.Sum();
                action.Refusals = JsonSerializer.Serialize(refusals, Json);
                action.LastLeadId = ids[^1];
                action.HeartbeatAt = time.GetUtcNow().UtcDateTime;
                await db.SaveChangesAsync(ct);
                await tx.CommitAsync(ct);
                db.ChangeTracker.Clear();
                return action;
            }
            catch (DbUpdateConcurrencyException) when (attempt < 3)
            {
                // a lead of the batch was saved by someone else meanwhile: the whole batch again, on fresh rows
                await tx.RollbackAsync(ct);
            }
        }
    }
}

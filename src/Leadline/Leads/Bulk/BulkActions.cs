using System.Text.Json;
using Leadline.Common;
using Leadline.Common.Api;
using Leadline.Common.Security;
using Leadline.Common.Time;
using Leadline.Data;
using Leadline.MarketingLists;
using Leadline.Pipeline;
using Leadline.Workspaces;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Leadline.Leads.Bulk;

public sealed class BulkActionOptions
{
    /// <summary>Selections of at most this many ids run at once, in the request; larger ones and "all matching" run as a job.</summary>
    public int SyncLimit { get; set; } = 500;

    /// <summary>Leads loaded, changed and saved per transaction.</summary>
    public int BatchSize { get; set; } = 200;
}

public sealed record BulkRefusal(string Reason, int Count);

/// <summary>A bulk action as the API and the page show it.</summary>
public sealed record BulkActionResponse(
    int Id, string Action, string Status, int Total, int Processed, int Changed, int Unchanged, int Refused, IReadOnlyList<BulkRefusal> Refusals,
    string Summary, int? UndoOf, int? UndoneBy, bool CanUndo, string? Error, DateTime CreatedAt, DateTime? FinishedAt);

/// <summary>
/// Bulk actions on selected leads: assign owner, move to a stage, add or remove a tag, add to a marketing list, archive,
/// and the undo of any of them. Every lead goes through the lead write path (<see cref="LeadWriter"/>, tracked entities,
/// SaveChanges: history, lead flow, match keys and live events come with it), a batch per transaction, and the permission
/// table is asked per lead: a refused lead is counted with its reason and left exactly as it was.
/// </summary>
public sealed class BulkActions(
    LeadlineDb db, LeadWriter writer, LeadService leads, LeadQueries queries, CurrentUser me, TimeProvider time,
    BulkActionSignal signal, IOptions<BulkActionOptions> options, ILogger<BulkActions> log)
{
    /// <summary>Ids sent in one request at most; a larger selection is a filter.</summary>
    public const int MaxIds = 10_000;

    /// <summary>This process, as <see cref="BulkAction.Instance"/> names it.</summary>
    public static readonly string Instance = Guid.NewGuid().ToString("N");

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private const string NotFound = "no longer exist";
    private const string ChangedSince = "changed since, left as they are";

    public static readonly IReadOnlyDictionary<string, BulkActionKind> ApiNames = new Dictionary<string, BulkActionKind>(StringComparer.OrdinalIgnoreCase)
    {
        ["assignOwner"] = BulkActionKind.AssignOwner,
        ["moveToStage"] = BulkActionKind.MoveToStage,
        ["addTag"] = BulkActionKind.AddTag,
        ["removeTag"] = BulkActionKind.RemoveTag,
        ["addToList"] = BulkActionKind.AddToList,
        ["archive"] = BulkActionKind.Archive,
    };

    public static string ApiName(BulkActionKind kind) => char.ToLowerInvariant(kind.ToString()[0]) + kind.ToString()[1..];

    /// <summary>
    /// Validates and records an action over <paramref name="ids"/> or every lead <paramref name="filterQuery"/> (the list's
    /// query string) matches; a small id selection runs now, anything else is queued for the worker.
    /// </summary>
    public async Task<Result<BulkAction>> StartAsync(BulkActionKind kind, IReadOnlyCollection<int>? ids, string? filterQuery, BulkParameters parameters, CancellationToken ct)
    {
        var errors = new Errors();
        if (kind == BulkActionKind.Undo)
            errors.Add("action", "Undo an action with POST /api/v1/leads/bulk/{id}/undo.");
        if ((ids is null) == (filterQuery is null))
            errors.Add("leadIds", "Select the leads: send leadIds or a filter (one of them).");
        else if (ids is { Count: 0 })
            errors.Add("leadIds", "Select at least one lead.");
        else if (ids is { Count: > MaxIds })
            errors.Add("leadIds", $"Send at most {MaxIds:N0} ids at once; select more with a filter.");
        LeadFilter? filter = null;
        if (filterQuery is not null)
        {
            (filter, var filterErrors) = LeadFilter.Parse(new QueryCollection(QueryHelpers.ParseQuery(filterQuery)));
            foreach (var (field, messages) in filterErrors.ToDictionary())
                foreach (var message in messages)
                    errors.Add("filter." + field, message);
        }
        var valid = await ValidateAsync(kind, parameters, errors, ct);
        if (errors.Any)
            return Result<BulkAction>.Invalid(errors);

        var now = time.GetUtcNow().UtcDateTime;
        var selected = ids?.Distinct().Order().ToList();
        var action = new BulkAction
        {
            UserId = me.Id, Kind = kind, Parameters = JsonSerializer.Serialize(valid, Json), Status = BulkActionStatus.Queued, CreatedAt = now, HeartbeatAt = now,
            LeadIds = selected is null ? null : JsonSerializer.Serialize(selected, Json),
            Filter = filter is null ? null : string.Join("&", filter.ToQuery().Select(kv => $"{kv.Key}={Uri.EscapeDataString(kv.Value)}")),
        };
        action.Total = selected?.Count ?? await queries.Filter(filter!, me.Id, await leads.ClockAsync(ct)).CountAsync(ct);
        return await LaunchAsync(action, inline: selected is not null && selected.Count <= options.Value.SyncLimit, ct);
    }

    /// <summary>Reverses a finished action of this user: each lead it changed gets its previous values back, unless it changed since.</summary>
    public async Task<Result<BulkAction>> UndoAsync(int id, CancellationToken ct)
    {
        var original = await db.BulkActions.AsNoTracking().FirstOrDefaultAsync(a => a.Id == id && a.UserId == me.Id, ct);
        if (original is null)
            return Result<BulkAction>.Missing();
        if (original.Kind == BulkActionKind.Undo)
            return Result<BulkAction>.Conflicting("An undo cannot be undone; apply the action again instead.");
        if (original.Status is BulkActionStatus.Queued or BulkActionStatus.Running)
            return Result<BulkAction>.Conflicting("The action is still running; undo it when it has finished.");
        if (original.UndoneById is not null)
            return Result<BulkAction>.Conflicting("This action was undone already.");
        var now = time.GetUtcNow().UtcDateTime;
        var undo = new BulkAction
        {
            UserId = me.Id, Kind = BulkActionKind.Undo, UndoOfId = id, Status = BulkActionStatus.Queued, CreatedAt = now, HeartbeatAt = now,
            Total = await db.BulkActionLeads.CountAsync(r => r.ActionId == id, ct),
        };
        var inline = undo.Total <= options.Value.SyncLimit;
        if (inline)
            (undo.Status, undo.Instance) = (BulkActionStatus.Running, Instance);
        await using (var tx = await db.Database.BeginTransactionAsync(ct))
        {
            db.BulkActions.Add(undo);
            await db.SaveChangesAsync(ct);
            // an action is undone once, even by two clicks at the same moment
            var marked = await db.BulkActions.Where(a => a.Id == id && a.UndoneById == null).ExecuteUpdateAsync(s => s.SetProperty(a => a.UndoneById, undo.Id), ct);
            if (marked == 0)
            {
                await tx.RollbackAsync(ct);
                db.ChangeTracker.Clear();
                return Result<BulkAction>.Conflicting("This action was undone already.");
            }
            await tx.CommitAsync(ct);
        }
        return await FinishLaunchAsync(undo, inline, ct);
    }

    /// <summary>
    /// Stops an action of this user that runs as a job: a queued one at once, a running one before its next batch (each
    /// batch commits whole, so the leads done so far stay done and can be undone). An undo runs to its end.
    /// </summary>
    public async Task<Result<BulkAction>> CancelAsync(int id, CancellationToken ct)
    {
        var action = await FindAsync(id, ct);
        if (action is null)
            return Result<BulkAction>.Missing();
        if (action.Kind == BulkActionKind.Undo)
            return Result<BulkAction>.Conflicting("An undo runs to the end, so that every lead it reaches gets its values back.");
        var now = time.GetUtcNow().UtcDateTime;
        // only while it runs: the worker's completion and this cannot both win (it completes only a running action)
        var cancelled = await db.BulkActions.Where(a => a.Id == id && (a.Status == BulkActionStatus.Queued || a.Status == BulkActionStatus.Running))
            .ExecuteUpdateAsync(s => s.SetProperty(a => a.Status, BulkActionStatus.Cancelled).SetProperty(a => a.FinishedAt, now), ct);
        if (cancelled == 0)
            return Result<BulkAction>.Conflicting("The action has finished already.");
        return Result<BulkAction>.Ok((await FindAsync(id, ct))!);
    }

    public async Task<BulkAction?> FindAsync(int id, CancellationToken ct) =>
        await db.BulkActions.AsNoTracking().FirstOrDefaultAsync(a => a.Id == id && a.UserId == me.Id, ct);

    private async Task<Result<BulkAction>> LaunchAsync(BulkAction action, bool inline, CancellationToken ct)
    {
        if (inline)
            (action.Status, action.Instance) = (BulkActionStatus.Running, Instance);
        db.BulkActions.Add(action);
        await db.SaveChangesAsync(ct);
        return await FinishLaunchAsync(action, inline, ct);
    }

    private async Task<Result<BulkAction>> FinishLaunchAsync(BulkAction action, bool inline, CancellationToken ct)
    {
        if (!inline)
        {
            signal.Notify();
            return Result<BulkAction>.Ok(action);
        }
        await RunAsync(action.Id, ct);
        db.ChangeTracker.Clear();
        return Result<BulkAction>.Ok(await db.BulkActions.AsNoTracking().FirstAsync(a => a.Id == action.Id, ct));
    }

    /// <summary>The parameters of <paramref name="kind"/>, checked and normalised; the others are dropped.</summary>
    private async Task<BulkParameters> ValidateAsync(BulkActionKind kind, BulkParameters p, Errors errors, CancellationToken ct)
    {
        switch (kind)
        {
            case BulkActionKind.AssignOwner:
                // no owner: the leads become unassigned
                if (p.OwnerId is { } ownerId && !await db.Users.AnyAsync(u => u.Id == ownerId && u.IsActive, ct))
                    errors.Add("ownerId", "Unknown owner: choose an active user of this workspace.");
                return new BulkParameters(OwnerId: p.OwnerId);
            case BulkActionKind.MoveToStage:
                var reason = string.IsNullOrWhiteSpace(p.LostReason) ? null : p.LostReason.Trim();
                if (p.StageId is not { } stageId)
                {
                    errors.Add("stageId", "Choose a stage.");
                    return p;
                }
                var stage = await db.Stages.AsNoTracking().FirstOrDefaultAsync(s => s.Id == stageId, ct);
                if (stage is null)
                    errors.Add("stageId", "Unknown stage.");
                else if (stage.Category == StageCategory.Lost && reason is null)
                    errors.Add("lostReason", "Say why the leads were lost to move them to a Lost stage.");
                if (reason is { Length: > 300 })
                    errors.Add("lostReason", "Lost reason must be at most 300 characters.");
                errors.CheckPlainText("lostReason", reason, "Lost reason");
                // a reason only goes with a Lost stage; elsewhere the leads keep theirs, as a single move does
                return new BulkParameters(StageId: stageId, LostReason: stage?.Category == StageCategory.Lost ? reason : null);
            case BulkActionKind.AddTag or BulkActionKind.RemoveTag:
                var tag = string.Join(' ', (p.Tag ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToLowerInvariant();
                if (tag.Length == 0)
                    errors.Add("tag", "Type the tag.");
                else if (tag.Length > 50)
                    errors.Add("tag", "A tag is at most 50 characters.");
                errors.CheckPlainText("tag", tag, "The tag");
                return new BulkParameters(Tag: tag);
            case BulkActionKind.AddToList:
                if (p.ListId is not { } listId)
                    errors.Add("listId", "Choose a list.");
                else if (!await db.MarketingLists.AnyAsync(l => l.Id == listId, ct))
                    errors.Add("listId", "No such list.");
                return new BulkParameters(ListId: p.ListId);
            default:
                return new BulkParameters();
        }
    }

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

    /// <summary>For list actions: which of the batch's leads are members of the list now.</summary>
    private async Task<Dictionary<int, MarketingListMember>> MembersAsync(Run run, List<int> ids, Dictionary<int, BulkActionLead>? undoRows, CancellationToken ct)
    {
        if (run.Kind != BulkActionKind.AddToList)
            return [];
        var listId = undoRows is null ? run.Parameters.ListId : undoRows.Values.Select(r => JsonSerializer.Deserialize<BulkBefore>(r.Before, Json)?.ListId).FirstOrDefault(l => l is not null);
        if (listId is null)
            return [];
        return await db.MarketingListMembers.Where(m => m.ListId == listId && ids.Contains(m.LeadId)).ToDictionaryAsync(m => m.LeadId, ct);
    }

    private readonly record struct Outcome(BulkBefore? Before, string? Refusal)
    {
        public static Outcome Change(BulkBefore before) => new(before, null);

        public static Outcome Same => default;

        public static Outcome Refuse(string reason) => new(null, reason);

        public static Outcome From(Errors errors, BulkBefore before) =>
            errors.Any ? Refuse("could not be changed (" + errors.All.First().TrimEnd('.') + ")") : Change(before);
    }

    /// <summary>One lead: the permission table first, then the change through the writer; a refused lead is left untouched.</summary>
    private async Task<Outcome> ApplyAsync(Lead lead, Run run, BulkActionLead? undo, Dictionary<int, MarketingListMember> members, CancellationToken ct)
    {
        if (run.Action.UndoOfId is not null)
            return await UndoAsync(lead, run, undo, members, ct);
        var p = run.Parameters;
        switch (run.Kind)
        {
            case BulkActionKind.AssignOwner:
                if (!leads.MayReassign(lead.OwnerId))
                    return Outcome.Refuse("not yours to reassign");
                if (lead.OwnerId == p.OwnerId)
                    return Outcome.Same;
                var owner = new BulkBefore(OwnerId: lead.OwnerId);   // before the write changes it
                return Outcome.From(await Write(lead, run, new LeadInput { OwnerId = p.OwnerId }, "ownerId", ct), owner);
            case BulkActionKind.MoveToStage:
                if (lead.StageId == p.StageId)
                    return Outcome.Same;
                var before = new BulkBefore(StageId: lead.StageId, Position: lead.Position, LostReason: lead.LostReason);
                var input = new LeadInput { StageId = p.StageId, LostReason = p.LostReason };
                return Outcome.From(p.LostReason is null ? await Write(lead, run, input, "stageId", ct) : await Write(lead, run, input, ["stageId", "lostReason"], ct), before);
            case BulkActionKind.AddTag:
                if (lead.Tags.Contains(p.Tag!))
                    return Outcome.Same;
                var tagsBefore = new BulkBefore(Tags: [.. lead.Tags]);
                return Outcome.From(await Write(lead, run, new LeadInput { Tags = [.. lead.Tags, p.Tag!] }, "tags", ct), tagsBefore);
            case BulkActionKind.RemoveTag:
                if (!lead.Tags.Contains(p.Tag!))
                    return Outcome.Same;
                var tagsHad = new BulkBefore(Tags: [.. lead.Tags]);
                return Outcome.From(await Write(lead, run, new LeadInput { Tags = lead.Tags.Where(t => t != p.Tag).ToList() }, "tags", ct), tagsHad);
            case BulkActionKind.AddToList:
                if (members.ContainsKey(lead.Id))
                    return Outcome.Same;
                db.MarketingListMembers.Add(new MarketingListMember { WorkspaceId = lead.WorkspaceId, ListId = p.ListId!.Value, LeadId = lead.Id, AddedAt = time.GetUtcNow().UtcDateTime });
                return Outcome.Change(new BulkBefore(ListId: p.ListId));
            case BulkActionKind.Archive:
                if (!leads.MayArchive(lead.OwnerId))
                    return Outcome.Refuse("not yours to archive");
                if (lead.ArchivedAt is not null)
                    return Outcome.Same;
                lead.Archive(time.GetUtcNow().UtcDateTime);
                return Outcome.Change(new BulkBefore());
            default:
                throw new InvalidOperationException($"No bulk rule for {run.Kind}.");
        }
    }

    /// <summary>The previous values back, through the same rules; a lead changed since the action is refused.</summary>
    private async Task<Outcome> UndoAsync(Lead lead, Run run, BulkActionLead? undo, Dictionary<int, MarketingListMember> members, CancellationToken ct)
    {
        if (undo is null)
            return Outcome.Refuse(NotFound);
        var before = JsonSerializer.Deserialize<BulkBefore>(undo.Before, Json) ?? new BulkBefore();
        if (run.Kind == BulkActionKind.AddToList)
        {
            // membership is not part of the lead: whatever else changed on it, the lead leaves the list it was added to
            if (!members.TryGetValue(lead.Id, out var member))
                return Outcome.Same;
            db.MarketingListMembers.Remove(member);
            return Outcome.Change(before);
        }
        if (lead.Version != undo.VersionAfter)
            return Outcome.Refuse(ChangedSince);
        switch (run.Kind)
        {
            case BulkActionKind.AssignOwner:
                if (!leads.MayReassign(lead.OwnerId))
                    return Outcome.Refuse("not yours to reassign");
                return Outcome.From(await Write(lead, run, new LeadInput { OwnerId = before.OwnerId }, "ownerId", ct), before);
            case BulkActionKind.MoveToStage:
                // back to its place in the column, not the end of it, with the lost reason it had (none, usually)
                var moved = await writer.MoveAsync(lead, before.StageId!.Value, before.LostReason, before.Position, ct);
                if (!moved.Any)
                    lead.LostReason = before.LostReason;
                return Outcome.From(moved, before);
            case BulkActionKind.AddTag or BulkActionKind.RemoveTag:
                return Outcome.From(await Write(lead, run, new LeadInput { Tags = before.Tags ?? [] }, "tags", ct), before);
            case BulkActionKind.Archive:
                if (!leads.MayRestore(lead.OwnerId))
                    return Outcome.Refuse("not yours to restore");
                lead.Restore();   // only leads not archived were archived by it
                return Outcome.Change(before);
            default:
                throw new InvalidOperationException($"No undo rule for {run.Kind}.");
        }
    }

    private Task<Errors> Write(Lead lead, Run run, LeadInput input, string present, CancellationToken ct) => Write(lead, run, input, [present], ct);

    private Task<Errors> Write(Lead lead, Run run, LeadInput input, HashSet<string> present, CancellationToken ct) =>
        writer.ApplyAsync(lead, input, present, run.Workspace, run.Lookups, ct);

    public static IReadOnlyList<BulkRefusal> RefusalsOf(BulkAction action) =>
        (JsonSerializer.Deserialize<Dictionary<string, int>>(action.Refusals, Json) ?? []).Select(kv => new BulkRefusal(kv.Key, kv.Value)).OrderByDescending(r => r.Count).ToList();

    /// <summary>"12 changed, 3 not yours to archive": what the page and the API say about it.</summary>
    public static string Summary(BulkAction action)
    {
        var parts = new List<string> { $"{action.Changed:N0} {(action.Kind == BulkActionKind.Undo ? "restored" : "changed")}" };
        if (action.Unchanged > 0)
            parts.Add($"{action.Unchanged:N0} already {(action.Kind == BulkActionKind.Undo ? "restored" : "so")}");
        parts.AddRange(RefusalsOf(action).Select(r => $"{r.Count:N0} {r.Reason}"));
        return string.Join(", ", parts);
    }

    public static BulkActionResponse ToResponse(BulkAction a) => new(
        a.Id, ApiName(a.Kind), StatusName(a.Status), a.Total, a.Processed, a.Changed, a.Unchanged, a.Refused, RefusalsOf(a), Summary(a), a.UndoOfId, a.UndoneById,
        CanUndo(a), a.Error, a.CreatedAt, a.FinishedAt);

    public static string StatusName(BulkActionStatus status) => status.ToString().ToLowerInvariant();

    public static bool CanUndo(BulkAction a) =>
        a.Kind != BulkActionKind.Undo && a.Status is BulkActionStatus.Completed or BulkActionStatus.Cancelled && a.UndoneById is null && a.Changed > 0;

    /// <summary>A job the user can still stop (<see cref="CancelAsync"/>).</summary>
    public static bool CanCancel(BulkAction a) => a.Kind != BulkActionKind.Undo && a.Status is BulkActionStatus.Queued or BulkActionStatus.Running;
}

using System.Text.Json;
using Leadline.Common.Api;
using Leadline.Common.Security;
using Leadline.Data;
using Leadline.Pipeline;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Leadline.Leads.Bulk;

/// <summary>
/// Bulk actions on selected leads: assign owner, move to a stage, add or remove a tag, add to a marketing list, archive,
/// and the undo of any of them. Every lead goes through the lead write path (<see cref="LeadWriter"/>, tracked entities,
/// SaveChanges: history, lead flow, match keys and live events come with it), a batch per transaction, and the permission
/// table is asked per lead: a refused lead is counted with its reason and left exactly as it was.
/// </summary>
public sealed partial class BulkActions(
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

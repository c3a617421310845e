using System.Text.Json;
using Leadline.Common.Api;
using Leadline.MarketingLists;
using Microsoft.EntityFrameworkCore;

namespace Leadline.Leads.Bulk;

/// <summary>What an action (and its undo) does to one lead, through the permission table and the lead write path.</summary>
public sealed partial class BulkActions
{
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
}

using Leadline.Common.Live;

namespace Leadline.Leads.Changes;

/// <summary>
/// After a commit, tells every open board and list of the workspace ("leads-changed" with the lead ids, or "*" for a
/// bulk change), so pages refresh without reload. After, not before: a board that reloads on it must see the change.
/// </summary>
internal sealed class LiveLeadEvents(ILiveEventBus bus, ILogger<LiveLeadEvents> log) : ILeadReaction
{
    private const int MaxIds = 20;

    public LeadReactionPhase Phase => LeadReactionPhase.Publish;

    public async ValueTask OnCommittedAsync(IReadOnlyList<LeadChange> changes, CancellationToken ct)
    {
        var byWorkspace = new Dictionary<int, HashSet<int>?>();   // null: "any lead may have changed"
        foreach (var change in changes)
        {
            if (change is ColumnRespaced)
                continue;   // positions only, around a move that is published itself
            if (!byWorkspace.TryGetValue(change.WorkspaceId, out var ids))
                byWorkspace[change.WorkspaceId] = ids = [];
            switch (change)
            {
                case SingleLeadChange single:
                    ids?.Add(single.Lead.Id);
                    break;
                case LeadsCreatedInBulk bulk:
                    ids?.UnionWith(bulk.Leads.Select(l => l.Id));
                    break;
                default:
                    byWorkspace[change.WorkspaceId] = null;
                    break;
            }
        }
        foreach (var (workspaceId, ids) in byWorkspace)
            await SendAsync(workspaceId, ids is null || ids.Count > MaxIds ? "*" : string.Join(",", ids), ct);
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

using System.Threading.Channels;
using Leadline.Data;
using Leadline.Identity;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Leadline.Leads.Bulk;

/// <summary>Wakes this instance's bulk-action worker when an action is queued here.</summary>
public sealed class BulkActionSignal : Common.Background.WakeSignal;

/// <summary>
/// Runs queued bulk actions, on any instance: an action is claimed by a conditional update (one instance wins), runs
/// signed in as the user who started it, and beats its heartbeat with every batch. One whose instance stopped (its
/// heartbeat older than <see cref="StaleAfter"/>) is claimed again and resumes after its last committed batch.
/// </summary>
public sealed class BulkActionWorker(
    BulkActionSignal signal, IServiceScopeFactory scopes, TimeProvider clock, Microsoft.Extensions.Options.IOptions<BulkActionOptions> options, ILogger<BulkActionWorker> log)
    : Common.Background.WokenWorker(signal, clock, log)
{
    public static readonly TimeSpan PollEvery = TimeSpan.FromSeconds(5);

    public static readonly TimeSpan StaleAfter = TimeSpan.FromMinutes(1);

    protected override bool Enabled => options.Value.JobsEnabled;

    protected override TimeSpan PollInterval => BulkActionWorker.PollEvery;

    // a running action keeps its committed batches and resumes elsewhere when its heartbeat goes stale
    protected override async Task WorkAsync(CancellationToken ct)
    {
        while (await RunNextAsync(ct))
        {
        }
    }

    /// <summary>Claims and runs one action; false when there is none.</summary>
    private async Task<bool> RunNextAsync(CancellationToken ct)
    {
        int id, workspaceId, userId;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<LeadlineDb>();
            var now = Clock.GetUtcNow().UtcDateTime;
            var stale = now - StaleAfter;
            var candidate = await db.BulkActions.IgnoreQueryFilters().AsNoTracking()
                .Where(a => a.Status == BulkActionStatus.Queued || (a.Status == BulkActionStatus.Running && a.HeartbeatAt < stale))
                .OrderBy(a => a.Id).Select(a => new { a.Id, a.WorkspaceId, a.UserId, a.Status, a.HeartbeatAt }).FirstOrDefaultAsync(ct);
            if (candidate is null)
                return false;
            // only if nobody claimed it since it was read: of several instances one updates the row, the others look again
            var claimed = await db.BulkActions.IgnoreQueryFilters()
                .Where(a => a.Id == candidate.Id && a.Status == candidate.Status && a.HeartbeatAt == candidate.HeartbeatAt)
                .ExecuteUpdateAsync(s => s.SetProperty(a => a.Status, BulkActionStatus.Running).SetProperty(a => a.Instance, BulkActions.Instance).SetProperty(a => a.HeartbeatAt, now), ct);
            if (claimed == 0)
                return true;
            (id, workspaceId, userId) = (candidate.Id, candidate.WorkspaceId, candidate.UserId);
        }

        await using var run = scopes.CreateAsyncScope();
        var services = run.ServiceProvider;
        services.GetRequiredService<WorkspaceScope>().Enter(workspaceId);
        var user = await services.GetRequiredService<LeadlineDb>().Users.FirstOrDefaultAsync(u => u.Id == userId && u.IsActive, ct);
        if (user is null)
        {
            var now = Clock.GetUtcNow().UtcDateTime;
            await services.GetRequiredService<LeadlineDb>().BulkActions.Where(a => a.Id == id).ExecuteUpdateAsync(s => s
                .SetProperty(a => a.Status, BulkActionStatus.Failed).SetProperty(a => a.Error, "The user who started it was deactivated.").SetProperty(a => a.FinishedAt, now), ct);
            return true;
        }
        // the action runs as its user: the permission table, the history's "who" and the "my leads" filter read them
        var accessor = services.GetRequiredService<IHttpContextAccessor>();
        accessor.HttpContext = new DefaultHttpContext
        {
            User = await services.GetRequiredService<IUserClaimsPrincipalFactory<User>>().CreateAsync(user),
            RequestServices = services,
        };
        try
        {
            await services.GetRequiredService<BulkActions>().RunAsync(id, ct);
        }
        finally
        {
            accessor.HttpContext = null;
        }
        return true;
    }
}

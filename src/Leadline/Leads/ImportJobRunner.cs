using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Leadline.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Leadline.Leads;

/// <summary>
/// Runs import jobs on this instance, one at a time. A job is claimed with one conditional UPDATE (it must still be queued,
/// or running with the stale heartbeat that was read: its instance died), so of several instances exactly one wins it.
/// The winner goes on from the job's last committed batch (<see cref="LeadImport"/> with <see cref="ImportRequest.JobId"/>):
/// a batch and its progress commit together, so no row is written twice and none is lost.
/// </summary>
public sealed class ImportJobRunner(LeadlineDb db, IServiceScopeFactory scopes, ImportRuns runs, TimeProvider clock, ILogger<ImportJobRunner> log)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Claims and runs the next job of any workspace; false when there is none to run.</summary>
    public async Task<bool> RunNextAsync(CancellationToken ct)
    {
        if (await ClaimAsync(ct) is not { } claimed)
            return false;
        await using var scope = scopes.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<WorkspaceScope>().Enter(claimed.WorkspaceId);
        var jobDb = scope.ServiceProvider.GetRequiredService<LeadlineDb>();
        var job = await jobDb.Imports.AsNoTracking().FirstAsync(r => r.Id == claimed.Id, ct);
        var file = await jobDb.ImportFiles.AsNoTracking().Where(f => f.ImportId == job.Id).Select(f => f.Content).FirstOrDefaultAsync(ct);
        if (file is null)
        {
            await runs.RefuseAsync(jobDb, job.Id, "The file of this import is no longer kept.");
            return true;
        }
        var userName = job.UserId is { } userId ? await jobDb.Users.AsNoTracking().Where(u => u.Id == userId).Select(u => u.Name).FirstOrDefaultAsync(ct) : null;
        var request = new ImportRequest(job.FileName, job.OnDuplicate)
        {
            Columns = job.Columns is null ? null : JsonSerializer.Deserialize<Dictionary<string, string>>(job.Columns, Json),
            Options = job.Options is null ? null : JsonSerializer.Deserialize<Dictionary<string, string>>(job.Options, Json),
            Total = job.Total, UploadId = job.UploadId, FromRow = job.ResumeFromRow, JobId = job.Id, User = (job.UserId, userName ?? "System"),
            Cancelled = "The app was shutting down.",
        };
        using var reader = new StreamReader(new MemoryStream(file), Encoding.UTF8);
        try
        {
            await scope.ServiceProvider.GetRequiredService<LeadImport>().ImportAsync(reader, request, ct);
        }
        catch (ImportInterruptedException)
        {
            // on record and logged (a shutdown queued it again)
        }
        return true;
    }

    private async Task<(int Id, int WorkspaceId)?> ClaimAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var stale = now - ImportRuns.StaleAfter;
        var candidates = await db.Imports.IgnoreQueryFilters().AsNoTracking()
            .Where(r => r.Background && (r.Status == ImportStatus.Queued || (r.Status == ImportStatus.Running && r.HeartbeatAt < stale)))
            .OrderBy(r => r.Id).Select(r => new { r.Id, r.WorkspaceId, r.Status, r.Instance, r.HeartbeatAt, r.StartedAt }).Take(10).ToListAsync(ct);
        foreach (var c in candidates)
        {
            var won = await db.Imports.IgnoreQueryFilters()
                .Where(r => r.Id == c.Id && r.Status == c.Status && r.Instance == c.Instance && r.HeartbeatAt == c.HeartbeatAt)
                .ExecuteUpdateAsync(s => s.SetProperty(r => r.Status, ImportStatus.Running).SetProperty(r => r.Instance, runs.Instance)
                    .SetProperty(r => r.HeartbeatAt, now).SetProperty(r => r.StartedAt, c.Status == ImportStatus.Queued ? now : c.StartedAt), ct);
            if (won == 0)
                continue;   // another instance was quicker
            if (c.Status == ImportStatus.Running)
                log.LogWarning("Import {ImportId}: its instance {Instance} stopped answering; this instance goes on from its last committed batch", c.Id, c.Instance);
            return (c.Id, c.WorkspaceId);
        }
        return null;
    }
}

/// <summary>Wakes this instance's import worker when a job is queued here.</summary>
public sealed class ImportJobSignal : Common.Background.WakeSignal;

/// <summary>Every instance runs one: jobs queued anywhere, and jobs whose instance died, are run here when this one claims them.</summary>
public sealed class ImportJobWorker(IServiceScopeFactory scopes, ImportJobSignal signal, TimeProvider clock, IOptions<ImportOptions> options, ILogger<ImportJobWorker> log)
    : Common.Background.WokenWorker(signal, clock, log)
{
    protected override bool Enabled => options.Value.JobsEnabled;

    protected override TimeSpan PollInterval => TimeSpan.FromSeconds(options.Value.JobPollSeconds);

    // a running job whose instance stops is queued again for any instance
    protected override async Task WorkAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var runner = scope.ServiceProvider.GetRequiredService<ImportJobRunner>();
        while (await runner.RunNextAsync(ct))
        {
            // the next one, if any
        }
    }
}

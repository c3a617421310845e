using System.Collections.Concurrent;
using System.Text.Json;
using Leadline.Data;
using Microsoft.EntityFrameworkCore;

namespace Leadline.Leads;

/// <summary>
/// An import's committed state after a batch: rows done, counts, the refused rows so far, and the file row to resume
/// from. Each batch records it in its own transaction, so it never says more or less than what landed.
/// </summary>
public sealed record ImportProgress(int Processed, long ResumeFromRow, int Created, int Updated, int Skipped, IReadOnlyList<ImportError> Errors)
{
    public static ImportProgress Of(ImportRun run) => new(run.Processed, run.ResumeFromRow, run.Created, run.Updated, run.Skipped, ImportRuns.ErrorsOf(run));
}

/// <summary>
/// The record keeping of <see cref="ImportRun"/>s: which ones this process is running, their progress written in each
/// batch's transaction, and the rule for one nobody runs any more. A synchronous import whose heartbeat is older than
/// <see cref="StaleAfter"/> lost its process (a crash, a kill -9, a restart) and is failed, truthfully, with the progress
/// its last committed batch recorded; a job (<see cref="ImportRun.Background"/>) is taken over by another worker instead.
/// Every write of a running import's row names this process (<see cref="Instance"/>): one that lost its claim writes nothing.
/// </summary>
public sealed class ImportRuns(TimeProvider clock, ILogger<ImportRuns> log)
{
    /// <summary>The refused rows an import keeps for its result (the result page shows as many).</summary>
    public const int ErrorsKept = 1000;

    public const string Restarted = "The app restarted while the file was being imported.";

    public static readonly TimeSpan HeartbeatInterval = TimeSpan.FromSeconds(15);

    /// <summary>A few missed heartbeats: a live import refreshes its heartbeat on every batch and every <see cref="HeartbeatInterval"/>.</summary>
    public static readonly TimeSpan StaleAfter = TimeSpan.FromMinutes(1);

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly ConcurrentDictionary<int, byte> _running = new();

    /// <summary>This process, as <see cref="ImportRun.Instance"/> names it.</summary>
    public string Instance { get; } = Guid.NewGuid().ToString("N");

    public static string ErrorsJson(IEnumerable<ImportError> errors) => JsonSerializer.Serialize(errors.Take(ErrorsKept), Json);

    public static List<ImportError> ErrorsOf(ImportRun run) => JsonSerializer.Deserialize<List<ImportError>>(run.Errors, Json) ?? [];

    internal void Started(int id) => _running[id] = 0;

    internal void Ended(int id) => _running.TryRemove(id, out _);

    /// <summary>The latest import of a web upload by this user, a dead one failed first; null when it was never imported.</summary>
    public async Task<ImportRun?> ForUploadAsync(LeadlineDb db, Guid uploadId, int userId, CancellationToken ct)
    {
        var run = await db.Imports.AsNoTracking().Where(r => r.UploadId == uploadId && r.UserId == userId).OrderByDescending(r => r.Id).FirstOrDefaultAsync(ct);
        return run is null ? null : await SettleAsync(db, run, ct);
    }

    /// <summary>The import as it stands; a running one whose process is gone is failed first (at most once, whoever looks).</summary>
    public async Task<ImportRun> SettleAsync(LeadlineDb db, ImportRun run, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        if (run.Background || run.Status != ImportStatus.Running || _running.ContainsKey(run.Id) || (run.Instance != Instance && now - run.HeartbeatAt <= StaleAfter))
            return run;
        // only if its heartbeat has not moved meanwhile; a batch still arriving from its owner finds it failed and rolls back
        var failed = await db.Imports
            .Where(r => r.Id == run.Id && r.Status == ImportStatus.Running && r.HeartbeatAt == run.HeartbeatAt)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.Status, ImportStatus.Failed).SetProperty(r => r.Failure, Restarted).SetProperty(r => r.FinishedAt, now), ct);
        if (failed > 0)
        {
            log.LogWarning("Import {ImportId} of {FileName} lost its process: {Processed} rows were committed ({Created} created, {Updated} updated); resume from row {ResumeFromRow}",
                run.Id, run.FileName, run.Processed, run.Created, run.Updated, run.ResumeFromRow);
        }
        return await db.Imports.AsNoTracking().FirstAsync(r => r.Id == run.Id, ct);
    }

    /// <summary>
    /// The import's row: a new one (running here from now on, registered before others can see it), or the job this
    /// process has claimed, whose committed progress the import goes on from.
    /// </summary>
    internal async Task<ImportRun> StartAsync(LeadlineDb db, ImportRequest request, int? userId, CancellationToken ct)
    {
        if (request.JobId is { } jobId)
        {
            var job = await db.Imports.AsNoTracking().FirstAsync(r => r.Id == jobId, ct);
            if (job.Status != ImportStatus.Running || job.Instance != Instance)
                throw new InvalidOperationException($"Import {jobId} is not claimed by this instance.");
            Started(job.Id);
            return job;
        }
        var now = clock.GetUtcNow().UtcDateTime;
        var record = new ImportRun
        {
            UserId = userId, UploadId = request.UploadId, FileName = request.FileName, OnDuplicate = request.Policy,
            Columns = request.Columns is null ? null : JsonSerializer.Serialize(request.Columns),
            Status = ImportStatus.Running, Total = request.Total, StartRow = request.FromRow, ResumeFromRow = request.FromRow,
            Instance = Instance, HeartbeatAt = now, StartedAt = now,
        };
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        db.Imports.Add(record);
        await db.SaveChangesAsync(ct);
        Started(record.Id);
        await tx.CommitAsync(ct);
        db.ChangeTracker.Clear();
        return record;
    }

    /// <summary>
    /// Records a batch's progress in the batch's transaction. An import failed or taken over meanwhile (its heartbeat was
    /// late and someone declared it dead) refuses the batch: it is rolled back, so the record stays true.
    /// </summary>
    internal async Task RecordAsync(LeadlineDb db, int id, ImportProgress p, DateTime now, CancellationToken ct)
    {
        var errors = ErrorsJson(p.Errors);
        var recorded = await db.Imports.Where(r => r.Id == id && r.Status == ImportStatus.Running && r.Instance == Instance).ExecuteUpdateAsync(s => s
            .SetProperty(r => r.Processed, p.Processed).SetProperty(r => r.ResumeFromRow, p.ResumeFromRow)
            .SetProperty(r => r.Created, p.Created).SetProperty(r => r.Updated, p.Updated).SetProperty(r => r.Skipped, p.Skipped)
            .SetProperty(r => r.ErrorCount, p.Errors.Count).SetProperty(r => r.Errors, errors).SetProperty(r => r.HeartbeatAt, now), ct);
        if (recorded == 0)
            throw new InvalidOperationException($"Import {id} was declared stopped while it was still running; its last batch was not committed.");
    }

    /// <summary>The end of the file (<see cref="ImportStatus.Completed"/>), or a cancel met at a batch boundary: every row up to <paramref name="p"/> is decided.</summary>
    internal async Task FinishAsync(LeadlineDb db, int id, ImportProgress p, ImportStatus status)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var json = ErrorsJson(p.Errors);
        await db.Imports.Where(r => r.Id == id && r.Status == ImportStatus.Running && r.Instance == Instance).ExecuteUpdateAsync(s => s
            .SetProperty(r => r.Status, status).SetProperty(r => r.FinishedAt, now).SetProperty(r => r.HeartbeatAt, now)
            .SetProperty(r => r.Processed, p.Processed).SetProperty(r => r.ResumeFromRow, p.ResumeFromRow)
            .SetProperty(r => r.Created, p.Created).SetProperty(r => r.Updated, p.Updated).SetProperty(r => r.Skipped, p.Skipped)
            .SetProperty(r => r.ErrorCount, p.Errors.Count).SetProperty(r => r.Errors, json), CancellationToken.None);
        if (status != ImportStatus.Failed)
            await db.ImportFiles.Where(f => f.ImportId == id).ExecuteDeleteAsync(CancellationToken.None);   // nothing left to run
    }

    /// <summary>A job refused before its first row (no header, say): failed, saying why.</summary>
    internal async Task RefuseAsync(LeadlineDb db, int id, string failure)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        await db.Imports.Where(r => r.Id == id && r.Status == ImportStatus.Running && r.Instance == Instance).ExecuteUpdateAsync(s => s
            .SetProperty(r => r.Status, ImportStatus.Failed).SetProperty(r => r.Failure, failure).SetProperty(r => r.FinishedAt, now)
            .SetProperty(r => r.ErrorCount, 1).SetProperty(r => r.Errors, ErrorsJson([new ImportError(1, failure)])), CancellationToken.None);
    }

    /// <summary>
    /// Marks the import failed with what its committed batches hold, logs where to resume, and says it to the caller. A job
    /// stopped by a shutdown is queued again instead: any instance's worker goes on from its last committed batch.
    /// </summary>
    internal async Task<ImportInterruptedException> StopAsync(LeadlineDb db, ImportRun record, ImportProgress committed, Exception ex, string failure, bool requeue)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        db.ChangeTracker.Clear();
        try
        {
            var mine = db.Imports.Where(r => r.Id == record.Id && r.Status == ImportStatus.Running && r.Instance == Instance);
            if (requeue)
                await mine.ExecuteUpdateAsync(s => s.SetProperty(r => r.Status, ImportStatus.Queued).SetProperty(r => r.Instance, ""), CancellationToken.None);
            else
                await mine.ExecuteUpdateAsync(s => s.SetProperty(r => r.Status, ImportStatus.Failed).SetProperty(r => r.Failure, failure).SetProperty(r => r.FinishedAt, now), CancellationToken.None);
        }
        catch (Exception recordEx)
        {
            // the database is gone too: the row still says running, and is failed (or taken over) once its heartbeat is stale
            log.LogError(recordEx, "Import {ImportId} could not be marked stopped", record.Id);
        }
        log.LogError(ex, "Import {ImportId} of {FileName} stopped after {Processed} rows ({Created} created, {Updated} updated, {Skipped} skipped); resume from row {ResumeFromRow}: {Failure}",
            record.Id, record.FileName, committed.Processed, committed.Created, committed.Updated, committed.Skipped, committed.ResumeFromRow, failure);
        var stopped = new ImportRun
        {
            Id = record.Id, WorkspaceId = record.WorkspaceId, UserId = record.UserId, UploadId = record.UploadId, FileName = record.FileName,
            OnDuplicate = record.OnDuplicate, Columns = record.Columns, Status = requeue ? ImportStatus.Queued : ImportStatus.Failed, Total = record.Total,
            StartRow = record.StartRow, Processed = committed.Processed, ResumeFromRow = committed.ResumeFromRow, Created = committed.Created,
            Updated = committed.Updated, Skipped = committed.Skipped, ErrorCount = committed.Errors.Count, Errors = ErrorsJson(committed.Errors),
            Failure = failure, Instance = record.Instance, HeartbeatAt = now, StartedAt = record.StartedAt, FinishedAt = now, Background = record.Background,
        };
        return new ImportInterruptedException(stopped, ex);
    }

    /// <summary>Tells other instances this import is alive between its batches (a batch can take a while on a busy database).</summary>
    internal async Task HeartbeatAsync(Func<LeadlineDb> open, int id, CancellationToken stop)
    {
        using var timer = new PeriodicTimer(HeartbeatInterval, clock);
        try
        {
            while (await timer.WaitForNextTickAsync(stop))
            {
                try
                {
                    await using var beat = open();
                    var now = clock.GetUtcNow().UtcDateTime;
                    await beat.Imports.Where(r => r.Id == id && r.Status == ImportStatus.Running && r.Instance == Instance)
                        .ExecuteUpdateAsync(s => s.SetProperty(r => r.HeartbeatAt, now), stop);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    log.LogWarning(e, "Import {ImportId}: the heartbeat could not be recorded", id);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // the import is over
        }
    }
}

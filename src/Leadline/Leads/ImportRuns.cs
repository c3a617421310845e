using System.Collections.Concurrent;
using System.Text.Json;
using Leadline.Data;
using Microsoft.EntityFrameworkCore;

namespace Leadline.Leads;

/// <summary>
/// Which <see cref="ImportRun"/>s this process is running, and the rule for one nobody runs any more: a running import
/// that is not this process's and whose heartbeat is older than <see cref="StaleAfter"/> lost its process (a crash, a
/// kill -9, a restart) and is failed, truthfully, with the progress its last committed batch recorded.
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
        if (run.Status != ImportStatus.Running || _running.ContainsKey(run.Id) || (run.Instance != Instance && now - run.HeartbeatAt <= StaleAfter))
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
}

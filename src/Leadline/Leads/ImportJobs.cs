using System.Text;
using System.Text.Json;
using CsvHelper;
using Leadline.Common.Security;
using Leadline.Data;
using Microsoft.EntityFrameworkCore;

namespace Leadline.Leads;

/// <summary>An import job as the API and the page show it (API.md "imports as jobs").</summary>
public sealed record ImportJobResponse(
    int Id, string Status, int Total, int Processed, int Created, int Updated, int Skipped, IReadOnlyList<ImportError> Errors, int ErrorCount,
    string? Failure, string FileName, DateTime StartedAt, DateTime? FinishedAt, double? RowsPerSecond)
{
    public static ImportJobResponse Of(ImportRun run, DateTime now)
    {
        // started (claimed) at StartedAt; HeartbeatAt moves with each committed batch
        var seconds = ((run.FinishedAt ?? (run.Status == ImportStatus.Running ? run.HeartbeatAt : now)) - run.StartedAt).TotalSeconds;
        double? rate = run.Status is ImportStatus.Queued || seconds <= 0 || run.Processed == 0 ? null : Math.Round(run.Processed / seconds, 1);
        return new(run.Id, JsonNamingPolicy.CamelCase.ConvertName(run.Status.ToString()), run.Total ?? 0, run.Processed, run.Created, run.Updated,
            run.Skipped, ImportRuns.ErrorsOf(run), run.ErrorCount, run.Failure, run.FileName, run.StartedAt, run.FinishedAt, rate);
    }
}

/// <summary>What a file holds before it is queued: its data rows, or why it cannot be imported (no header row, not CSV).</summary>
public sealed record ImportFileCheck(int Rows, string? Problem)
{
    private static readonly CsvReaderOptions ReaderOptions = new() { HasHeader = false, TrackLineNumbers = true, TrimWhitespace = true };

    public static async Task<ImportFileCheck> ReadAsync(string text, IReadOnlyDictionary<string, string>? columns, CancellationToken ct)
    {
        try
        {
            using var csv = CsvReader.Create(new StringReader(text), ReaderOptions);
            if (!await csv.ReadAsync(ct) || Enumerable.Range(0, csv.FieldCount).All(i => string.IsNullOrWhiteSpace(csv.GetString(i))))
                return new(0, "The file is empty: its first row must name the columns (a header row).");
            var header = Enumerable.Range(0, csv.FieldCount).Select(csv.GetString).ToList();
            if (ImportHeader.Problem(header, ImportRows.MapHeader(header, columns)) is { } problem)
                return new(0, problem);
            var rows = 0;
            while (await csv.ReadAsync(ct))
                rows++;
            return new(rows, null);
        }
        catch (CsvFormatException)
        {
            return new(0, "The file could not be read as CSV.");
        }
    }
}

/// <summary>
/// Imports as background jobs: the file goes into the database with a queued <see cref="ImportRun"/>, and whichever
/// instance's <see cref="ImportJobWorker"/> claims it runs it (<see cref="ImportJobRunner"/>). Polled by id; cancelled
/// at the next batch boundary.
/// </summary>
public sealed class ImportJobs(LeadlineDb db, CurrentUser me, TimeProvider clock, ImportJobSignal signal)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>
    /// Stores the file and queues its import; <paramref name="total"/> is its data rows (<see cref="ImportFileCheck"/>), and
    /// <paramref name="fromRow"/> above 2 does the rest of a file an import from before jobs stopped in.
    /// </summary>
    public async Task<ImportRun> EnqueueAsync(string text, string fileName, DuplicatePolicy policy, int total, CancellationToken ct,
        IReadOnlyDictionary<string, string>? columns = null, IReadOnlyDictionary<string, string>? options = null, Guid? uploadId = null, long fromRow = 2)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var run = new ImportRun
        {
            UserId = me.IsAuthenticated ? me.Id : null, UploadId = uploadId, FileName = fileName.Length > 260 ? fileName[..260] : fileName,
            OnDuplicate = policy, Columns = columns is null ? null : JsonSerializer.Serialize(columns, Json),
            Options = options is null || options.Count == 0 ? null : JsonSerializer.Serialize(options, Json),
            Status = ImportStatus.Queued, Total = total, StartRow = fromRow, ResumeFromRow = fromRow, Instance = "", HeartbeatAt = now, StartedAt = now, Background = true,
        };
        await using (var tx = await db.Database.BeginTransactionAsync(ct))
        {
            db.Imports.Add(run);
            await db.SaveChangesAsync(ct);
            db.ImportFiles.Add(new ImportFile { ImportId = run.Id, Content = Encoding.UTF8.GetBytes(text) });
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
        }
        db.ChangeTracker.Clear();
        signal.Notify();
        return run;
    }

    public Task<ImportRun?> FindAsync(int id, CancellationToken ct) =>
        db.Imports.AsNoTracking().FirstOrDefaultAsync(r => r.Id == id && r.Background, ct);

    /// <summary>The latest job of a web upload by this user, or null.</summary>
    public Task<ImportRun?> ForUploadAsync(Guid uploadId, CancellationToken ct) =>
        db.Imports.AsNoTracking().Where(r => r.UploadId == uploadId && r.UserId == me.Id && r.Background).OrderByDescending(r => r.Id).FirstOrDefaultAsync(ct);

    /// <summary>
    /// A queued job is cancelled at once; a running one is asked to stop, which it does at its next batch boundary (the
    /// batch being written lands). Null for an unknown job; a finished one is left as it is.
    /// </summary>
    public async Task<ImportRun?> CancelAsync(int id, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var mine = db.Imports.Where(r => r.Id == id && r.Background);
        if (await mine.Where(r => r.Status == ImportStatus.Queued).ExecuteUpdateAsync(s => s
                .SetProperty(r => r.Status, ImportStatus.Cancelled).SetProperty(r => r.CancelRequested, true).SetProperty(r => r.FinishedAt, now), ct) > 0)
            await db.ImportFiles.Where(f => f.ImportId == id).ExecuteDeleteAsync(ct);
        else
            await mine.Where(r => r.Status == ImportStatus.Running).ExecuteUpdateAsync(s => s.SetProperty(r => r.CancelRequested, true), ct);
        return await FindAsync(id, ct);
    }

    /// <summary>Queues a failed job again, to go on from its last committed batch; false when it did not fail or its file is gone.</summary>
    public async Task<bool> ResumeAsync(int id, CancellationToken ct)
    {
        if (!await db.ImportFiles.AnyAsync(f => f.ImportId == id, ct))
            return false;
        var queued = await db.Imports.Where(r => r.Id == id && r.Background && r.Status == ImportStatus.Failed).ExecuteUpdateAsync(s => s
            .SetProperty(r => r.Status, ImportStatus.Queued).SetProperty(r => r.Failure, (string?)null).SetProperty(r => r.FinishedAt, (DateTime?)null)
            .SetProperty(r => r.Instance, ""), ct);
        if (queued > 0)
            signal.Notify();
        return queued > 0;
    }
}

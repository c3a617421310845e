using CsvHelper;
using Leadline.Common;
using Leadline.Common.Security;
using Leadline.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Leadline.Leads;

/// <summary>
/// CSV import through the same <see cref="LeadWriter"/> rules as the form and the API. Each row is validated
/// before it joins a batch, so a bad row is reported by number and never half-written; batches commit in
/// their own transaction, and a batch the database refuses is retried row by row so the failing row is named.
/// Duplicates follow <see cref="DuplicatePolicy"/>: a row is one when the duplicate check rates it an exact match of an
/// existing lead or of an earlier row (<see cref="Duplicates.DuplicateFinder.FindExactAsync"/>: the same normalised e-mail
/// or phone, website and name, or name and birthday or address, with no contradicting field).
/// Fast at scale: a batch looks its duplicates and codes up in a few queries, the writer answers its other look-ups
/// from memory (<see cref="LeadWriteLookups"/>), and new leads go in through <see cref="LeadBulkWriter"/> with their
/// "created" history rows; updates go through EF, so <see cref="Changes.LeadHistoryRecorder"/> records them field by field.
/// While one batch is written, the next is read, checked and validated on a context of its own (<see cref="BatchCheck"/>):
/// the database's work and the app's overlap on two cores instead of taking turns. Imports that check for duplicates take
/// turns per workspace (<see cref="ImportGate"/>).
/// Every import is an <see cref="ImportRun"/> row whose progress is updated in each batch's own transaction: whatever
/// stops an import (an error, a shutdown, a crash), what landed and the row to resume from are on record, and a stopped
/// import throws <see cref="ImportInterruptedException"/> saying so (record keeping: <see cref="ImportRuns"/>). A job
/// (<see cref="ImportRequest.JobId"/>, run by <see cref="ImportJobRunner"/>) goes on from its record's last committed batch
/// and stops at a batch boundary when cancelled. A file whose first row is data, not a header, is refused (<see cref="ImportHeader"/>).
/// </summary>
public sealed partial class LeadImport(
    LeadlineDb db, LeadWriter writer, LeadService leads, CurrentUser user, TimeProvider clock, ImportGate gate,
    ImportRuns runs, IServiceProvider services, CustomFields.CustomFieldService customFields)
{
    // rows checked and committed together: on SQLite a commit writes every page the batch dirtied, and 2,000 random
    // inserts into 16 lead indexes and the key index dirty nearly as many pages as 10,000 do (import 3,500 → 5,100 rows/s
    // at 100,000 leads); more would hold SQLite's single write lock for seconds while people save in the app
    private const int BatchSize = 10_000;

    public Task<ImportResult> ImportAsync(TextReader text, DuplicatePolicy policy, IReadOnlyDictionary<string, string>? columnOverrides, CancellationToken ct) =>
        ImportAsync(text, new ImportRequest("import.csv", policy) { Columns = columnOverrides }, ct);

    public async Task<ImportResult> ImportAsync(TextReader text, ImportRequest request, CancellationToken ct)
    {
        var (policy, columnOverrides) = (request.Policy, request.Columns);
        using var csv = CsvReader.Create(text, new CsvReaderOptions { HasHeader = false, TrackLineNumbers = true, TrimWhitespace = true });
        if (!await csv.ReadAsync(ct))
            return await RefuseAsync(request, "The file is empty: the first row must name the columns.");
        var header = Enumerable.Range(0, csv.FieldCount).Select(csv.GetString).ToList();
        var map = ImportRows.MapHeader(header, columnOverrides);
        if (ImportHeader.Problem(header, map) is { } noHeader)
            return await RefuseAsync(request, noHeader);
        if (!map.ContainsValue("name"))
            return await RefuseAsync(request, "No 'name' column: the header row must include name.");
        var createCustomFields = request.CreateCustomFields
            || (request.Options?.TryGetValue("createCustomFields", out var create) == true && bool.TryParse(create, out var yes) && yes);   // a job's query options
        await CustomFields.CustomFieldColumns.MapAsync(header, map, columnOverrides, createCustomFields, customFields, ct);

        // checking for duplicates needs the leads of an import running meanwhile written first (and the codes it took)
        await using var turn = policy == DuplicatePolicy.Create ? null : await gate.EnterAsync(db, ct);
        var workspace = await leads.WorkspaceAsync(ct);
        var stages = new ImportStages(await db.Stages.AsNoTracking().ToListAsync(ct),
            await db.Pipelines.AsNoTracking().Where(p => p.IsDefault).Select(p => (int?)p.Id).FirstOrDefaultAsync(ct));
        var owners = await db.Users.AsNoTracking().Where(u => u.IsActive).ToDictionaryAsync(u => u.NormalizedEmail!, u => u.Id, ct);
        var run = new Run(policy, workspace, await writer.LookupsAsync(ct), request.User ?? (user.IsAuthenticated ? (user.Id, user.Name) : (null, "System")),
            await runs.StartAsync(db, request, user.IsAuthenticated ? user.Id : null, ct));

        using var stopBeating = new CancellationTokenSource();
        var heartbeat = runs.HeartbeatAsync(() => ActivatorUtilities.CreateInstance<LeadlineDb>(services), run.Record.Id, stopBeating.Token);
        try
        {
            await ImportRowsAsync(csv, map, stages, owners, request, run, ct);
        }
        catch (Exception ex)
        {
            // a job stopped by a shutdown is queued again for any instance; anything else stops it on record
            var shutdown = ct.IsCancellationRequested;
            throw await runs.StopAsync(db, run.Record, run.Committed, ex,
                shutdown ? request.Cancelled : $"The import stopped on an error (import {run.Record.Id}; the log has the details).", requeue: shutdown && request.JobId is not null);
        }
        finally
        {
            await stopBeating.CancelAsync();
            await heartbeat;
            runs.Ended(run.Record.Id);
        }
        return new ImportResult(run.Created, run.Updated, run.Skipped, run.Errors.OrderBy(e => e.Row).ToList());
    }

    /// <summary>A file refused before its first row; a job says why on its record.</summary>
    private async Task<ImportResult> RefuseAsync(ImportRequest request, string message)
    {
        if (request.JobId is { } job)
            await runs.RefuseAsync(db, job, message);
        return new ImportResult(0, 0, 0, [new ImportError(1, message)]);
    }

    private async Task ImportRowsAsync(CsvReader csv, Dictionary<int, string> map, ImportStages stages, Dictionary<string, int> owners,
        ImportRequest request, Run run, CancellationToken ct)
    {
        var rows = new List<ParsedRow>(BatchSize);
        await using var checkDb = ActivatorUtilities.CreateInstance<LeadlineDb>(services);
        var check = new BatchCheck(ActivatorUtilities.CreateInstance<Duplicates.DuplicateFinder>(services, checkDb), ActivatorUtilities.CreateInstance<LeadWriter>(services, checkDb));
        await using (var bulk = await LeadBulkWriter.OpenAsync(db, refreshStatistics: false, ct))
        {
            try
            {
                while (await csv.ReadAsync(ct))
                {
                    if (csv.RowNumber < request.FromRow)
                        continue;   // done by an earlier import of the file
                    run.LastRow = csv.RowNumber;
                    run.Read++;
                    var values = map.ToDictionary(kv => kv.Value, kv => kv.Key < csv.FieldCount ? CsvCells.Restore(csv.GetString(kv.Key)) : "");
                    var (input, present, rowError) = ImportRows.ToInput(values, stages, owners);
                    if (rowError is not null)
                    {
                        run.Errors.Add(new ImportError(csv.RowNumber, rowError));
                        continue;
                    }
                    rows.Add(new ParsedRow(csv.RowNumber, input, present));
                    if (rows.Count >= BatchSize)
                    {
                        if (await CancelRequestedAsync(request, checkDb, ct))
                            break;
                        await ImportBatchAsync(rows, run, check, bulk, ct);
                    }
                }
                var cancelled = await CancelRequestedAsync(request, checkDb, ct);
                if (!cancelled)
                    await ImportBatchAsync(rows, run, check, bulk, ct);
                await FinishWriteAsync(run, ct);
                // the end of the file: every row read is decided (rows after the last batch may have been skipped or refused)
                await runs.FinishAsync(db, run.Record.Id, cancelled ? run.Committed
                    : new ImportProgress(run.Read, run.LastRow + 1, run.Created, run.Updated, run.Skipped, [.. run.Errors.OrderBy(e => e.Row)]),
                    cancelled ? ImportStatus.Cancelled : ImportStatus.Completed);
            }
            finally
            {
                // never close the writer's connection under a write still running (the import failed meanwhile: that is the error to report)
                if (run.Writing is { } writing)
                    await writing.Task.ContinueWith(_ => { }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
            }
        }
    }

    /// <summary>A job someone cancelled stops at the next batch boundary (the batch being written still lands).</summary>
    private static async Task<bool> CancelRequestedAsync(ImportRequest request, LeadlineDb checkDb, CancellationToken ct) =>
        request.JobId is { } job && await checkDb.Imports.Where(r => r.Id == job).Select(r => r.CancelRequested).FirstAsync(ct);

    /// <summary>
    /// New leads through the bulk writer (with their "created" history rows), updates through EF (history per field),
    /// both in one transaction on the import's context. Touches nothing of the run: <see cref="FinishWriteAsync"/> does.
    /// </summary>
    private async Task WriteAsync(List<PendingRow> batch, List<Lead> added, DateTime now, Run run, ImportProgress progress, LeadBulkWriter bulk, CancellationToken ct)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await bulk.WriteAsync(added, now, run.User.Id, run.User.Name, ct);
        if (added.Count < batch.Count)
            await db.SaveChangesAsync(ct);
        await runs.RecordAsync(db, run.Record.Id, progress, now, ct);
        await tx.CommitAsync(ct);
        run.Committed = progress;
    }

    /// <summary>
    /// Waits for the batch being written and takes in its outcome: counts, codes now held, the live event. A batch the
    /// database refused (a code taken meanwhile, say) is replayed row by row to name the culprit; each replayed row goes
    /// through the writer again, so its history is recorded like any other change.
    /// </summary>
    private async Task FinishWriteAsync(Run run, CancellationToken ct)
    {
        if (run.Writing is not { } write)
            return;
        run.Writing = null;
        try
        {
            await write.Task;
            Count(run, write.Batch);
            foreach (var lead in write.Added.Where(l => l.Code is not null))
                run.Lookups.Taken(lead.Code!, lead.Id);
        }
        catch (Exception ex) when (ex is DbUpdateException or System.Data.Common.DbException)
        {
            db.ChangeTracker.Clear();
            foreach (var item in write.Batch.Where(p => p.Lead.Code is not null))
                run.Lookups.Forget(item.Lead.Code!);   // the replay below goes to the database for codes
            var saved = new List<PendingRow>();
            var refused = new List<ImportError>();
            // one transaction with the batch's progress again (each row's SaveChanges rolls back to its own savepoint)
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            foreach (var item in write.Batch)
            {
                try
                {
                    var lead = item.ExistingId is { } id ? await db.Leads.FirstAsync(l => l.Id == id, ct) : new Lead { Source = LeadSource.Import, IntakeMode = LeadIntakeMode.Import };
                    var rowErrors = await writer.ApplyAsync(lead, item.Input, item.Present, run.Workspace, ct);
                    if (rowErrors.Any)
                    {
                        refused.Add(new ImportError(item.Row, string.Join(" ", rowErrors.All)));
                        continue;
                    }
                    if (item.ExistingId is null)
                        db.Leads.Add(lead);
                    await db.SaveChangesAsync(ct);
                    saved.Add(item);
                }
                catch (DbUpdateException rowEx)
                {
                    refused.Add(new ImportError(item.Row, "The database refused this row: " + (rowEx.InnerException?.Message ?? rowEx.Message)));
                }
                finally
                {
                    db.ChangeTracker.Clear();
                }
            }
            var expected = write.Progress;
            var progress = expected with
            {
                Created = expected.Created - write.Added.Count + saved.Count(r => r.ExistingId is null),
                Updated = expected.Updated - (write.Batch.Count - write.Added.Count) + saved.Count(r => r.ExistingId is not null),
                Errors = [.. expected.Errors.Concat(refused).OrderBy(e => e.Row)],
            };
            await runs.RecordAsync(db, run.Record.Id, progress, write.Now, ct);
            await tx.CommitAsync(ct);
            run.Committed = progress;
            run.Errors.AddRange(refused);
            Count(run, saved);
        }
        finally
        {
            db.ChangeTracker.Clear();
        }
    }

    private static void Count(Run run, List<PendingRow> rows)
    {
        run.Created += rows.Count(r => r.ExistingId is null);
        run.Updated += rows.Count(r => r.ExistingId is not null);
    }
}

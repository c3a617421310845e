using CsvHelper;
using Leadline.Common;
using Leadline.Common.Security;
using Leadline.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Leadline.Leads;

/// <summary>A batch's checks before it is written: duplicates among the existing leads and the file's earlier rows, codes, and the writer's rules.</summary>
public sealed partial class LeadImport
{
    /// <summary>Checks and validates a batch (while the previous one is still being written), then starts writing it.</summary>
    private async Task ImportBatchAsync(List<ParsedRow> parsed, Run run, BatchCheck check, LeadBulkWriter bulk, CancellationToken ct)
    {
        if (parsed.Count == 0)
            return;
        var rows = parsed.ToList();
        parsed.Clear();
        var country = run.Workspace.DefaultCountry;
        var records = rows.Select(r => Duplicates.NormalizedRecord.From(MatchRecordOf(r), country)).ToList();
        var existing = run.Policy == DuplicatePolicy.Create ? [] : await check.Duplicates.FindExactAsync(records, country, ct);
        var existingIds = existing.Values.Distinct().ToList();
        Dictionary<int, Lead> tracked = [];
        if (run.Policy == DuplicatePolicy.Update && existing.Count > 0)
        {
            // the leads to update are tracked by the import's context, which saves them: it must be done with the last batch
            await FinishWriteAsync(run, ct);
            tracked = await db.Leads.Where(l => existingIds.Contains(l.Id)).ToDictionaryAsync(l => l.Id, ct);
        }
        await check.Writer.PrefetchCodesAsync(run.Lookups, rows.Where(r => r.Present.Contains("code") && !string.IsNullOrWhiteSpace(r.Input.Code)).Select(r => r.Input.Code!.Trim()), ct);

        var batch = new List<PendingRow>(rows.Count);
        var updating = new HashSet<int>();
        for (var i = 0; i < rows.Count; i++)
        {
            var (r, record) = (rows[i], records[i]);
            Lead? match = null;
            if (run.Policy != DuplicatePolicy.Create)
            {
                if (run.Taken.Find(record) is not null)
                {
                    run.Skipped++;   // the same person twice in one file: the first row wins
                    continue;
                }
                if (existing.TryGetValue(record.Id, out var existingId))
                {
                    // skip; or update, once per lead and file (a second row for it is the same person twice in the file)
                    if (run.Policy == DuplicatePolicy.Skip || !tracked.TryGetValue(existingId, out match) || !updating.Add(existingId))
                    {
                        run.Skipped++;
                        continue;
                    }
                }
            }

            var lead = match ?? new Lead { Source = LeadSource.Import, IntakeMode = LeadIntakeMode.Import };
            if (match is not null && string.IsNullOrWhiteSpace(r.Input.Name))
                r.Present.Remove("name");   // an update without a name in its row keeps the lead's name
            var rowErrors = await check.Writer.ApplyAsync(lead, r.Input, r.Present, run.Workspace, run.Lookups, ct);
            if (rowErrors.Any)
            {
                run.Errors.Add(new ImportError(r.Row, string.Join(" ", rowErrors.ToDictionary().Select(kv => $"{kv.Key}: {string.Join(" ", kv.Value)}"))));
                if (match is not null)
                    db.Entry(match).State = EntityState.Unchanged;   // a refused update leaves the lead as it was
                continue;
            }
            if (run.Policy != DuplicatePolicy.Create)
                run.Taken.Add(record);
            if (lead.Code is { } code)
                run.Lookups.Taken(code, match?.Id ?? (int)-r.Row);   // a later row of the batch may not take it too
            batch.Add(new PendingRow(r.Row, r.Input, r.Present, match?.Id, lead));
        }
        await FinishWriteAsync(run, ct);
        if (batch.Count == 0)
            return;
        var added = batch.Where(p => p.ExistingId is null).Select(p => p.Lead).ToList();
        var now = clock.GetUtcNow().UtcDateTime;
        // the rows read so far are decided once this batch lands: the resume row is the next one
        var progress = new ImportProgress(run.Read, run.LastRow + 1, run.Created + added.Count, run.Updated + batch.Count - added.Count, run.Skipped,
            [.. run.Errors.OrderBy(e => e.Row)]);
        // on a pool thread: SQLite's inserts are synchronous calls, which would otherwise hold up the next batch's check
        run.Writing = new Write(batch, added, progress, now, Task.Run(() => WriteAsync(batch, added, now, run, progress, bulk, ct), ct));
    }

    /// <summary>
    /// What the duplicate check reads of a row, as typed (it normalises e-mail, phones and names itself). Its id is the
    /// negated row number: unique in the file, and never a lead's id (the check leaves out a candidate with the record's own id).
    /// </summary>
    private static Duplicates.MatchRecord MatchRecordOf(ParsedRow row) => new()
    {
        Id = -row.Row, Name = row.Input.Name, Company = row.Input.Company, Email = row.Input.Email, Phone = row.Input.Phone, Mobile = row.Input.Mobile,
        Website = row.Input.Website, Street = row.Input.Address?.Street, City = row.Input.Address?.City, State = row.Input.Address?.State,
        PostalCode = row.Input.Address?.PostalCode, Country = row.Input.Address?.Country,
        DateOfBirth = DateOnly.TryParseExact(row.Input.DateOfBirth, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var born) ? born : null,
    };
}

using CsvHelper;
using Leadline.Common;
using Leadline.Common.Time;
using Leadline.Data;
using Microsoft.EntityFrameworkCore;

namespace Leadline.Leads;

/// <summary>Streams the filtered leads as CSV: rows are read and written one by one, so memory stays flat at any size.</summary>
public sealed class LeadExport(LeadlineDb db, LeadQueries queries)
{
    public async Task WriteAsync(Stream output, LeadFilter filter, int currentUserId, WorkspaceClock clock, CancellationToken ct)
    {
        var context = new LeadCsv.CsvContext(
            await db.Stages.AsNoTracking().ToDictionaryAsync(s => s.Id, s => s.Name, ct),
            await db.Users.AsNoTracking().ToDictionaryAsync(u => u.Id, u => u.Email ?? "", ct));
        // a column per custom field after the lead's own, headed by its label (what import maps back by label or key)
        var customFields = await db.CustomFields.AsNoTracking().OrderBy(f => f.Order).ThenBy(f => f.Id).ToListAsync(ct);
        await using var csv = CsvWriter.Create(output, new CsvWriterOptions { FormatProvider = System.Globalization.CultureInfo.InvariantCulture }, leaveOpen: true);
        foreach (var column in LeadCsv.Columns)
            csv.WriteCell(column.Header);
        foreach (var field in customFields)
            csv.WriteCell(field.Label);
        await csv.EndRecordAsync(ct);
        var rows = LeadQueries.Order(queries.Filter(filter, currentUserId, clock), filter.Sort).AsAsyncEnumerable();
        var count = 0;
        await foreach (var lead in rows.WithCancellation(ct))
        {
            foreach (var column in LeadCsv.Columns)
                csv.WriteCell(column.Read(lead, context));
            if (customFields.Count > 0)
            {
                var values = CustomFields.CustomFieldValues.Read(lead.CustomFields);
                foreach (var field in customFields)
                    csv.WriteCell(CustomFields.CustomFieldValues.Text(values[field.Key]));
            }
            await csv.EndRecordAsync(ct);
            if (++count % 1000 == 0)
                await csv.FlushAsync(ct);
        }
        await csv.FlushAsync(ct);
    }
}

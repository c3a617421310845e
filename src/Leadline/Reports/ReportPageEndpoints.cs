using System.Globalization;
using CsvHelper;
using Leadline.Common;
using Leadline.Leads;

namespace Leadline.Reports;

internal static class ReportPageEndpoints
{
    public static void MapReportPages(this IEndpointRouteBuilder app)
    {
        // the figures of the page as CSV: one section per table, so a spreadsheet shows what the page shows
        app.MapGet("/reports/lead-flow.csv", async (HttpContext http, string? from, string? to, LeadFlowReport report, LeadService leads, CancellationToken ct) =>
        {
            var clock = await leads.ClockAsync(ct);
            var (start, end, error) = Range(from, to, clock.Today);
            if (error is not null)
                return Results.BadRequest(error);
            var figures = await report.RunAsync(start, end, clock, ct);
            http.Response.ContentType = "text/csv; charset=utf-8";
            http.Response.Headers.ContentDisposition = $"attachment; filename=\"lead-flow-{start:yyyyMMdd}-{end:yyyyMMdd}.csv\"";
            await WriteCsvAsync(http.Response.Body, figures, ct);
            return Results.Empty;
        }).RequirePermission(Permission.Export);
    }

    /// <summary>The date range of the report: both days included, default the last 7 days; at most a year.</summary>
    public static (DateOnly From, DateOnly To, string? Error) Range(string? from, string? to, DateOnly today)
    {
        var end = today;
        var start = today.AddDays(-6);
        if (!string.IsNullOrEmpty(to) && !DateOnly.TryParseExact(to, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out end))
            return (today, today, "The end date must be a date (yyyy-mm-dd).");
        if (!string.IsNullOrEmpty(from) && !DateOnly.TryParseExact(from, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out start))
            return (today, today, "The start date must be a date (yyyy-mm-dd).");
        if (string.IsNullOrEmpty(from))
            start = end.AddDays(-6);
        if (start > end)
            return (start, end, "The start date must not be after the end date.");
        if (end.DayNumber - start.DayNumber > 366)
            return (start, end, "Choose at most a year.");
        return (start, end, null);
    }

    public static async Task WriteCsvAsync(Stream body, LeadFlowFigures f, CancellationToken ct)
    {
        // sections of different widths, one after another, as the page shows them
        await using var csv = CsvWriter.Create(body, new CsvWriterOptions { ValidateFieldCount = false }, leaveOpen: true);
        async Task Row(params string[] fields)
        {
            foreach (var field in fields)
                csv.WriteCell(field);
            await csv.EndRecordAsync(ct);
        }
        static string N(int n) => n.ToString(CultureInfo.InvariantCulture);
        await Row("Lead flow", f.From.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), f.To.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        await Row("Calls logged", N(f.CallsLogged));
        await Row("Leads contacted", N(f.LeadsContacted));
        await Row("Leads closed", N(f.LeadsClosed));
        await Row("");   // a blank line between sections
        await Row("Operator", "Calls", "Leads contacted", "Leads closed");
        foreach (var o in f.ByOperator)
            await Row(o.Name, N(o.Calls), N(o.LeadsContacted), N(o.LeadsClosed));
        await Row("");   // a blank line between sections
        await Row("Hour", "Calls");
        for (var hour = 0; hour < 24; hour++)
            await Row($"{hour:00}:00", N(f.CallsByHour[hour]));
        await Row("");   // a blank line between sections
        await Row("Outcome", "Calls");
        foreach (var (outcome, count) in f.Outcomes)
            await Row(outcome.ToString(), N(count));
        await csv.FlushAsync(ct);
    }
}

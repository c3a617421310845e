using Leadline.Leads;
using System.Globalization;

namespace Leadline.Bench;

/// <summary>Collects one database's figures and prints them as Markdown, with the targets of the issue marked.</summary>
internal sealed class Report(string database)
{
    private const double PageTargetMs = 50;
    private const double RatioTarget = 2;
    private const double ImportTarget = 20_000;
    private const long ExportMemoryTarget = 250L * 1024 * 1024;

    private readonly List<ListResult> _lists = [];
    private readonly List<string> _other = [];

    private readonly List<string> _load = [];

    public void Seed(int leads, TimeSpan elapsed, TimeSpan benchCpu) =>
        _other.Add($"| seed-demo (DemoSeeder) | {leads:N0} leads + {leads:N0} history rows in {elapsed.TotalSeconds:N1} s = **{leads / elapsed.TotalSeconds:N0} leads/s** " +
                   $"(this process used {benchCpu.TotalSeconds:N1} s of CPU meanwhile) | ≥ 20,000/s | {Mark(leads / elapsed.TotalSeconds >= 20_000)} |");

    /// <summary>Notes the machine's load average: other work on a shared machine slows every figure.</summary>
    public void Load(string when)
    {
        if (File.Exists("/proc/loadavg"))
            _load.Add($"{when} {string.Join(" / ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3))}");
    }

    public void Size(long bytes) => _other.Add($"| database size after seeding | {Mb(bytes)} | | |");

    public void List(ListResult result) => _lists.Add(result);

    public void Home((Timings Times, Home.LeadFigures Figures) home)
    {
        var (t, f) = home;
        _other.Add($"| start page figures (HomeFigures.LeadsAsync: all, by status, new this week {f.NewThisWeek}, hot {f.Hot}, overdue {f.OverdueFollowUps}, mine {f.Mine}) " +
                   $"| p50 {t.P50:N1} ms / p95 {t.P95:N1} ms ({t.Count} runs) | none (issue 3 sets none) | |");
    }

    public void WorkQueue((Timings Page, Timings Next, LeadCount Count) queue) => _other.Add(
        $"| work queue (WorkQueueService: first page of {queue.Count.WithNoun()}; the next lead to work) " +
        $"| page p50 {queue.Page.P50:N1} ms / p95 {queue.Page.P95:N1} ms; next p50 {queue.Next.P50:N1} ms / p95 {queue.Next.P95:N1} ms ({queue.Page.Count} runs) | none (issue 3 sets none) | |");

    public void Export(ExportFigures e) => _other.Add(
        $"| export (LeadExport, all leads, in a process of its own) | {e.Rows:N0} rows, {Mb(e.Bytes)} of CSV in {e.Elapsed.TotalSeconds:N1} s ({e.Rows / e.Elapsed.TotalSeconds:N0} rows/s); " +
        $"**peak working set of the process {Mb(e.ProcessPeakWorkingSet)}** (PeakWorkingSet64; {Mb(e.BaselineWorkingSet)} when the export began), " +
        $"peak managed heap {Mb(e.PeakManagedHeap)} (GC.GetTotalMemory, sampled every 10 ms) | ≤ 250 MB, streams | {Mark(e.ProcessPeakWorkingSet <= ExportMemoryTarget)} |");

    public void Import(ImportFigures i) => _other.Add(
        $"| import (LeadImport, skip duplicates) | {i.Rows:N0} CSV rows{(i.TimedOut ? $" — **stopped by --import-timeout**, {i.Created:N0} written" : $": {i.Created:N0} created, {i.Skipped:N0} skipped, {i.Errors:N0} errors")} " +
        $"in {i.Elapsed.TotalSeconds:N1} s = **{i.RowsPerSecond:N0} rows/s** (this process used {i.BenchCpu.TotalSeconds:N1} s of CPU meanwhile) | ≥ 20,000/s | {Mark(i.RowsPerSecond >= ImportTarget)} |");

    /// <summary>The synchronous import and the import job, alternated: each run, and the medians' ratio (the job path should stay within 10 %).</summary>
    public void ImportJobs(IReadOnlyList<ImportFigures> direct, IReadOnlyList<ImportFigures> jobs)
    {
        static double Median(IEnumerable<double> values)
        {
            var sorted = values.Order().ToList();
            return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
        }
        var (d, j) = (Median(direct.Select(i => i.RowsPerSecond)), Median(jobs.Select(i => i.RowsPerSecond)));
        _other.Add($"| import, synchronous vs job (ImportJobs + ImportJobRunner: file stored, claimed, run), {direct.Count} alternated pairs of {direct[0].Rows:N0} rows | " +
                   $"synchronous {string.Join(", ", direct.Select(i => i.RowsPerSecond.ToString("N0", System.Globalization.CultureInfo.InvariantCulture)))} rows/s, median **{d:N0}**; " +
                   $"job {string.Join(", ", jobs.Select(i => i.RowsPerSecond.ToString("N0", System.Globalization.CultureInfo.InvariantCulture)))} rows/s, median **{j:N0}** = **{j / d:P0}** of synchronous | ≥ 90 % | {Mark(j >= 0.9 * d)} |");
    }

    public void Print(TextWriter output, bool plans)
    {
        output.WriteLine();
        output.WriteLine($"## {database}");
        output.WriteLine();
        if (_load.Count > 0)
        {
            output.WriteLine($"Load average (1 / 5 / 15 min): {string.Join("; ", _load)}.");
            output.WriteLine();
        }
        output.WriteLine("First page (50 rows, newest first unless the case says sort=…) and total of the lead list; milliseconds, p50 / p95. " +
                         $"App = LeadQueries.Filter + PageAsync; count app = LeadQueries.CountAsync, exact up to {LeadQueries.TotalCap:N0} (\"10,000+\" above), as the API and the Leads page run it; " +
                         "raw = the same SQL text on the same connection. Exact count: CountAsync() without the cap, for comparison. Runs: timed rounds of page / count (fewer when --budget ran out).");
        output.WriteLine();
        output.WriteLine("| filter | total (exact) | page app p50 / p95 | page raw p50 / p95 | page app/raw (p95) | count app p50 / p95 | count raw p50 / p95 | exact count p50 / p95 | runs | page ≤ 50 ms & ≤ 2× raw |");
        output.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|:---:|");
        foreach (var r in _lists)
        {
            var ratio = r.AppPage.P95 / r.RawPage.P95;
            var ok = r.AppPage.P95 <= PageTargetMs && ratio <= RatioTarget;
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {r.Case.Name} | {r.Total:N0}{(r.Capped ? "+" : "")} ({r.ExactTotal:N0}) | {Ms(r.AppPage)} | {Ms(r.RawPage)} | {ratio:0.00} | {Ms(r.AppCount)} | {Ms(r.RawCount)} | {Ms(r.ExactCount)} | {r.AppPage.Count}/{r.AppCount.Count} | {Mark(ok)} |"));
        }
        output.WriteLine();
        output.WriteLine("| measure | result | target | met |");
        output.WriteLine("|---|---|---|:---:|");
        foreach (var line in _other)
            output.WriteLine(line);
        if (!plans)
            return;
        output.WriteLine();
        output.WriteLine($"### {database} query plans of the first page");
        foreach (var r in _lists.Where(r => r.Plan is not null))
        {
            output.WriteLine();
            output.WriteLine($"`{r.Case.Name}`");
            output.WriteLine("```");
            output.WriteLine(r.Plan);
            output.WriteLine("```");
        }
    }

    private static string Ms(Timings t) => string.Create(CultureInfo.InvariantCulture, $"{t.P50:0.0} / {t.P95:0.0}");

    private static string Mb(long bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0 / 1024.0:N0} MB");

    private static string Mark(bool ok) => ok ? "yes" : "**no**";
}

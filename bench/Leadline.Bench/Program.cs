using System.Diagnostics;
using Leadline.Data;
using Leadline.Leads;
using Microsoft.Extensions.DependencyInjection;

namespace Leadline.Bench;

/// <summary>The entry point (a class rather than top-level statements, so <c>Program</c> still names the app's own).</summary>
internal static class BenchProgram
{
    public static async Task<int> Main(string[] args)
    {
        if (args.Length > 0 && args[0] == DedupEval.Command)
            return DedupEval.Run(args[1..]);
        if (args.Length > 0 && args[0] == OutboxBench.Command)
            return await OutboxBench.RunAsync(args[1..]);
        if (args.Length > 0 && args[0] == ExportChild.Flag)
            return await ExportChild.MainAsync(args, CancellationToken.None);
        BenchOptions options;
        try
        {
            options = BenchOptions.Parse(args);
        }
        catch (ArgumentException ex)
        {
            await Console.Error.WriteLineAsync(ex.Message);
            await Console.Error.WriteLineAsync(BenchOptions.Usage);
            return 2;
        }
        if (options.Help)
        {
            Console.WriteLine(BenchOptions.Usage);
            return 0;
        }
        options = PipelineBench.ApplySuite(options);
        var ct = CancellationToken.None;
        var log = Console.Error;

        Console.WriteLine($"Leadline bench: {options.Leads:N0} leads, {options.Runs} runs after {options.Warmup} warm-up rounds, " +
                          $"page size {ListBench.PageSize}; {Environment.ProcessorCount} cores, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, " +
                          $".NET {Environment.Version}; {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
        foreach (var kind in options.Databases)
        {
            if (options.Reuse is { } reused)
            {
                // measure again on a kept database: no seeding, no load figures
                if (options.Databases.Count > 1)
                    throw new ArgumentException("--reuse needs --db sqlite or --db postgres.");
                await using var kept = BenchDatabase.Reuse(kind, options.Postgres, reused);
                var (keptWorkspace, keptAdmin) = await kept.FindAsync(ct);
                if (options.Suite is "leads" or "all")
                {
                    var keptReport = new Report(kept.Name);
                    await RunListAsync(kept, keptWorkspace, keptAdmin, keptReport, options, log, ct);
                    if (options.ImportRows > 0 && !options.Skip.Contains("import"))
                    {
                        await log.WriteLineAsync($"{kept.Name}: import {options.ImportRows:N0} rows");
                        keptReport.Import(await new ImportExportBench(kept, keptWorkspace, keptAdmin).ImportAsync(options.ImportRows, options.ImportTimeout, ct));
                    }
                    keptReport.Print(Console.Out, options.Explain);
                }
                if (options.Suite is "pipeline" or "all")
                    await RunPipelineSuiteAsync(kept, keptWorkspace, keptAdmin, options, log, ct);
                if (options.Suite is "dedup" or "all")
                    await new DuplicateCheckBench(kept, keptWorkspace, options).RunAsync(Console.Out, log, ct);
                break;
            }
            await using var database = await BenchDatabase.CreateAsync(kind, options.Postgres, options.Keep);
            var report = new Report(database.Name);
            var (workspaceId, adminId) = await database.PrepareAsync(ct);

            await log.WriteLineAsync($"{database.Name}: seeding {options.Leads:N0} leads");
            report.Load("before seeding");
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            var watch = Stopwatch.StartNew();
            await using (var scope = database.Scope(workspaceId))
                await scope.ServiceProvider.GetRequiredService<DemoSeeder>().SeedAsync(options.Leads, log, ct);
            report.Seed(options.Leads, watch.Elapsed, Process.GetCurrentProcess().TotalProcessorTime - cpu);
            if (database.Provider == DatabaseProvider.Postgres)
            {
                // what autovacuum does soon after a bulk load; without it the first minutes see no statistics or visibility map
                await log.WriteLineAsync("VACUUM ANALYZE");
                await database.ExecuteAsync("VACUUM ANALYZE", ct);
            }
            report.Size(await database.SizeBytesAsync(ct));

            await RunListAsync(database, workspaceId, adminId, report, options, log, ct);

            var io = new ImportExportBench(database, workspaceId, adminId);
            if (!options.Skip.Contains("export"))
            {
                await log.WriteLineAsync($"{database.Name}: export");
                report.Export(await ExportChild.RunAsync(database, workspaceId, adminId, ct));
            }
            if (options.ImportRows > 0 && !options.Skip.Contains("import"))
            {
                await log.WriteLineAsync($"{database.Name}: import {options.ImportRows:N0} rows");
                report.Import(await io.ImportAsync(options.ImportRows, options.ImportTimeout, ct));
            }
            if (options.ImportRows > 0 && options.ImportJobPairs > 0)
            {
                // alternated, so neither path always lands on the larger database
                List<ImportFigures> direct = [], jobs = [];
                for (var pair = 0; pair < options.ImportJobPairs; pair++)
                {
                    foreach (var job in pair % 2 == 0 ? new[] { false, true } : [true, false])
                    {
                        await log.WriteLineAsync($"{database.Name}: import {options.ImportRows:N0} rows {(job ? "as a job" : "synchronously")} (pair {pair + 1})");
                        (job ? jobs : direct).Add(job ? await io.ImportJobAsync(options.ImportRows, ct) : await io.ImportAsync(options.ImportRows, options.ImportTimeout, ct));
                    }
                }
                report.ImportJobs(direct, jobs);
            }
            if (options.Suite is "pipeline" or "all")
                await RunPipelineSuiteAsync(database, workspaceId, adminId, options, log, ct);
            if (options.Suite is "dedup" or "all")
                await new DuplicateCheckBench(database, workspaceId, options).RunAsync(Console.Out, log, ct);
            if (options.Suite is "whatsapp" or "all")
            {
                await log.WriteLineAsync($"{database.Name}: WhatsApp webhook ingest for {options.IngestDuration.TotalSeconds:F0} s, {options.IngestConcurrency} senders");
                var ingest = await new WebhookIngestBench(database, workspaceId)
                    .RunAsync(options.IngestDuration, options.IngestConcurrency, 2_000, options.IngestProcessDuring, options.IngestCheckDeliveries, options.LiveSamples, log, ct);
                WebhookIngestBench.Print(Console.Out, database.Name, ingest);
            }
            if (options.Suite is "webform" or "all")
            {
                await log.WriteLineAsync($"{database.Name}: web form intake for {options.IngestDuration.TotalSeconds:F0} s, {options.IngestConcurrency} visitors at once");
                var intake = await new WebformIngestBench(database, workspaceId).RunAsync(options.IngestDuration, options.IngestConcurrency, 2_000, ct);
                WebformIngestBench.Print(Console.Out, database.Name, intake);
            }
            if (options.Suite is "inbox" or "all")
                InboxBench.Print(Console.Out, database.Name, options.Leads, await new InboxBench(database, workspaceId, options).RunAsync(log, ct));
            report.Load("at the end");
            if (options.Suite is "leads" or "all")
                report.Print(Console.Out, options.Explain);
        }
        return 0;
    }

    private static async Task RunListAsync(BenchDatabase database, int workspaceId, int adminId, Report report, BenchOptions options, TextWriter log, CancellationToken ct)
    {
        var list = new ListBench(database, workspaceId, adminId, options);
        List<ListCase> cases = options.Skip.Contains("list") ? [] : await ListBench.CasesAsync(database, workspaceId, ct);
        if (options.Cases is { } only)
            cases = cases.Where(c => c.Name.Contains(only, StringComparison.OrdinalIgnoreCase)).ToList();
        await list.WarmUpAsync(cases, ct);
        foreach (var c in cases)
        {
            await log.WriteLineAsync($"{database.Name}: {c.Name}");
            report.List(await list.RunAsync(c, options.Explain, ct));
        }
        if (!options.Skip.Contains("home"))
        {
            await log.WriteLineAsync($"{database.Name}: start page figures");
            report.Home(await list.HomeFiguresAsync(ct));
            await log.WriteLineAsync($"{database.Name}: work queue");
            report.WorkQueue(await list.WorkQueueAsync(ct));
        }
    }

    private static async Task RunPipelineSuiteAsync(BenchDatabase database, int workspaceId, int adminId, BenchOptions options, TextWriter log, CancellationToken ct)
    {
        var report = new PipelineReport(database.Name);
        report.Load("at the start");
        if (!options.Skip.Contains("board"))
            await new PipelineBench(database, workspaceId, adminId, options).RunAsync(report, log, ct);
        if (options.Reminders > 0 && !options.Skip.Contains("reminders"))
        {
            var instances = database.Provider == DatabaseProvider.Postgres ? 2 : 1;
            await log.WriteLineAsync($"{database.Name}: {options.Reminders:N0} due reminders, {instances} dispatcher(s)");
            report.Reminders(await new ReminderBench(database, workspaceId, adminId).RunAsync(options.Reminders, instances, ct));
        }
        report.Load("at the end");
        report.Print(Console.Out);
    }
}

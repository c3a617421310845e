using System.Globalization;

namespace Leadline.Bench;

/// <summary>Command line: <c>--leads N --db sqlite|postgres|both [--pg CONN] [--runs N] [--import N] [--budget SECONDS]</c>.</summary>
internal sealed record BenchOptions
{
    public const string PostgresVariable = "LEADLINE_BENCH_PG";

    public int Leads { get; init; } = 1_000_000;

    public IReadOnlyList<string> Databases { get; init; } = ["sqlite", "postgres"];

    /// <summary>A connection string to a PostgreSQL server; the bench creates and drops its own database there.</summary>
    public string? Postgres { get; init; }

    public int Runs { get; init; } = 30;

    public int Warmup { get; init; } = 3;

    public int ImportRows { get; init; } = 100_000;

    /// <summary>
    /// Pairs of imports of <see cref="ImportRows"/> rows, the synchronous import and the import job alternated (S J, J S, …):
    /// the job path's speed beside the synchronous one's, medians over the pairs (0: none).
    /// </summary>
    public int ImportJobPairs { get; init; }

    /// <summary>Upper bound for one measurement loop; a slow query stops early with fewer runs (reported).</summary>
    public TimeSpan Budget { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>Upper bound for the import; it is cancelled after this and the rows written so far are counted.</summary>
    public TimeSpan ImportTimeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Keep the database afterwards (for EXPLAIN by hand); its location is printed.</summary>
    public bool Keep { get; init; }

    /// <summary>An earlier run's kept PostgreSQL database (its name, from <c>--keep</c>) to measure again without seeding.</summary>
    public string? Reuse { get; init; }

    /// <summary>Print each first-page query with its plan (EXPLAIN QUERY PLAN / EXPLAIN ANALYZE).</summary>
    public bool Explain { get; init; }

    public bool Help { get; init; }

    /// <summary>leads (list, export, import), pipeline (board, moves, reminders: PipelineBench, ReminderBench) or all.</summary>
    public string Suite { get; init; } = "leads";

    /// <summary>Due reminders the pipeline suite's reminder cycle dispatches.</summary>
    public int Reminders { get; init; } = 10_000;

    /// <summary>Only the list cases whose name contains this text (<c>--cases cf.</c>: the custom-field filters).</summary>
    public string? Cases { get; init; }

    /// <summary>Parts to leave out: list, export, import (comma-separated).</summary>
    public IReadOnlySet<string> Skip { get; init; } = new HashSet<string>();

    /// <summary>How long the WhatsApp suite posts webhook deliveries.</summary>
    public TimeSpan IngestDuration { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Concurrent senders of the WhatsApp suite.</summary>
    public int IngestConcurrency { get; init; } = 32;

    /// <summary>The WhatsApp suite's deliveries are processed while they arrive (the app's worker), or only after the load.</summary>
    public bool IngestProcessDuring { get; init; } = true;

    /// <summary>
    /// With <c>--ingest-check deliveries</c> the bench does not wait for processing: lost is checked against the stored
    /// deliveries (duplicates are only removed by processing, so they are not counted); <c>messages</c> (the default)
    /// waits until every delivery is processed and checks the messages.
    /// </summary>
    public bool IngestCheckDeliveries { get; init; }

    /// <summary>Messages of the WhatsApp suite's live-page measurement (webhook → SSE event → thread); 0 leaves it out.</summary>
    public int LiveSamples { get; init; } = 200;

    public static BenchOptions Parse(string[] args)
    {
        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal))
                throw new ArgumentException($"Unexpected argument '{args[i]}'.");
            values[args[i][2..]] = i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal) ? args[++i] : "true";
        }
        int Int(string name, int fallback, int min, int max)
        {
            if (!values.TryGetValue(name, out var raw))
                return fallback;
            return int.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max
                ? n
                : throw new ArgumentException($"--{name} must be a whole number from {min} to {max}.");
        }
        var db = values.GetValueOrDefault("db", "both").ToLowerInvariant();
        return new BenchOptions
        {
            Leads = Int("leads", 1_000_000, 1, 5_000_000),
            Databases = db switch
            {
                "sqlite" => ["sqlite"],
                "postgres" => ["postgres"],
                "both" => ["sqlite", "postgres"],
                _ => throw new ArgumentException("--db must be sqlite, postgres or both."),
            },
            Postgres = values.GetValueOrDefault("pg") ?? Environment.GetEnvironmentVariable(PostgresVariable),
            Runs = Int("runs", 30, 1, 1000),
            Warmup = Int("warmup", 3, 0, 100),
            ImportRows = Int("import", 100_000, 0, 1_000_000),
            ImportJobPairs = Int("import-jobs", 0, 0, 20),
            Budget = TimeSpan.FromSeconds(Int("budget", 20, 1, 3600)),
            ImportTimeout = TimeSpan.FromSeconds(Int("import-timeout", 600, 1, 36_000)),
            Keep = values.ContainsKey("keep"),
            Reuse = values.GetValueOrDefault("reuse"),
            Explain = values.ContainsKey("explain"),
            Help = values.ContainsKey("help"),
            Suite = values.GetValueOrDefault("suite", "leads").ToLowerInvariant() is var suite && suite is "leads" or "pipeline" or "dedup" or "whatsapp" or "webform" or "inbox" or "all"
                ? suite
                : throw new ArgumentException("--suite must be leads, pipeline, dedup, whatsapp, webform, inbox or all."),
            IngestDuration = TimeSpan.FromSeconds(Int("ingest-seconds", 60, 1, 3600)),
            IngestConcurrency = Int("ingest-concurrency", 32, 1, 512),
            IngestProcessDuring = values.GetValueOrDefault("ingest-processing", "during").ToLowerInvariant() switch
            {
                "during" => true,
                "after" => false,
                _ => throw new ArgumentException("--ingest-processing must be during or after."),
            },
            IngestCheckDeliveries = values.GetValueOrDefault("ingest-check", "messages").ToLowerInvariant() switch
            {
                "messages" => false,
                "deliveries" => true,
                _ => throw new ArgumentException("--ingest-check must be messages or deliveries."),
            },
            LiveSamples = Int("live-samples", 200, 0, 100_000),
            Reminders = Int("reminders", 10_000, 0, 1_000_000),
            Cases = values.GetValueOrDefault("cases"),
            Skip = values.GetValueOrDefault("skip", "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.OrdinalIgnoreCase),
        };
    }

    public const string Usage = """
        Leadline benchmark: seeds a fresh database and measures the lead list, import and export.
          dotnet run -c Release --project bench/Leadline.Bench -- --leads 1000000 --db sqlite|postgres|both
              [--pg "Host=127.0.0.1;Port=5432;Username=postgres"] (or LEADLINE_BENCH_PG)
              [--runs 30] [--warmup 3] [--import 100000] [--import-jobs 3 (alternated synchronous/job imports)] [--budget 20] [--import-timeout 600] [--explain] [--keep] [--reuse NAME (a kept database: a PostgreSQL database's name, or a SQLite file with --db sqlite)] [--skip list,home,export,import] (home: the start page and the work queue) [--cases TEXT (only list cases whose name holds it)]
              [--suite leads|pipeline|dedup|whatsapp|webform|inbox|all] [--reminders 10000]   (pipeline: board, moves, reminder dispatch; dedup: the real-time duplicate check; inbox: the Inbox's queues, first page)
              [--ingest-seconds 60] [--ingest-concurrency 32] [--ingest-processing during|after] [--ingest-check messages|deliveries] [--live-samples 200]   (whatsapp: signed webhook deliveries over loopback, then lost/duplicated, then webhook → open page's live stream; use --leads 1 to skip most seeding)
        Prints one Markdown table per database on standard output; progress goes to standard error.
        """;
}

using System.Diagnostics;
using System.Globalization;
using CsvHelper;
using Leadline.Duplicates;

namespace Leadline.Bench;

/// <summary>
/// <c>dedup [--data DIR] [--files a.csv,b.csv]</c>: runs the duplicate sweep over the labelled record-linkage sets in
/// <c>shared/data/dedup</c> and prints pairwise precision, recall and F1 for the exact level and the similar level
/// (exact ∪ similar), the candidate pairs blocking produced, blocking recall and the time taken.
/// </summary>
internal static class DedupEval
{
    public const string Command = "dedup";

    private static readonly string[] DefaultFiles = ["febrl1.csv", "febrl2.csv", "chicago_sites_dev.csv"];

    public static int Run(string[] args)
    {
        var data = Path.Combine("..", "shared", "data", "dedup");
        var files = DefaultFiles;
        var explain = 0;
        var api = false;
        var limit = 0;
        var kind = "sqlite";
        var pg = Environment.GetEnvironmentVariable(BenchOptions.PostgresVariable);
        var scale = 0;
        var learn = true;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--data" when i + 1 < args.Length: data = args[++i]; break;
                case "--files" when i + 1 < args.Length: files = args[++i].Split(','); break;
                case "--no-em": learn = false; break;
                case "--api": api = true; break;
                case "--limit" when i + 1 < args.Length: limit = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--db" when i + 1 < args.Length: kind = args[++i]; break;
                case "--pg" when i + 1 < args.Length: pg = args[++i]; break;
                case "--scale" when i + 1 < args.Length: scale = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--explain" when i + 1 < args.Length: explain = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                default:
                    Console.Error.WriteLine($"unknown argument {args[i]}; usage: dedup [--data DIR] [--files a.csv,b.csv] [--explain N] [--scale N] [--no-em] [--api [--db sqlite|postgres] [--pg CS] [--limit N]]");
                    return 2;
            }
        }
        if (scale > 0)
        {
            Console.WriteLine(DedupScale.Run(scale, explain));
            return 0;
        }
        if (!Directory.Exists(data))
        {
            Console.Error.WriteLine($"no data folder {Path.GetFullPath(data)}");
            return 2;
        }
        if (api)
            return DedupApiEval.RunAsync(data, files, kind, pg, limit).GetAwaiter().GetResult();
        Console.WriteLine($"Leadline duplicate evaluation; {Environment.ProcessorCount} cores, .NET {Environment.Version}");
        Console.WriteLine();
        Console.WriteLine("| file | records | true pairs | candidate pairs | blocking recall | exact P | exact R | exact F1 | similar P | similar R | similar F1 | time |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var file in files)
        {
            var path = Path.Combine(data, file);
            var (records, truth, country) = Load(path);
            Console.WriteLine(Evaluate(file, records, truth, new SweepOptions { DefaultCountry = country, LearnRates = learn }));
            if (explain > 0)
                Explain(records, truth, country, explain);
        }
        return 0;
    }

    private static string Evaluate(string file, List<MatchRecord> records, Dictionary<long, string> truth, SweepOptions options)
    {
        var watch = Stopwatch.StartNew();
        var result = DuplicateSweep.Run(records, options);
        var exact = result.Groups(MatchLevel.Exact);
        var similar = result.Groups(MatchLevel.Similar);
        var elapsed = watch.Elapsed;

        var truePairs = truth.Values.GroupBy(v => v, StringComparer.Ordinal).Sum(g => (long)g.Count() * (g.Count() - 1) / 2);
        var blockingRecall = BlockingRecall(records, truth, options);
        var (ep, er, ef) = Pairwise(exact, truth, truePairs);
        var (sp, sr, sf) = Pairwise(similar, truth, truePairs);
        return string.Create(CultureInfo.InvariantCulture,
            $"| {file} | {records.Count:N0} | {truePairs:N0} | {result.CandidatePairs:N0} | {blockingRecall:0.000} | {ep:0.000} | {er:0.000} | {ef:0.000} | {sp:0.000} | {sr:0.000} | {sf:0.000} | {elapsed.TotalSeconds:0.00} s |");
    }

    /// <summary>Prints up to <paramref name="count"/> wrongly grouped and missed pairs (similar level) with their field evidence.</summary>
    private static void Explain(List<MatchRecord> records, Dictionary<long, string> truth, string country, int count)
    {
        var options = new SweepOptions { DefaultCountry = country };
        var normalized = records.Select(r => NormalizedRecord.From(r, country)).ToList();
        var scorer = new DuplicateScorer(DuplicateSweep.Run(records, options).Statistics);
        var groups = DuplicateSweep.Run(records, options).Groups(MatchLevel.Similar);
        var stats = scorer.Statistics;
        Console.WriteLine($"duplicates per record {stats.DuplicatesPerRecord:0.00}");
        foreach (var f in Enum.GetValues<MatchField>())
            Console.WriteLine($"  {f}: " + string.Join("  ", Enumerable.Range(0, FieldComparison.Levels(f)).Select(l => $"{l}: m={stats.M(f, l):0.000} u={stats.U(f, l):0.0000} w={Math.Log2(stats.M(f, l) / stats.U(f, l)):0.0}")));
        var groupOf = groups.SelectMany((g, gi) => g.RecordIds.Select(id => (id, gi))).ToDictionary(x => x.id, x => x.gi);
        string Show(long id) => $"{records[(int)id].Name} | {records[(int)id].Street} | {records[(int)id].PostalCode} | {records[(int)id].Phone} | {records[(int)id].DateOfBirth}".ReplaceLineEndings(" ");
        void Print(string kind, long a, long b)
        {
            var r = scorer.Score(normalized[(int)a], normalized[(int)b]);
            Console.WriteLine($"{kind} {r.Level} {r.Score:0.000} w={r.Weight:0.0} [{string.Join(", ", r.Evidence.Select(e => $"{e.Field}:{e.Level}:{e.Weight:0.0}"))}]");
            Console.WriteLine($"    {Show(a)}");
            Console.WriteLine($"    {Show(b)}");
        }
        var shown = 0;
        foreach (var g in groups)
        {
            for (var i = 0; i < g.RecordIds.Count && shown < count; i++)
                for (var j = i + 1; j < g.RecordIds.Count && shown < count; j++)
                    if (truth[g.RecordIds[i]] != truth[g.RecordIds[j]] && ++shown > 0)
                        Print("FP", g.RecordIds[i], g.RecordIds[j]);
        }
        shown = 0;
        foreach (var cluster in records.GroupBy(r => truth[r.Id], StringComparer.Ordinal))
        {
            var ids = cluster.Select(r => r.Id).ToList();
            for (var i = 0; i < ids.Count && shown < count; i++)
                for (var j = i + 1; j < ids.Count && shown < count; j++)
                    if ((!groupOf.TryGetValue(ids[i], out var gi) || !groupOf.TryGetValue(ids[j], out var gj) || gi != gj) && ++shown > 0)
                        Print("FN", ids[i], ids[j]);
        }
    }

    /// <summary>Precision, recall and F1 over all pairs inside the predicted groups.</summary>
    internal static (double P, double R, double F1) Pairwise(IReadOnlyList<DuplicateGroup> groups, Dictionary<long, string> truth, long truePairs)
    {
        long predicted = 0, correct = 0;
        foreach (var g in groups)
        {
            for (var i = 0; i < g.RecordIds.Count; i++)
            {
                for (var j = i + 1; j < g.RecordIds.Count; j++)
                {
                    predicted++;
                    if (truth[g.RecordIds[i]] == truth[g.RecordIds[j]])
                        correct++;
                }
            }
        }
        var p = predicted == 0 ? 0 : (double)correct / predicted;
        var r = truePairs == 0 ? 0 : (double)correct / truePairs;
        return (p, r, p + r == 0 ? 0 : 2 * p * r / (p + r));
    }

    /// <summary>The share of true pairs that share at least one blocking key small enough to be used.</summary>
    private static double BlockingRecall(List<MatchRecord> records, Dictionary<long, string> truth, SweepOptions options)
    {
        var normalized = records.Select(r => NormalizedRecord.From(r, options.DefaultCountry)).ToList();
        var sizes = normalized.SelectMany(r => r.BlockingKeys).GroupBy(k => k, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        long found = 0, total = 0;
        foreach (var cluster in normalized.GroupBy(r => truth[r.Id], StringComparer.Ordinal))
        {
            var members = cluster.ToList();
            for (var i = 0; i < members.Count; i++)
            {
                for (var j = i + 1; j < members.Count; j++)
                {
                    total++;
                    if (members[i].BlockingKeys.Intersect(members[j].BlockingKeys).Any(k => sizes[k] <= options.MaxBlockSize))
                        found++;
                }
            }
        }
        return total == 0 ? 1 : (double)found / total;
    }

    /// <summary>A labelled set: its records, each record's truth key (one per real person or site), and its country.</summary>
    internal static (List<MatchRecord> Records, Dictionary<long, string> Truth, string Country) Load(string path) =>
        Path.GetFileName(path).StartsWith("febrl", StringComparison.Ordinal) ? LoadFebrl(path) : LoadChicago(path);

    private static List<string[]> ReadCsv(string path)
    {
        using var reader = new StreamReader(path);
        using var csv = CsvReader.Create(reader, new CsvReaderOptions { HasHeader = false, TrimWhitespace = true });
        var rows = new List<string[]>();
        while (csv.Read())
            rows.Add(Enumerable.Range(0, csv.FieldCount).Select(csv.GetString).ToArray());
        return rows;
    }

    // Febrl: rec-N-org / rec-N-dup-k are one person; name = given + surname, street from number and both address lines
    private static (List<MatchRecord>, Dictionary<long, string>, string) LoadFebrl(string path)
    {
        var rows = ReadCsv(path);
        var column = rows[0].Select((name, i) => (name, i)).ToDictionary(c => c.name, c => c.i, StringComparer.Ordinal);
        var records = new List<MatchRecord>();
        var truth = new Dictionary<long, string>();
        foreach (var row in rows.Skip(1))
        {
            string Get(string name) => row[column[name]];
            var id = records.Count;
            truth[id] = Get("rec_id").Split('-')[1];
            var street = string.Join(", ", new[] { $"{Get("street_number")} {Get("address_1")}".Trim(), Get("address_2") }.Where(s => s.Length > 0));
            records.Add(new MatchRecord
            {
                Id = id,
                Name = $"{Get("given_name")} {Get("surname")}".Trim(),
                Street = street,
                City = Get("suburb"),
                PostalCode = Get("postcode"),
                State = Get("state"),
                DateOfBirth = DateOnly.TryParseExact(Get("date_of_birth"), "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var dob) ? dob : null,
            });
        }
        return (records, truth, "AU");
    }

    // Chicago early-childhood sites: True Id is the cluster; the site name is both the lead's name and company
    private static (List<MatchRecord>, Dictionary<long, string>, string) LoadChicago(string path)
    {
        var rows = ReadCsv(path);
        var column = rows[0].Select((name, i) => (name, i)).ToDictionary(c => c.name, c => c.i, StringComparer.Ordinal);
        var records = new List<MatchRecord>();
        var truth = new Dictionary<long, string>();
        foreach (var row in rows.Skip(1))
        {
            string? Get(string name) => column[name] < row.Length && row[column[name]].Length > 0 ? row[column[name]] : null;
            var id = records.Count;
            truth[id] = Get("True Id") ?? "";
            records.Add(new MatchRecord
            {
                Id = id,
                Name = Get("Site name"),
                Company = Get("Site name"),
                Street = Get("Address"),
                PostalCode = Get("Zip"),
                Phone = Get("Phone"),
                Email = Get("Email Address"),
                Website = Get("Website"),
            });
        }
        return (records, truth, "US");
    }
}

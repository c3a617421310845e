using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Leadline.Duplicates;

namespace Leadline.Bench;

/// <summary>
/// <c>dedup --api [--db sqlite|postgres] [--pg CS] [--limit N]</c>: the labelled sets measured through the API, as a client
/// sees them. Each file gets a fresh database and workspace (<see cref="BenchDatabase"/>: the real app in memory); every
/// record is created by <c>POST /api/v1/leads</c>, then each is checked by <c>POST /api/v1/leads/duplicates/check</c>
/// (its own id excluded). A predicted pair is a record and a lead the check returned (at most 10 per check, either side
/// counts once); pairwise precision, recall and F1 for the exact level and for exact ∪ similar, with the check's latency.
/// </summary>
internal static class DedupApiEval
{

    public static async Task<int> RunAsync(string data, string[] files, string kind, string? pgServer, int limit)
    {
        Console.WriteLine($"Leadline duplicate evaluation through the API ({(kind == "sqlite" ? "SQLite" : "PostgreSQL")}); {Environment.ProcessorCount} cores, .NET {Environment.Version}");
        Console.WriteLine();
        Console.WriteLine("| file | records | true pairs | refused fields | exact P | exact R | exact F1 | similar P | similar R | similar F1 | check p50 | check p95 | time |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var file in files)
        {
            var (records, truth, country) = DedupEval.Load(Path.Combine(data, file));
            if (limit > 0 && records.Count > limit)
            {
                // a subset keeps whole clusters (the first records' truth keys), so its true pairs are all in it
                var keep = records.Take(limit).Select(r => truth[r.Id]).ToHashSet(StringComparer.Ordinal);
                var subset = records.Where(r => keep.Contains(truth[r.Id])).ToList();
                truth = subset.Select((r, i) => (Id: (long)i, Key: truth[r.Id])).ToDictionary(x => x.Id, x => x.Key);
                records = subset.Select((r, i) => r with { Id = i }).ToList();
            }
            Console.WriteLine(await EvaluateAsync(file, records, truth, country, kind, pgServer));
        }
        return 0;
    }

    private static async Task<string> EvaluateAsync(string file, List<MatchRecord> records, Dictionary<long, string> truth, string country, string kind, string? pgServer)
    {
        await using var database = await BenchDatabase.CreateAsync(kind, pgServer, keep: false);
        await database.PrepareAsync(CancellationToken.None);
        using var client = database.App.CreateClient();
        await BenchAdmin.AuthorizeAsync(client, CancellationToken.None);

        var watch = Stopwatch.StartNew();
        var leadOf = new Dictionary<int, long>();   // lead id → record id
        var idOf = new Dictionary<long, int>();
        var refused = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var record in records)
        {
            var body = Body(record, country);
            var response = await client.PostAsJsonAsync("/api/v1/leads", body);
            // a value the API refuses (a malformed e-mail or phone in the messy set) is left out, as a person would re-type the rest
            for (var attempt = 0; !response.IsSuccessStatusCode && attempt < 3; attempt++)
            {
                var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
                if (!problem.TryGetProperty("errors", out var errors))
                    break;
                foreach (var field in errors.EnumerateObject())
                {
                    refused[field.Name] = refused.GetValueOrDefault(field.Name) + 1;
                    if (refused[field.Name] == 1)
                        Console.Error.WriteLine($"{file}: {field.Name} refused, e.g. {body[field.Name.Split('.')[0]]?.ToJsonString()}: {field.Value}");
                    var path = field.Name.Split('.');
                    if (path[0] == "name")
                        body["name"] = "(name refused)";
                    else if (path.Length == 2 && body[path[0]] is JsonObject nested)
                        nested.Remove(path[1]);
                    else
                        body.Remove(path[0]);
                }
                response = await client.PostAsJsonAsync("/api/v1/leads", body);
            }
            if (!response.IsSuccessStatusCode)
                throw new InvalidOperationException($"{file} record {record.Id}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            var id = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt32();
            leadOf[id] = record.Id;
            idOf[record.Id] = id;
        }

        var exact = new HashSet<(long, long)>();
        var similar = new HashSet<(long, long)>();
        var latencies = new List<double>(records.Count);
        foreach (var record in records)
        {
            var body = Body(record, country);
            body["excludeId"] = idOf[record.Id];
            var started = Stopwatch.GetTimestamp();
            var response = await client.PostAsJsonAsync("/api/v1/leads/duplicates/check", body);
            latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            if (!response.IsSuccessStatusCode)
                continue;   // a record whose own values the API refused to check: no prediction
            foreach (var match in (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("matches").EnumerateArray())
            {
                var other = leadOf[match.GetProperty("leadId").GetInt32()];
                var pair = record.Id < other ? (record.Id, other) : (other, record.Id);
                similar.Add(pair);
                if (match.GetProperty("level").GetString() == "exact")
                    exact.Add(pair);
            }
        }
        var elapsed = watch.Elapsed;

        var truePairs = truth.Values.GroupBy(v => v, StringComparer.Ordinal).Sum(g => (long)g.Count() * (g.Count() - 1) / 2);
        var (ep, er, ef) = Pairwise(exact, truth, truePairs);
        var (sp, sr, sf) = Pairwise(similar, truth, truePairs);
        latencies.Sort();
        return string.Create(CultureInfo.InvariantCulture,
            $"| {file} | {records.Count:N0} | {truePairs:N0} | {(refused.Count == 0 ? "none" : string.Join(", ", refused.OrderByDescending(r => r.Value).Select(r => $"{r.Key} {r.Value:N0}")))} | {ep:0.000} | {er:0.000} | {ef:0.000} | {sp:0.000} | {sr:0.000} | {sf:0.000} | {latencies[latencies.Count / 2]:0.0} ms | {latencies[latencies.Count * 95 / 100]:0.0} ms | {elapsed.TotalSeconds:0} s |");
    }

    // the API refuses control characters in text (a line break inside a quoted CSV cell): typed on one line instead
    private static JsonObject Body(MatchRecord r, string country) => new()
    {
        ["name"] = string.IsNullOrWhiteSpace(r.Name) ? "(no name)" : OneLine(r.Name),
        ["company"] = OneLine(r.Company),
        ["email"] = OneLine(r.Email),
        ["phone"] = OneLine(r.Phone),
        ["website"] = OneLine(r.Website),
        ["dateOfBirth"] = r.DateOfBirth?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        ["address"] = new JsonObject
        {
            ["street"] = OneLine(r.Street), ["city"] = OneLine(r.City), ["state"] = OneLine(r.State), ["postalCode"] = OneLine(r.PostalCode), ["country"] = country,
        },
    };

    private static string? OneLine(string? text) =>
        text is null ? null : string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));

    private static (double P, double R, double F1) Pairwise(HashSet<(long A, long B)> pairs, Dictionary<long, string> truth, long truePairs)
    {
        var correct = pairs.Count(p => truth[p.A] == truth[p.B]);
        var p = pairs.Count == 0 ? 0 : (double)correct / pairs.Count;
        var r = truePairs == 0 ? 0 : (double)correct / truePairs;
        return (p, r, p + r == 0 ? 0 : 2 * p * r / (p + r));
    }
}

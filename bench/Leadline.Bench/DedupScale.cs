using System.Diagnostics;
using System.Globalization;
using Bogus;
using Leadline.Duplicates;

namespace Leadline.Bench;

/// <summary>
/// <c>dedup --scale N</c>: a sweep over N synthetic leads (Bogus people with company, e-mail, phone and address),
/// of which about a tenth are retyped copies of another (nickname, typo, swapped name order, e-mail case and
/// Gmail dots, national vs international phone, street abbreviations, dropped fields). Prints time, peak
/// memory, candidate pairs and pairwise quality against the known copies.
/// </summary>
internal static class DedupScale
{
    public static string Run(int count, int explain = 0)
    {
        var watch = Stopwatch.StartNew();
        var (records, truth) = Generate(count);
        var generated = watch.Elapsed;
        watch.Restart();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var result = DuplicateSweep.Run(records, new SweepOptions { DefaultCountry = "US" });
        var groups = result.Groups(MatchLevel.Similar);
        var swept = watch.Elapsed;
        var sweptCpu = Process.GetCurrentProcess().TotalProcessorTime - cpu;
        var truthKeys = truth.Select((t, i) => (i, t)).ToDictionary(x => (long)x.i, x => x.t.ToString(CultureInfo.InvariantCulture));
        var truePairs = truth.GroupBy(t => t).Sum(g => (long)g.Count() * (g.Count() - 1) / 2);
        var (p, r, f1) = DedupEval.Pairwise(groups, truthKeys, truePairs);
        // the generator reuses addresses (first name + a number at one of three providers): different people sharing one
        var sharedEmail = records.Select((rec, i) => (Email: MatchNormalization.Email(rec.Email), Person: truth[i]))
            .Where(x => x.Email is not null).GroupBy(x => x.Email)
            .Sum(g => { var people = g.GroupBy(x => x.Person).Select(x => (long)x.Count()).ToList(); var n = people.Sum(); return (n * (n - 1) - people.Sum(c => c * (c - 1))) / 2; });
        if (explain > 0)
        {
            var scorer = new DuplicateScorer(result.Statistics);
            var shown = 0;
            foreach (var g in groups.Where(g => g.RecordIds.Select(id => truth[(int)id]).Distinct().Count() > 1).Take(explain))
            {
                Console.WriteLine($"group of {g.RecordIds.Count}:");
                foreach (var id in g.RecordIds.Take(6))
                    Console.WriteLine($"    {truth[(int)id]} {records[(int)id]}");
                var (a, b) = (NormalizedRecord.From(records[(int)g.RecordIds[0]], "US"), NormalizedRecord.From(records[(int)g.RecordIds[1]], "US"));
                var res = scorer.Score(a, b);
                Console.WriteLine($"    {res.Level} {res.Score:0.000} [{string.Join(", ", res.Evidence.Select(e => $"{e.Field}:{e.Level}:{e.Weight:0.0}"))}]");
                shown++;
            }
            Console.WriteLine($"duplicates per record {result.Statistics.DuplicatesPerRecord:0.00}");
        }
        return string.Create(CultureInfo.InvariantCulture,
            $"| synthetic {count:N0} | {truePairs:N0} true pairs, {sharedEmail:N0} pairs of different people with one e-mail | {result.CandidatePairs:N0} candidate pairs | P {p:0.000} R {r:0.000} F1 {f1:0.000} | " +
            $"generate {generated.TotalSeconds:0.0} s, sweep {swept.TotalSeconds:0.0} s ({sweptCpu.TotalSeconds:0.0} s CPU) | peak working set {Process.GetCurrentProcess().PeakWorkingSet64 / 1048576.0:N0} MB |");
    }

    private static readonly (string Formal, string Nick)[] Nicknames =
        [("Robert", "Bob"), ("William", "Bill"), ("Elizabeth", "Liz"), ("Margaret", "Peggy"), ("Richard", "Rick"), ("James", "Jim"), ("Michael", "Mike"), ("Katherine", "Kate")];

    private static (List<MatchRecord> Records, List<int> Truth) Generate(int count)
    {
        var faker = new Faker("en") { Random = new Randomizer(6) };
        var records = new List<MatchRecord>(count);
        var truth = new List<int>(count);
        while (records.Count < count)
        {
            if (records.Count > 100 && faker.Random.Double() < 0.1)
            {
                var original = faker.Random.Int(0, records.Count - 1);
                records.Add(Retype(faker, records[original]) with { Id = records.Count });
                truth.Add(truth[original]);
                continue;
            }
            var first = faker.Random.Double() < 0.05 ? faker.PickRandom(Nicknames).Formal : faker.Name.FirstName();
            var last = faker.Name.LastName();
            records.Add(new MatchRecord
            {
                Id = records.Count,
                Name = $"{first} {last}",
                Company = faker.Random.Double() < 0.6 ? faker.Company.CompanyName() : null,
                Email = faker.Random.Double() < 0.8 ? faker.Internet.Email(first, last) : null,
                Phone = faker.Random.Double() < 0.7 ? faker.Phone.PhoneNumber("(###) ###-####") : null,
                Street = faker.Random.Double() < 0.5 ? faker.Address.StreetAddress() : null,
                City = faker.Address.City(),
                PostalCode = faker.Address.ZipCode("#####"),
            });
            truth.Add(records.Count - 1);
        }
        return (records, truth);
    }

    private static MatchRecord Retype(Faker faker, MatchRecord r)
    {
        var name = r.Name ?? "";
        var parts = name.Split(' ');
        switch (faker.Random.Int(0, 3))
        {
            case 0 when Nicknames.Any(n => n.Formal == parts[0]):
                name = Nicknames.First(n => n.Formal == parts[0]).Nick + " " + parts[^1];
                break;
            case 1:
                name = $"{parts[^1]}, {parts[0]}";
                break;
            case 2 when name.Length > 4:
                var i = faker.Random.Int(1, name.Length - 3);
                name = name[..i] + name[i + 1] + name[i] + name[(i + 2)..];
                break;
            default:
                name = name.ToUpperInvariant();
                break;
        }
        return r with
        {
            Name = name,
            Email = faker.Random.Double() < 0.3 ? null : r.Email?.ToUpperInvariant(),
            Phone = r.Phone is null || faker.Random.Double() < 0.3 ? null : "+1 " + r.Phone.Replace("(", "", StringComparison.Ordinal).Replace(")", "", StringComparison.Ordinal),
            Street = r.Street?.Replace("Street", "St.", StringComparison.Ordinal).Replace("Avenue", "Ave", StringComparison.Ordinal),
            Company = faker.Random.Double() < 0.5 ? r.Company : r.Company is null ? null : r.Company + " Inc.",
            PostalCode = faker.Random.Double() < 0.3 ? null : r.PostalCode,
        };
    }
}

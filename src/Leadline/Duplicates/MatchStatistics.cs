namespace Leadline.Duplicates;

/// <summary>
/// What the scorer knows about the population a record is matched against (a workspace's leads): how many
/// records there are, how often a value occurs (through its blocking key: a phone shared by 40 records is weak
/// evidence), how common each name word is, how often unrelated records agree at each level of each field by
/// chance (Fellegi-Sunter u), how often true duplicates do (m), and how many duplicates a record has on average.
/// <see cref="Build"/> measures u on random pairs and learns m by expectation-maximisation on the candidate
/// pairs; <see cref="Default"/> uses built-in rates. <see cref="WithPopulation"/> keeps what was learned (say,
/// by the last sweep) and takes live counts for the real-time check (a COUNT on the key index).
/// </summary>
public sealed class MatchStatistics
{
    private readonly Func<string, int> _keyCount;
    private readonly IReadOnlyDictionary<string, int> _tokenCounts;
    private readonly int _tokenSample;
    private readonly double[][] _u;
    private readonly double[][] _m;

    private MatchStatistics(long totalRecords, Func<string, int> keyCount, IReadOnlyDictionary<string, int> tokenCounts, int tokenSample,
        double[][] u, double[][] m, double duplicatesPerRecord)
    {
        TotalRecords = Math.Max(2, totalRecords);
        _keyCount = keyCount;
        _tokenCounts = tokenCounts;
        _tokenSample = tokenSample;
        _u = u;
        _m = m;
        DuplicatesPerRecord = duplicatesPerRecord;
    }

    public long TotalRecords { get; }

    /// <summary>The prior: how many duplicates one record has on average in the population.</summary>
    public double DuplicatesPerRecord { get; }

    /// <summary>How many records carry the blocking key (at least 1: the record itself).</summary>
    public int KeyCount(string key) => Math.Max(1, _keyCount(key));

    /// <summary>Chance agreement rate of a field at a level among non-matching pairs.</summary>
    public double U(MatchField field, int level) => _u[(int)field][level];

    /// <summary>Rate of a field's level among true duplicates.</summary>
    public double M(MatchField field, int level) => _m[(int)field][level];

    /// <summary>Inverse document frequency of a name or company word: "chicago" or "center" weigh less than "garfield".</summary>
    public double TokenWeight(string token)
    {
        if (_tokenSample == 0)
            return 1;
        _tokenCounts.TryGetValue(token, out var count);
        return Math.Log((_tokenSample + 1.0) / (count + 0.5));
    }

    /// <summary>Built-in rates for a population of <paramref name="totalRecords"/>; <paramref name="keyCount"/> counts records under a blocking key.</summary>
    public static MatchStatistics Default(long totalRecords, Func<string, int> keyCount) =>
        new(totalRecords, keyCount, new Dictionary<string, int>(), 0, DefaultRates.U(), DefaultRates.M(), 1);

    /// <summary>The learned rates and word weights with another population size and key counts (the live workspace).</summary>
    public MatchStatistics WithPopulation(long totalRecords, Func<string, int> keyCount) =>
        new(totalRecords, keyCount, _tokenCounts, _tokenSample, _u, _m, DuplicatesPerRecord);

    /// <summary>
    /// Measures the statistics on <paramref name="records"/>: key and word counts over all of them, chance
    /// agreement over <paramref name="samplePairs"/> random pairs (seeded, so runs repeat), and, given the
    /// blocking's <paramref name="candidatePairs"/> (indexes into records), m and the duplicate rate by EM.
    /// </summary>
    /// <param name="keyCount">Records per blocking key when the caller has them (the sweep's index); else counted here.</param>
    public static MatchStatistics Build(IReadOnlyList<NormalizedRecord> records, IEnumerable<(int A, int B)>? candidatePairs = null,
        Func<string, int>? keyCount = null, int samplePairs = 20_000, int seed = 17)
    {
        ArgumentNullException.ThrowIfNull(records);
        var tokens = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var r in records)
        {
            foreach (var t in r.NameTokens.Concat(r.CompanyTokens).Distinct(StringComparer.Ordinal))
                tokens[t] = tokens.GetValueOrDefault(t) + 1;
        }
        if (keyCount is null)
        {
            var keys = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var k in records.SelectMany(r => r.BlockingKeys))
                keys[k] = keys.GetValueOrDefault(k) + 1;
            keyCount = k => keys.GetValueOrDefault(k);
        }
        var basic = new MatchStatistics(records.Count, keyCount, tokens, records.Count, DefaultRates.U(), DefaultRates.M(), 1);
        if (records.Count < 50)
            return basic;
        var u = ChanceRates(records, basic, samplePairs, seed);
        var withU = new MatchStatistics(records.Count, basic._keyCount, tokens, records.Count, u, DefaultRates.M(), 1);
        if (candidatePairs is null)
            return withU;
        var (m, matchingPairs) = FellegiSunterTraining.EstimateM(records, candidatePairs, withU);
        var duplicatesPerRecord = Math.Clamp(2 * matchingPairs / records.Count, 0.05, 20);
        return new MatchStatistics(records.Count, basic._keyCount, tokens, records.Count, u, m, duplicatesPerRecord);
    }

    // u: the share of random pairs at each level; with a prior of 20 pseudo-pairs at the built-in rates, so a
    // level never seen in the sample gets a small rate rather than zero
    private static double[][] ChanceRates(IReadOnlyList<NormalizedRecord> records, MatchStatistics basic, int samplePairs, int seed)
    {
        var fields = Enum.GetValues<MatchField>();
        var counts = fields.Select(f => new double[FieldComparison.Levels(f)]).ToArray();
        var seen = new double[fields.Length];
        var random = new Random(seed);
        for (var i = 0; i < samplePairs; i++)
        {
            var a = records[random.Next(records.Count)];
            var b = records[random.Next(records.Count)];
            if (ReferenceEquals(a, b))
                continue;
            foreach (var f in fields)
            {
                var level = FieldComparison.Compare(f, a, b, basic.TokenWeight, out _);
                if (level == FieldComparison.Missing)
                    continue;
                counts[(int)f][level]++;
                seen[(int)f]++;
            }
        }
        var defaults = DefaultRates.U();
        return fields.Select(f => seen[(int)f] < 100
                ? defaults[(int)f]
                : counts[(int)f].Select((c, level) => (c + 20 * defaults[(int)f][level]) / (seen[(int)f] + 20)).ToArray())
            .ToArray();
    }
}

namespace Leadline.Duplicates;

/// <summary>
/// What the scorer needs to know about the population a record is matched against (a workspace's leads):
/// how many records there are, how often a value occurs (through its blocking key: a phone shared by 40
/// records is weak evidence), how common each name word is, and how often random pairs agree at each
/// level of each field by chance (the Fellegi-Sunter u-probabilities). <see cref="Build"/> measures all of
/// it on a set of records (the sweep, or a sample of a workspace kept for the real-time check);
/// <see cref="Default"/> uses built-in chance rates and asks the caller for key counts (a COUNT on the key index).
/// </summary>
public sealed class MatchStatistics
{
    private readonly Func<string, int> _keyCount;
    private readonly IReadOnlyDictionary<string, int> _tokenCounts;
    private readonly int _tokenSample;
    private readonly double[][] _u;

    private MatchStatistics(long totalRecords, Func<string, int> keyCount, IReadOnlyDictionary<string, int> tokenCounts, int tokenSample, double[][] u)
    {
        TotalRecords = Math.Max(2, totalRecords);
        _keyCount = keyCount;
        _tokenCounts = tokenCounts;
        _tokenSample = tokenSample;
        _u = u;
    }

    public long TotalRecords { get; }

    /// <summary>How many records carry the blocking key (at least 1: the record itself).</summary>
    public int KeyCount(string key) => Math.Max(1, _keyCount(key));

    /// <summary>Chance agreement rate of a field at a level among non-matching pairs.</summary>
    public double U(MatchField field, int level) => _u[(int)field][level];

    /// <summary>Inverse document frequency of a name or company word: "chicago" or "center" weigh less than "garfield".</summary>
    public double TokenWeight(string token)
    {
        if (_tokenSample == 0)
            return 1;
        _tokenCounts.TryGetValue(token, out var count);
        return Math.Log((_tokenSample + 1.0) / (count + 0.5));
    }

    /// <summary>Built-in chance rates for a population of <paramref name="totalRecords"/>; <paramref name="keyCount"/> counts records under a blocking key.</summary>
    public static MatchStatistics Default(long totalRecords, Func<string, int> keyCount) =>
        new(totalRecords, keyCount, new Dictionary<string, int>(), 0, DefaultU());

    /// <summary>
    /// Measures the statistics on <paramref name="records"/>: key and word counts over all of them, chance
    /// agreement over <paramref name="samplePairs"/> random pairs (seeded, so runs repeat).
    /// </summary>
    public static MatchStatistics Build(IReadOnlyList<NormalizedRecord> records, int samplePairs = 20_000, int seed = 17)
    {
        ArgumentNullException.ThrowIfNull(records);
        var keys = new Dictionary<string, int>(StringComparer.Ordinal);
        var tokens = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var r in records)
        {
            foreach (var k in r.BlockingKeys)
                keys[k] = keys.GetValueOrDefault(k) + 1;
            foreach (var t in r.NameTokens.Concat(r.CompanyTokens).Distinct(StringComparer.Ordinal))
                tokens[t] = tokens.GetValueOrDefault(t) + 1;
        }
        var withTokens = new MatchStatistics(records.Count, k => keys.GetValueOrDefault(k), tokens, records.Count, DefaultU());
        if (records.Count < 50)
            return withTokens;

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
                var level = FieldComparison.Compare(f, a, b, withTokens.TokenWeight, out _);
                if (level == FieldComparison.Missing)
                    continue;
                counts[(int)f][level]++;
                seen[(int)f]++;
            }
        }
        var defaults = DefaultU();
        var u = new double[fields.Length][];
        foreach (var f in fields)
        {
            var n = seen[(int)f];
            // too few observed pairs for a field: keep the built-in rates; otherwise the observed rate with a
            // prior of 20 pseudo-pairs at the built-in rates, so a level never seen gets a small rate, not zero
            u[(int)f] = n < 100
                ? defaults[(int)f]
                : counts[(int)f].Select((c, level) => (c + 20 * defaults[(int)f][level]) / (n + 20)).ToArray();
        }
        return new MatchStatistics(records.Count, withTokens.KeyCount, tokens, records.Count, u);
    }

    // chance agreement rates for an average CRM population, used where nothing was measured
    private static double[][] DefaultU()
    {
        var u = new double[Enum.GetValues<MatchField>().Length][];
        u[(int)MatchField.Name] = [0.97, 0.025, 0.004, 0.0008, 0.0002];
        u[(int)MatchField.Company] = [0.95, 0.04, 0.008, 0.001, 0.001];
        u[(int)MatchField.Email] = [0.9999, 0.00009, 0.00001];
        u[(int)MatchField.Phone] = [0.9999, 0.00009, 0.00001];
        u[(int)MatchField.Website] = [0.999, 0.001];
        u[(int)MatchField.Street] = [0.97, 0.025, 0.004, 0.001];
        u[(int)MatchField.Locality] = [0.9, 0.08, 0.01, 0.01];
        u[(int)MatchField.DateOfBirth] = [0.99, 0.009, 0.0001, 0.00005];
        return u;
    }
}

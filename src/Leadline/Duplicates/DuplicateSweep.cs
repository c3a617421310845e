namespace Leadline.Duplicates;

/// <summary>Two records the scorer found similar or exact (ids are <see cref="MatchRecord.Id"/>).</summary>
public sealed record DuplicatePair(long A, long B, MatchResult Result);

/// <summary>Options of a sweep.</summary>
public sealed record SweepOptions
{
    /// <summary>Country for phone numbers typed without a country code (the workspace's default).</summary>
    public string? DefaultCountry { get; init; }

    /// <summary>
    /// A blocking key shared by more records than this is not used to pair them (a switchboard number, a
    /// free-mail local part like "info"): it would make the work quadratic and such a value says little.
    /// </summary>
    public int MaxBlockSize { get; init; } = 200;

    /// <summary>Learn m and the duplicate rate from the records by EM (else the built-in rates and one duplicate per record).</summary>
    public bool LearnRates { get; init; } = true;

    /// <summary>
    /// The population the value frequencies are measured against is at least this: in a workspace of a handful of leads
    /// every value is "shared by half the records", which would make any agreement worthless (0: the record count).
    /// </summary>
    public int MinPopulation { get; init; }

}

/// <summary>What a sweep found, with the work it took.</summary>
public sealed class SweepResult(IReadOnlyList<DuplicatePair> pairs, long candidatePairs, DuplicateScorer scorer, IReadOnlyList<NormalizedRecord> records)
{
    private readonly Dictionary<long, NormalizedRecord> _byId = records.ToDictionary(r => r.Id);

    /// <summary>Every pair found similar or exact.</summary>
    public IReadOnlyList<DuplicatePair> Pairs { get; } = pairs;

    /// <summary>The pairs blocking proposed and the scorer compared.</summary>
    public long CandidatePairs { get; } = candidatePairs;

    /// <summary>What was learned about the population: keep it for the real-time check (<see cref="MatchStatistics.WithPopulation"/>).</summary>
    public MatchStatistics Statistics => scorer.Statistics;

    /// <summary>The groups of records linked by pairs at <paramref name="minimum"/> or above (see <see cref="DuplicateGrouping"/>).</summary>
    public IReadOnlyList<DuplicateGroup> Groups(MatchLevel minimum) =>
        DuplicateGrouping.Group(Pairs, minimum, (a, b) => scorer.Score(_byId[a], _byId[b]).Level >= minimum);
}

/// <summary>
/// The workspace-wide duplicate sweep: normalise every record, index the records by blocking key, and for
/// each record score only the records that share a key with it (each pair once), keeping the pairs found
/// similar or exact. Work is at most keys × <see cref="SweepOptions.MaxBlockSize"/> comparisons per record
/// and memory is the index plus the pairs found: linear in the records, never quadratic.
/// </summary>
public static class DuplicateSweep
{
    public static SweepResult Run(IReadOnlyList<MatchRecord> records, SweepOptions? options = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(records);
        options ??= new SweepOptions();
        var normalized = records.Select(r => NormalizedRecord.From(r, options.DefaultCountry)).ToList();
        var blocks = Index(normalized);
        Func<string, int> keyCount = key => blocks.TryGetValue(key, out var members) ? members.Count : 0;
        var statistics = MatchStatistics.Build(normalized, options.LearnRates ? CandidatePairs(normalized, blocks, options.MaxBlockSize, ct) : null, keyCount);
        if (normalized.Count < options.MinPopulation)
            statistics = statistics.WithPopulation(options.MinPopulation, keyCount);
        return Run(normalized, blocks, new DuplicateScorer(statistics), options.MaxBlockSize, ct);
    }

    /// <summary>Sweeps records normalised already, with a scorer whose statistics were measured before.</summary>
    public static SweepResult Run(IReadOnlyList<NormalizedRecord> records, DuplicateScorer scorer, int maxBlockSize, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(records);
        ArgumentNullException.ThrowIfNull(scorer);
        return Run(records, Index(records), scorer, maxBlockSize, ct);
    }

    private static SweepResult Run(IReadOnlyList<NormalizedRecord> records, Dictionary<string, List<int>> blocks, DuplicateScorer scorer,
        int maxBlockSize, CancellationToken ct)
    {
        var pairs = new List<DuplicatePair>();
        long candidatePairs = 0;
        foreach (var (i, j) in CandidatePairs(records, blocks, maxBlockSize, ct))
        {
            candidatePairs++;
            var result = scorer.Score(records[i], records[j]);
            if (result.Level != MatchLevel.None)
                pairs.Add(new DuplicatePair(records[i].Id, records[j].Id, result));
        }
        return new SweepResult(pairs, candidatePairs, scorer, records);
    }

    /// <summary>Record indexes by blocking key.</summary>
    private static Dictionary<string, List<int>> Index(IReadOnlyList<NormalizedRecord> records)
    {
        var blocks = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        for (var i = 0; i < records.Count; i++)
        {
            foreach (var key in records[i].BlockingKeys)
            {
                if (!blocks.TryGetValue(key, out var members))
                    blocks[key] = members = [];
                members.Add(i);
            }
        }
        return blocks;
    }

    /// <summary>Each pair of records sharing a usable key, once (from its lower index), streamed: never all held at once.</summary>
    private static IEnumerable<(int A, int B)> CandidatePairs(IReadOnlyList<NormalizedRecord> records, Dictionary<string, List<int>> blocks,
        int maxBlockSize, CancellationToken ct)
    {
        var candidates = new HashSet<int>();
        var ordered = new List<int>();
        for (var i = 0; i < records.Count; i++)
        {
            ct.ThrowIfCancellationRequested();
            candidates.Clear();
            foreach (var key in records[i].BlockingKeys)
            {
                var members = blocks[key];
                if (members.Count > maxBlockSize)
                    continue;
                foreach (var j in members)
                {
                    if (j > i)
                        candidates.Add(j);
                }
            }
            ordered.Clear();
            ordered.AddRange(candidates);
            ordered.Sort();
            foreach (var j in ordered)
                yield return (i, j);
        }
    }
}

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

    /// <summary>Prior expected duplicates per record (see <see cref="DuplicateScorer"/>).</summary>
    public double DuplicatesPerRecord { get; init; } = 1;
}

/// <summary>What a sweep found, with the work it took.</summary>
public sealed record SweepResult(IReadOnlyList<DuplicatePair> Pairs, long CandidatePairs, MatchStatistics Statistics)
{
    /// <summary>The groups of records linked by pairs at <paramref name="minimum"/> or above (see <see cref="DuplicateGrouping"/>).</summary>
    public IReadOnlyList<DuplicateGroup> Groups(MatchLevel minimum) => DuplicateGrouping.Group(Pairs, minimum);
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
        var statistics = MatchStatistics.Build(normalized);
        return Run(normalized, new DuplicateScorer(statistics, options.DuplicatesPerRecord), options.MaxBlockSize, ct);
    }

    public static SweepResult Run(IReadOnlyList<NormalizedRecord> records, DuplicateScorer scorer, int maxBlockSize, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(records);
        ArgumentNullException.ThrowIfNull(scorer);
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

        var pairs = new List<DuplicatePair>();
        var candidates = new HashSet<int>();
        long candidatePairs = 0;
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
                        candidates.Add(j);   // members are in index order: each pair is scored from its lower index only
                }
            }
            candidatePairs += candidates.Count;
            foreach (var j in candidates)
            {
                var result = scorer.Score(records[i], records[j]);
                if (result.Level != MatchLevel.None)
                    pairs.Add(new DuplicatePair(records[i].Id, records[j].Id, result));
            }
        }
        return new SweepResult(pairs, candidatePairs, scorer.Statistics);
    }
}

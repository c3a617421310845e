namespace Leadline.Duplicates;

/// <summary>
/// Records taken so far in memory (the rows of one CSV import), to find a later record that exactly duplicates an earlier
/// one by the same rule as <see cref="DuplicateFinder.FindExactAsync"/>: candidates share a key of the
/// <see cref="DuplicateFinder.ExactFamilies"/>, <see cref="DuplicateScorer"/> decides.
/// </summary>
public sealed class ExactDuplicateIndex
{
    private readonly Dictionary<string, List<NormalizedRecord>> _byKey = new(StringComparer.Ordinal);
    private int _count;

    /// <summary>The earlier record <paramref name="record"/> exactly duplicates, or null.</summary>
    public NormalizedRecord? Find(NormalizedRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        // a key shared by more rows than the check allows (a company's website, a common name) adds none, as in the
        // database: without the cap every row of a large company's file would be scored against all the others
        var candidates = DuplicateFinder.ExactKeys(record)
            .Select(k => _byKey.GetValueOrDefault(k)).Where(rows => rows is { Count: <= DuplicateFinder.MaxPerKey })
            .SelectMany(rows => rows!).Distinct().ToList();
        if (candidates.Count == 0)
            return null;
        var scorer = new DuplicateScorer(MatchStatistics.Default(Math.Max(DuplicateFinder.MinPopulation, _count), key => _byKey.GetValueOrDefault(key)?.Count ?? 1));
        return DuplicateCheck.FindAutomatic(record, candidates, scorer) is { } best ? candidates.First(c => c.Id == best.Id) : null;
    }

    public void Add(NormalizedRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        _count++;
        foreach (var key in DuplicateFinder.ExactKeys(record))
        {
            if (!_byKey.TryGetValue(key, out var list))
                _byKey[key] = list = [];
            list.Add(record);
        }
    }
}

namespace Leadline.Duplicates;

/// <summary>One existing record that matches the record being checked.</summary>
public sealed record DuplicateMatch(long Id, MatchResult Result);

/// <summary>
/// The real-time check (lead form, import row, API): score the typed record against the records that share a
/// blocking key with it, and return the matches, exact first, then by score. The caller fetches the candidates
/// by <see cref="NormalizedRecord.BlockingKeys"/> from its key index (a few index seeks, capped per key). A candidate with
/// the typed record's own <see cref="NormalizedRecord.Id"/> (the lead being edited) is left out; give a new record an id no lead has.
/// </summary>
public static class DuplicateCheck
{
    public static IReadOnlyList<DuplicateMatch> Find(NormalizedRecord typed, IEnumerable<NormalizedRecord> candidates, DuplicateScorer scorer, int max = 10)
    {
        ArgumentNullException.ThrowIfNull(typed);
        ArgumentNullException.ThrowIfNull(candidates);
        ArgumentNullException.ThrowIfNull(scorer);
        return candidates
            .Where(c => c.Id != typed.Id)
            .Select(c => new DuplicateMatch(c.Id, scorer.Score(typed, c)))
            .Where(m => m.Result.Level != MatchLevel.None)
            .OrderByDescending(m => m.Result.Level).ThenByDescending(m => m.Result.Score).ThenBy(m => m.Id)
            .Take(max)
            .ToList();
    }

    /// <summary>The best match that may be acted on without a person (<see cref="MatchResult.Automatic"/>), or null.</summary>
    public static DuplicateMatch? FindAutomatic(NormalizedRecord typed, IEnumerable<NormalizedRecord> candidates, DuplicateScorer scorer) =>
        Find(typed, candidates, scorer, int.MaxValue).FirstOrDefault(m => m.Result.Automatic);
}

namespace Leadline.Duplicates;

/// <summary>A group of probable duplicates, best first in a sweep's list.</summary>
public sealed record DuplicateGroup(IReadOnlyList<long> RecordIds, MatchLevel Level, double Confidence, IReadOnlyList<MatchField> MatchedFields);

/// <summary>
/// Turns pairs into groups: connected components (union-find), linking the strongest pairs first. A link
/// that would join two groups of which only a minority of the known cross pairs match is refused, so one
/// record resembling two different people (a shared phone, a typo) does not chain them into one group.
/// </summary>
public static class DuplicateGrouping
{
    public static IReadOnlyList<DuplicateGroup> Group(IReadOnlyList<DuplicatePair> pairs, MatchLevel minimum)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        var links = pairs.Where(p => p.Result.Level >= minimum).OrderByDescending(p => p.Result.Score).ToList();
        var parent = new Dictionary<long, long>();
        long Find(long x)
        {
            while (parent.TryGetValue(x, out var p) && p != x)
            {
                var grand = parent.GetValueOrDefault(p, p);
                parent[x] = grand;
                x = grand;
            }
            return x;
        }
        foreach (var link in links)
        {
            var (ra, rb) = (Find(link.A), Find(link.B));
            if (ra == rb)
                continue;
            parent.TryAdd(ra, ra);
            parent[rb] = ra;
        }

        var members = new Dictionary<long, List<DuplicatePair>>();
        foreach (var link in links)
        {
            var root = Find(link.A);
            if (!members.TryGetValue(root, out var list))
                members[root] = list = [];
            list.Add(link);
        }
        return members.Values
            .Select(list =>
            {
                var ids = list.SelectMany(p => new[] { p.A, p.B }).Distinct().Order().ToList();
                var level = list.Max(p => p.Result.Level);
                var fields = list.SelectMany(p => p.Result.MatchedFields).Distinct().Order().ToList();
                return new DuplicateGroup(ids, level, list.Average(p => p.Result.Score), fields);
            })
            .OrderByDescending(g => g.Level).ThenByDescending(g => g.Confidence)
            .ToList();
    }
}

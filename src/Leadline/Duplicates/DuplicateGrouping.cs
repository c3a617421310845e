namespace Leadline.Duplicates;

/// <summary>A group of probable duplicates, best first in a sweep's list; <see cref="Labels"/> say what matched (<see cref="MatchLabels"/>), strongest pair first.</summary>
public sealed record DuplicateGroup(IReadOnlyList<long> RecordIds, MatchLevel Level, double Confidence, IReadOnlyList<MatchField> MatchedFields,
    IReadOnlyList<string> Labels);

/// <summary>
/// Turns pairs into groups: connected components (union-find), linking the strongest pairs first. Two groups
/// are only joined when most pairs across them match too (average linkage on the scorer's verdict, over at
/// most <see cref="MaxCrossPairs"/> pairs): without that, one record resembling two different sites (a shared
/// switchboard number, a head office name) would chain unrelated records into one group.
/// </summary>
public static class DuplicateGrouping
{
    public const int MaxCrossPairs = 400;

    /// <param name="pairs">The pairs found (by a sweep).</param>
    /// <param name="minimum">The lowest level that links two records.</param>
    /// <param name="matches">Whether two records (by id) match at <paramref name="minimum"/>, for pairs across groups that
    /// were not among <paramref name="pairs"/>; null joins groups on any link (plain connected components).</param>
    public static IReadOnlyList<DuplicateGroup> Group(IReadOnlyList<DuplicatePair> pairs, MatchLevel minimum, Func<long, long, bool>? matches = null)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        var links = pairs.Where(p => p.Result.Level >= minimum).OrderByDescending(p => p.Result.Score).ThenBy(p => p.A).ThenBy(p => p.B).ToList();
        var linked = links.Select(p => (p.A, p.B)).ToHashSet();
        var parent = new Dictionary<long, long>();
        var members = new Dictionary<long, List<long>>();
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
        List<long> Members(long root) => members.TryGetValue(root, out var list) ? list : members[root] = [root];

        var accepted = new List<DuplicatePair>();
        foreach (var link in links)
        {
            var (ra, rb) = (Find(link.A), Find(link.B));
            if (ra != rb)
            {
                var (ma, mb) = (Members(ra), Members(rb));
                if (matches is not null && ma.Count * mb.Count > 1 && !Cohesive(ma, mb, linked, matches))
                    continue;
                if (ma.Count < mb.Count)
                    (ra, rb, ma, mb) = (rb, ra, mb, ma);
                parent.TryAdd(ra, ra);
                parent[rb] = ra;
                ma.AddRange(mb);
                members.Remove(rb);
            }
            accepted.Add(link);
        }

        return accepted.GroupBy(p => Find(p.A))
            .Select(g =>
            {
                var list = g.ToList();
                var ids = list.SelectMany(p => new[] { p.A, p.B }).Distinct().Order().ToList();
                var level = list.Max(p => p.Result.Level);
                var fields = list.SelectMany(p => p.Result.MatchedFields).Distinct().Order().ToList();
                var labels = list.OrderByDescending(p => p.Result.Level).ThenByDescending(p => p.Result.Score).SelectMany(p => p.Result.Labels).Distinct().ToList();
                return new DuplicateGroup(ids, level, list.Average(p => p.Result.Score), fields, labels);
            })
            .OrderByDescending(g => g.Level).ThenByDescending(g => g.Confidence)
            .ToList();
    }

    // at least half of the pairs across the two groups match
    private static bool Cohesive(List<long> a, List<long> b, HashSet<(long, long)> linked, Func<long, long, bool> matches)
    {
        int checkedPairs = 0, matching = 0;
        foreach (var x in a)
        {
            foreach (var y in b)
            {
                if (checkedPairs == MaxCrossPairs)
                    return 2 * matching >= checkedPairs;
                checkedPairs++;
                if (linked.Contains((x, y)) || linked.Contains((y, x)) || matches(x, y))
                    matching++;
            }
        }
        return 2 * matching >= checkedPairs;
    }
}

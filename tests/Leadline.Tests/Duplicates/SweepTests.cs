using Leadline.Duplicates;

namespace Leadline.Tests.Duplicates;

public sealed class SweepTests
{
    private static List<MatchRecord> Population()
    {
        var records = new List<MatchRecord>();
        string[] given = ["anna", "peter", "maria", "wei", "omar", "lena", "tom", "sara", "ivan", "yuki"];
        string[] family = ["berg", "holm", "garcia", "chen", "haddad", "novak", "baker", "lind", "petrov", "sato"];
        for (var i = 0; i < 100; i++)
        {
            records.Add(new MatchRecord
            {
                Id = i,
                Name = $"{given[i % 10]} {family[i / 10]}",
                Email = $"{given[i % 10]}.{family[i / 10]}{i}@example.com",
                Phone = $"+44 20 7946 {1000 + i}",
                Street = $"{i + 1} High Street",
                City = "London",
            });
        }
        return records;
    }

    [Fact]
    public void Sweep_groups_the_duplicates_and_nothing_else()
    {
        var records = Population();
        records.Add(new MatchRecord { Id = 100, Name = "Anna Berg", Email = "ANNA.BERG0@example.com" });                       // e-mail of 0
        records.Add(new MatchRecord { Id = 101, Name = "Petr Berg", Phone = "020 7946 1001", Street = "2 High St", City = "London" });   // 1, typo, national number
        records.Add(new MatchRecord { Id = 102, Name = "Maria Garcia", Phone = "020 7946 1099" });                                 // same phone as 99, other person

        var result = DuplicateSweep.Run(records, new SweepOptions { DefaultCountry = "GB" });
        var groups = result.Groups(MatchLevel.Similar);

        Assert.Contains(groups, g => g.RecordIds.SequenceEqual([0L, 100L]) && g.Level == MatchLevel.Exact);
        Assert.Contains(groups, g => g.RecordIds.SequenceEqual([1L, 101L]));
        // the very same number under another name is shown as exact, and says so; never mixed into another group
        var shared = Assert.Single(groups, g => g.RecordIds.Contains(102));
        Assert.Equal([99L, 102L], shared.RecordIds);
        Assert.Equal(MatchLevel.Exact, shared.Level);
        Assert.Equal(["same phone", "different name"], shared.Labels);
        Assert.Equal(3, groups.Count);
        Assert.True(result.CandidatePairs < records.Count * (records.Count - 1) / 2 / 10, $"{result.CandidatePairs} candidate pairs");
    }

    [Fact]
    public void Grouping_does_not_chain_two_sites_through_one_shared_record()
    {
        // a and b are one site, c and d another; x resembles one of each (a shared switchboard), weaker
        static DuplicatePair Pair(long a, long b, double score) =>
            new(a, b, new MatchResult(MatchLevel.Similar, score, 0, []));
        var pairs = new[] { Pair(1, 2, 0.99), Pair(3, 4, 0.99), Pair(2, 5, 0.7), Pair(3, 5, 0.6) };

        var groups = DuplicateGrouping.Group(pairs, MatchLevel.Similar, (_, _) => false);

        Assert.Equal(2, groups.Count);
        Assert.DoesNotContain(groups, g => g.RecordIds.Contains(1) && g.RecordIds.Contains(4));
    }

    [Fact]
    public void Check_returns_exact_matches_first()
    {
        var existing = Population().Select(r => NormalizedRecord.From(r, "GB")).ToList();
        var scorer = new DuplicateScorer(MatchStatistics.Default(existing.Count, _ => 1));
        var typed = NormalizedRecord.From(new MatchRecord { Id = -1, Name = "Anna Berg", Email = "anna.berg0@example.com", Street = "1 High St", City = "London" }, "GB");
        var candidates = existing.Where(r => r.BlockingKeys.Intersect(typed.BlockingKeys).Any());

        var matches = DuplicateCheck.Find(typed, candidates, scorer);

        Assert.Equal(0, matches[0].Id);
        Assert.Equal(MatchLevel.Exact, matches[0].Result.Level);
    }
}

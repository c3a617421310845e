using Leadline.Duplicates;

namespace Leadline.Tests.Duplicates;

public sealed class SimilarityTests
{
    [Theory]
    [InlineData("martha", "marhta", 0.961)]
    [InlineData("dwayne", "duane", 0.84)]
    [InlineData("dixon", "dicksonx", 0.813)]
    [InlineData("abc", "abc", 1.0)]
    [InlineData("abc", "xyz", 0.0)]
    public void Jaro_winkler_matches_the_published_examples(string a, string b, double expected) =>
        Assert.Equal(expected, Similarity.JaroWinkler(a, b), 3);

    [Theory]
    [InlineData("robert", "r163")]
    [InlineData("rupert", "r163")]
    [InlineData("ashcraft", "a261")]
    [InlineData("tymczak", "t522")]
    [InlineData("lee", "l000")]
    public void Soundex_codes(string token, string expected) =>
        Assert.Equal(expected, Similarity.Soundex(token));
}

using Leadline.Common;

namespace Leadline.Tests.Common;

public sealed class RelativeTimeTests
{
    private static readonly DateTime Now = new(2026, 11, 2, 12, 0, 0, DateTimeKind.Utc);

    [Theory]
    [InlineData(-30, "just now")]
    [InlineData(-60 * 3, "3 minutes ago")]
    [InlineData(-60 * 60, "1 hour ago")]
    [InlineData(-60 * 60 * 3, "3 hours ago")]
    [InlineData(-60 * 60 * 24 * 2, "2 days ago")]
    [InlineData(60 * 60 * 24 * 2, "in 2 days")]
    [InlineData(-60 * 60 * 24 * 65, "2 months ago")]
    [InlineData(-60 * 60 * 24 * 800, "2 years ago")]
    public void Describes_times_as_people_read_them(int seconds, string expected) =>
        Assert.Equal(expected, RelativeTime.Describe(Now.AddSeconds(seconds), Now));
}

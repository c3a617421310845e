using System.Globalization;
using Leadline.Leads;

namespace Leadline.Tests.Leads;

public sealed class LeadCountTests
{
    [Theory]
    [InlineData(0, false, "0 leads")]
    [InlineData(1, false, "1 lead")]
    [InlineData(1234, false, "1,234 leads")]
    [InlineData(LeadQueries.TotalCap, true, "10,000+ leads")]
    public void Counts_read_as_people_write_them(int count, bool capped, string expected)
    {
        var culture = CultureInfo.CurrentCulture;
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
        try
        {
            Assert.Equal(expected, new LeadCount(count, capped).WithNoun());
        }
        finally
        {
            CultureInfo.CurrentCulture = culture;
        }
    }
}

using Leadline.Common.Time;
using Leadline.Leads;
using Leadline.Tests.TestInfrastructure;

namespace Leadline.Tests.Leads;

public sealed class LeadHistoryValuesTests
{
    private static readonly WorkspaceClock Berlin = new(new ManualTimeProvider(new DateTimeOffset(2026, 12, 6, 8, 0, 0, TimeSpan.Zero)), "Europe/Berlin");

    [Theory]
    [InlineData("nextFollowUpAt", "2026-12-07T17:13:00Z", "7 Dec 2026 18:13")]   // winter: UTC+1
    [InlineData("closedAt", "2026-07-01T22:30:00Z", "2 Jul 2026 00:30")]         // summer: UTC+2, the next local day
    [InlineData("dateOfBirth", "1990-05-17", "17 May 1990")]
    [InlineData("active", "false", "No")]
    [InlineData("primary", "true", "Yes")]
    [InlineData("source", "webForm", "Web form")]
    [InlineData("lostReason", null, "—")]
    [InlineData("tags", "", "—")]
    [InlineData("mergedIntoId", "42", "#42")]
    [InlineData("name", "2026-12-07T17:13:00Z", "2026-12-07T17:13:00Z")]   // a text field is shown as typed
    public void Values_are_shown_as_people_read_them(string field, string? stored, string shown) =>
        Assert.Equal(shown, LeadHistoryValues.Display(field, stored, Berlin));

    [Theory]
    [InlineData("nextFollowUpAt", "Next follow-up")]
    [InlineData("lostReason", "Lost reason")]
    [InlineData("owner", "Owner")]
    [InlineData("ownerId", "Owner")]
    [InlineData("stage", "Stage")]
    [InlineData("sourceDetail", "Source detail")]
    [InlineData("industry", "Industry")]
    public void Field_names_have_one_label(string field, string label) => Assert.Equal(label, LeadFieldLabels.For(field));
}

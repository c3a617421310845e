using Leadline.Common;

namespace Leadline.Tests.Common;

public sealed class PhoneNumberTests
{
    [Theory]
    // country, as typed, E.164
    [InlineData("US", "(415) 555-0100", "+14155550100")]
    [InlineData("US", "1-415-555-0100", "+14155550100")]
    [InlineData("US", "011 44 20 7946 0958", "+442079460958")]
    [InlineData("CA", "416.555.0199", "+14165550199")]
    [InlineData("GB", "020 7946 0958", "+442079460958")]
    [InlineData("GB", "07700 900123", "+447700900123")]
    [InlineData("DE", "030 1234567", "+49301234567")]
    [InlineData("DE", "0151 12345678", "+4915112345678")]
    [InlineData("DE", "4915112345678", "+4915112345678")]
    [InlineData("FR", "01 23 45 67 89", "+33123456789")]
    [InlineData("FR", "06-12-34-56-78", "+33612345678")]
    [InlineData("ES", "912 345 678", "+34912345678")]
    [InlineData("IT", "06 6982 1234", "+390669821234")]
    [InlineData("IT", "347 123 4567", "+393471234567")]
    [InlineData("NL", "020-123 4567", "+31201234567")]
    [InlineData("CH", "044 668 18 00", "+41446681800")]
    [InlineData("AT", "01 5880", "+4315880")]
    [InlineData("PL", "512 345 678", "+48512345678")]
    [InlineData("SE", "08-123 456 78", "+46812345678")]
    [InlineData("RU", "8 (495) 123-45-67", "+74951234567")]
    [InlineData("IN", "098765 43210", "+919876543210")]
    [InlineData("BR", "(11) 91234-5678", "+5511912345678")]
    [InlineData("MX", "55 1234 5678", "+525512345678")]
    [InlineData("AU", "(02) 9876 5432", "+61298765432")]
    [InlineData("AU", "0011 1 415 555 0100", "+14155550100")]
    [InlineData("JP", "03-1234-5678", "+81312345678")]
    [InlineData("ZA", "021 123 4567", "+27211234567")]
    [InlineData("NG", "0803 123 4567", "+2348031234567")]
    [InlineData("AE", "050 123 4567", "+971501234567")]
    [InlineData("SG", "6123 4567", "+6561234567")]
    [InlineData("DE", "+44 20 7946 0958", "+442079460958")]
    [InlineData("DE", "0044 20 7946 0958", "+442079460958")]
    [InlineData("US", "+1 (415) 555-0100 ext. 12", "+14155550100")]
    public void Numbers_are_normalised_to_E164(string country, string typed, string expected) =>
        Assert.Equal(expected, PhoneNumbers.ToE164(typed, country));

    [Theory]
    [InlineData("US", "555-0100")]          // too short for a US number
    [InlineData("US", "call me")]
    [InlineData("DE", "+0 123 456 789")]
    [InlineData("FR", "01 23 45")]
    [InlineData("GB", "")]
    [InlineData("ZZ", "12345678")]          // unknown country and no country code
    [InlineData("US", "+1 415 555 0100 0000 0000")]
    public void Unreadable_numbers_give_null(string country, string typed) =>
        Assert.Null(PhoneNumbers.ToE164(typed, country));

    [Fact]
    public void At_least_fifteen_countries_are_supported() => Assert.True(PhoneNumbers.SupportedCountries.Count() >= 15);
}

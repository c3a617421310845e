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
    [InlineData("US", "555-0100")]          // a local number: no area code
    [InlineData("US", "265-3830")]
    [InlineData("US", "call me")]
    [InlineData("DE", "+0 123 456 789")]
    [InlineData("FR", "01 23 45")]
    [InlineData("GB", "")]
    [InlineData("ZZ", "12345678")]          // unknown country and no country code
    [InlineData(null, "12345678")]
    [InlineData("US", "+1 415 555 0100 0000 0000")]
    public void Numbers_that_are_not_full_numbers_have_no_E164(string? country, string typed) =>
        Assert.Null(PhoneNumbers.ToE164(typed, country));

    [Theory]
    // country, as typed, E.164, valid as the library says, kind
    [InlineData("AR", "011 15-2345-6789", "+5491123456789", true, PhoneKind.Mobile)]     // Buenos Aires mobile: area 11, the 15 becomes the 9
    [InlineData("PH", "(02) 3234 5678", "+63232345678", true, PhoneKind.Fixed)]          // Manila's eight-digit numbers
    [InlineData("US", "+44 7700 900123", "+447700900123", false, PhoneKind.Unknown)]      // Ofcom's drama range: kept, not valid
    [InlineData("US", "+972 98 765 4321", "+972987654321", false, PhoneKind.Unknown)]     // the pywa test sender
    [InlineData("US", "(834) 555-0273", "+18345550273", false, PhoneKind.Unknown)]        // no such area code
    [InlineData("US", "202-555-0173", "+12025550173", true, PhoneKind.Mobile)]            // FIXED_LINE_OR_MOBILE counts as mobile
    [InlineData("DE", "0151 12345678", "+4915112345678", true, PhoneKind.Mobile)]
    [InlineData("DE", "030 1234567", "+49301234567", true, PhoneKind.Fixed)]
    [InlineData("US", "1-800-FLOWERS", "+18003569377", true, PhoneKind.Other)]            // toll-free, letters read as digits
    public void The_library_gives_E164_validity_and_kind(string country, string typed, string e164, bool valid, PhoneKind kind)
    {
        var reading = PhoneNumbers.Read(typed, country)!;

        Assert.Equal(e164, reading.E164);
        Assert.True(reading.IsVerified);
        Assert.Equal(e164[1..], reading.Digits);
        Assert.Equal(valid, reading.IsValid);
        Assert.Equal(kind, reading.Kind);
    }

    [Theory]
    [InlineData("265-3830", "2653830")]
    [InlineData("265-3830 ext. 12", "2653830")]
    [InlineData("+999 1234 5678", "99912345678")]   // no such country code
    public void A_number_that_cannot_be_read_is_kept_as_typed_with_its_digits(string typed, string digits)
    {
        var reading = PhoneNumbers.Read(typed, "US")!;

        Assert.Null(reading.E164);
        Assert.False(reading.IsVerified);
        Assert.True(reading.IsNumber);
        Assert.Equal(typed, reading.Typed);
        Assert.Equal(digits, reading.Digits);
        Assert.False(reading.IsValid);
    }

    [Theory]
    [InlineData("call me")]
    [InlineData("n/a")]
    [InlineData("ext 12")]
    public void Text_with_too_few_digits_is_not_a_number(string typed) => Assert.False(PhoneNumbers.Read(typed, "US")!.IsNumber);

    [Theory]
    // workspace country, E.164, shown
    [InlineData("US", "+12025550173", "(202) 555-0173")]
    [InlineData("US", "+18345550273", "(834) 555-0273")]       // invalid, still shown the same way as its neighbours
    [InlineData("CA", "+12025550173", "(202) 555-0173")]       // one numbering plan
    [InlineData("US", "+442079460958", "+44 20 7946 0958")]
    [InlineData("DE", "+49301234567", "030 1234567")]
    [InlineData("AR", "+5491123456789", "011 15-2345-6789")]
    public void Numbers_show_nationally_in_their_own_country_and_internationally_elsewhere(string country, string e164, string shown) =>
        Assert.Equal(shown, PhoneNumbers.Display("typed", e164, country));

    [Fact]
    public void An_unverified_number_shows_as_typed() => Assert.Equal("265-3830", PhoneNumbers.Display(" 265-3830 ", null, "US"));
}

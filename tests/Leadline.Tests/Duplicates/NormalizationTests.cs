using Leadline.Duplicates;

namespace Leadline.Tests.Duplicates;

public sealed class NormalizationTests
{
    [Theory]
    [InlineData("  John.Smith@Example.COM ", "john.smith@example.com")]
    [InlineData("j.o.h.n.smith@gmail.com", "johnsmith@gmail.com")]
    [InlineData("John.Smith+crm@GoogleMail.com", "johnsmith@gmail.com")]
    [InlineData("johnsmith+newsletter@gmail.com", "johnsmith@gmail.com")]
    [InlineData("anna+leads@outlook.com", "anna@outlook.com")]
    [InlineData("anna.b@outlook.com", "anna.b@outlook.com")]          // dots only vanish at Gmail
    [InlineData("mailto:Sales@Acme.io", "sales@acme.io")]
    [InlineData("info@acme.io.", "info@acme.io")]
    [InlineData("10/01/15", null)]
    [InlineData("no at sign.com", null)]
    [InlineData("a@b@c.com", null)]
    [InlineData("user@localhost", null)]
    [InlineData("", null)]
    public void Email_is_normalised(string typed, string? expected) =>
        Assert.Equal(expected, MatchNormalization.Email(typed));

    [Theory]
    [InlineData("US", "(312) 534-2680", "+13125342680")]
    [InlineData("US", "+1 312 534 2680", "+13125342680")]
    [InlineData("GB", "07700 900123", "+447700900123")]
    [InlineData("DE", "+49 (0)30 1234567", "+49301234567")]            // the "(0)" trunk hint inside an international number
    [InlineData("US", "534-2680", null)]                                // no area code: no E.164, but a tail
    public void Phone_is_normalised_to_E164(string country, string typed, string? expected) =>
        Assert.Equal(expected, MatchNormalization.Phone(typed, country));

    [Theory]
    [InlineData("534-2680", "5342680")]
    [InlineData("(312) 534-2680 ext. 12", "5342680")]
    [InlineData("+1 312 534 2680", "5342680")]
    [InlineData("12345", null)]
    public void Phone_tail_is_the_last_seven_digits(string typed, string? expected) =>
        Assert.Equal(expected, MatchNormalization.PhoneTail(typed));

    [Theory]
    [InlineData("Robert Smith", "Bob Smith")]
    [InlineData("SMITH, Robert", "robert smith")]
    [InlineData("Bill Gates", "William Gates")]
    [InlineData("Liz Taylor", "Elizabeth Taylor")]
    [InlineData("Peggy Olson", "Margaret Olson")]
    [InlineData("Dr. José Núñez", "jose nunez")]
    [InlineData("Seán O'Brien", "Sean OBrien")]
    [InlineData("Mr John Smith Jr.", "John Smith")]
    [InlineData("Zoë  Müller-Lüdenscheidt", "zoe muller ludenscheidt")]
    public void Person_names_written_differently_have_one_key(string a, string b) =>
        Assert.Equal(PersonNames.Key(a), PersonNames.Key(b));

    [Theory]
    [InlineData("Robert Smith", "Roberta Smith")]
    [InlineData("John Smith", "Jane Smith")]
    public void Different_person_names_keep_different_keys(string a, string b) =>
        Assert.NotEqual(PersonNames.Key(a), PersonNames.Key(b));

    [Theory]
    [InlineData("The Acme Widget Company, Ltd.", "acme widget")]
    [InlineData("ACME Widget Co.", "acme widget")]
    [InlineData("Acme Widget, Inc.", "acme widget")]
    [InlineData("Acme Widget LLC", "acme widget")]
    [InlineData("Acme Widget GmbH", "acme widget")]
    [InlineData("Acme Widget S.A.", "acme widget")]
    [InlineData("Acme Widget Pty Ltd", "acme widget")]
    [InlineData("Acme Widget Corp.", "acme widget")]
    [InlineData("Boys & Girls Club", "boys and girls club")]
    [InlineData("N.T.A. Academy", "nta academy")]
    [InlineData("Société Générale S.A.", "societe generale")]
    [InlineData("The Company", "the company")]                          // a name that is only legal words keeps them
    public void Company_names_drop_legal_forms_and_the(string typed, string expected) =>
        Assert.Equal(expected, CompanyNames.Key(typed));

    [Theory]
    [InlineData("https://www.Example.com/about", "example.com")]
    [InlineData("shop.example.co.uk", "example.co.uk")]
    [InlineData("http://blog.example.com.au/x?y=1", "example.com.au")]
    [InlineData("example.org", "example.org")]
    [InlineData("No", null)]
    [InlineData("not a site", null)]
    public void Website_becomes_its_registrable_domain(string typed, string? expected) =>
        Assert.Equal(expected, MatchNormalization.WebsiteDomain(typed));

    [Theory]
    [InlineData("7 North Homan Avenue", "7", "n homan ave")]
    [InlineData("7 N. Homan Av.", "7", "n homan ave")]
    [InlineData("3630 S. Wells Rm. 105", "3630", "s wells")]
    [InlineData("221B Baker Street, Suite 4", "221b", "baker st")]
    [InlineData("12 Main Rd", "12", "main rd")]
    [InlineData("707 E. 37th St.", "707", "e 37th st")]
    [InlineData("Tenison-Woods Circuit", null, "tenison woods cct")]
    public void Street_addresses_use_one_spelling(string typed, string? number, string words)
    {
        var address = Addresses.Parse(typed);
        Assert.NotNull(address);
        Assert.Equal(number, address.Number);
        Assert.Equal(words, string.Join(' ', address.Words));
    }

    [Theory]
    [InlineData("sw1a 1aa", "SW1A1AA")]
    [InlineData("60623-1234", "606231234")]
    [InlineData(" ", null)]
    public void Postal_codes_lose_spaces_and_case(string typed, string? expected) =>
        Assert.Equal(expected, MatchNormalization.PostalCode(typed));
}

using Leadline.Duplicates;

namespace Leadline.Tests.Duplicates;

/// <summary>Hand-made pairs scored with the built-in rates in a workspace of 10,000 leads.</summary>
public sealed class PairScoringTests
{
    private static MatchResult Score(MatchRecord a, MatchRecord b, Func<string, int>? keyCount = null)
    {
        var statistics = MatchStatistics.Default(10_000, keyCount ?? (_ => 1));
        return new DuplicateScorer(statistics).Score(NormalizedRecord.From(a, "US"), NormalizedRecord.From(b, "US"));
    }

    [Fact]
    public void Same_email_written_differently_with_a_nickname_is_exact()
    {
        var result = Score(
            new MatchRecord { Id = 1, Name = "Robert Smith", Email = "Robert.Smith@gmail.com" },
            new MatchRecord { Id = 2, Name = "Bob Smith", Email = "robertsmith+crm@googlemail.com" });
        Assert.Equal(MatchLevel.Exact, result.Level);
        Assert.Contains(MatchField.Email, result.MatchedFields);
        Assert.Contains(MatchField.Name, result.MatchedFields);
    }

    [Fact]
    public void Phone_typed_as_a_mobile_is_exact()
    {
        var result = Score(
            new MatchRecord { Id = 1, Name = "Anna Berg", Phone = "(312) 534-2680" },
            new MatchRecord { Id = 2, Name = "Anna Berg", Mobile = "+1 312 534 2680" });
        Assert.Equal(MatchLevel.Exact, result.Level);
        Assert.Contains(MatchField.Phone, result.MatchedFields);
    }

    [Fact]
    public void Website_domain_with_the_same_name_is_exact()
    {
        var result = Score(
            new MatchRecord { Id = 1, Name = "Anna Berg", Company = "Berg Design", Website = "www.bergdesign.se" },
            new MatchRecord { Id = 2, Name = "anna berg", Website = "https://shop.bergdesign.se/kontakt" });
        Assert.Equal(MatchLevel.Exact, result.Level);
    }

    [Fact]
    public void Same_name_and_birthday_is_exact()
    {
        var result = Score(
            new MatchRecord { Id = 1, Name = "Kayla Harrington", DateOfBirth = new DateOnly(1985, 6, 12), City = "Coolaroo" },
            new MatchRecord { Id = 2, Name = "Harrington, Kayla", DateOfBirth = new DateOnly(1985, 6, 12) });
        Assert.Equal(MatchLevel.Exact, result.Level);
    }

    [Fact]
    public void Name_typo_with_day_and_month_swapped_at_one_address_is_similar()
    {
        var result = Score(
            new MatchRecord { Id = 1, Name = "Jonathan Miller", DateOfBirth = new DateOnly(1985, 3, 7), Street = "14 Giblin Street", PostalCode = "4814", City = "Bittern" },
            new MatchRecord { Id = 2, Name = "Jonathon Miler", DateOfBirth = new DateOnly(1985, 7, 3), Street = "14 Giblin St", PostalCode = "4814", City = "Bittern" });
        Assert.Equal(MatchLevel.Similar, result.Level);
        Assert.Contains(MatchField.DateOfBirth, result.MatchedFields);
        Assert.Contains(MatchField.Street, result.MatchedFields);
    }

    [Fact]
    public void Same_mailbox_name_at_another_provider_is_similar()
    {
        var result = Score(
            new MatchRecord { Id = 1, Name = "John Smith", Email = "jsmith1984@gmail.com", City = "Leeds" },
            new MatchRecord { Id = 2, Name = "J. Smith", Email = "jsmith1984@outlook.com", City = "Leeds" });
        Assert.Equal(MatchLevel.Similar, result.Level);
        Assert.Contains(MatchField.Email, result.MatchedFields);
    }

    [Fact]
    public void Number_without_its_area_code_at_the_same_company_is_similar_not_exact()
    {
        var result = Score(
            new MatchRecord { Id = 1, Company = "Acme Widget Co.", Phone = "534-2680", City = "Chicago" },
            new MatchRecord { Id = 2, Company = "ACME Widget, Inc.", Phone = "(312) 534-2680", City = "Chicago" });
        Assert.Equal(MatchLevel.Similar, result.Level);
        Assert.Contains(MatchField.Phone, result.MatchedFields);
    }

    [Fact]
    public void Same_site_written_two_ways_is_similar_or_better()
    {
        var result = Score(
            new MatchRecord { Id = 1, Name = "YMCA Garfield", Street = "7 N. Homan Av.", PostalCode = "60624", Phone = "265-3900" },
            new MatchRecord { Id = 2, Name = "YMCA of Metropolitan Chicago - Garfield", Street = "7 North Homan Avenue", Phone = "265 3900" });
        Assert.NotEqual(MatchLevel.None, result.Level);
    }

    [Fact]
    public void Same_common_name_different_person_does_not_match()
    {
        var result = Score(
            new MatchRecord { Id = 1, Name = "John Smith", Company = "Northwind", Email = "john@northwind.com", Phone = "(415) 555-0100", City = "San Francisco" },
            new MatchRecord { Id = 2, Name = "John Smith", Company = "Contoso", Email = "jsmith@contoso.com", Phone = "(212) 555-0199", City = "New York" },
            key => key == "n:john smith" ? 40 : 1);
        Assert.Equal(MatchLevel.None, result.Level);
    }

    [Fact]
    public void Sites_of_one_agency_sharing_a_switchboard_do_not_match()
    {
        var result = Score(
            new MatchRecord { Id = 1, Name = "Firman House West", Company = "Firman Community Services", Street = "37 W 47th St", Phone = "373-3400" },
            new MatchRecord { Id = 2, Name = "Firman School Age Program", Company = "Firman Community Services", Street = "4644 S Dearborn St", Phone = "373-3400" },
            key => key.StartsWith("pt:", StringComparison.Ordinal) || key.StartsWith("c:", StringComparison.Ordinal) ? 8 : 1);
        Assert.Equal(MatchLevel.None, result.Level);
    }

    [Fact]
    public void Colleagues_sharing_a_website_and_switchboard_do_not_match()
    {
        var result = Score(
            new MatchRecord { Id = 1, Name = "Anna Berg", Company = "Acme Widget Ltd", Website = "acme.com", Phone = "+44 20 7946 0958" },
            new MatchRecord { Id = 2, Name = "Peter Holm", Company = "Acme Widget Ltd", Website = "www.acme.com", Phone = "020 7946 0958" },
            key => key.StartsWith("n:", StringComparison.Ordinal) ? 1 : 25);
        Assert.Equal(MatchLevel.None, result.Level);
    }

    [Fact]
    public void Father_and_son_sharing_a_home_phone_are_exact_by_it_but_never_acted_on_automatically()
    {
        // the very same number is exact whatever else differs (a person checks it at a glance); the birthdays contradict,
        // so an import never skips or updates on it
        var result = Score(
            new MatchRecord { Id = 1, Name = "Robert Brown", Street = "12 Oak Road", PostalCode = "2000", Phone = "(415) 555-0100", DateOfBirth = new DateOnly(1950, 4, 2) },
            new MatchRecord { Id = 2, Name = "Bob Brown", Street = "12 Oak Rd", PostalCode = "2000", Phone = "415 555 0100", DateOfBirth = new DateOnly(1981, 9, 23) });
        Assert.Equal(MatchLevel.Exact, result.Level);
        Assert.False(result.Automatic);
        Assert.Equal("same phone", result.Labels[0]);
        Assert.Contains("different birthday", result.Labels);
    }

    [Fact]
    public void Same_name_at_another_house_number_is_not_exact()
    {
        var result = Score(
            new MatchRecord { Id = 1, Name = "McKay", Street = "7050 S. Washtenaw", Phone = "535-9340" },
            new MatchRecord { Id = 2, Name = "McKay", Street = "7059 S. Washtenaw", Phone = "535-9340" });
        Assert.NotEqual(MatchLevel.Exact, result.Level);
    }

    [Fact]
    public void Different_people_with_nothing_in_common_score_near_zero()
    {
        var result = Score(
            new MatchRecord { Id = 1, Name = "Maria Garcia", Email = "maria@example.com", City = "Madrid" },
            new MatchRecord { Id = 2, Name = "Wei Chen", Email = "wei@example.org", City = "Shanghai" });
        Assert.Equal(MatchLevel.None, result.Level);
        Assert.True(result.Score < 0.01);
        Assert.Empty(result.MatchedFields);
    }

    [Fact]
    public void The_same_mailbox_or_number_under_another_name_is_exact_and_says_so_but_is_not_automatic_when_shared()
    {
        var email = Score(
            new MatchRecord { Id = 1, Name = "Someone Else", Email = "GraceHopper+crm@gmail.com" },
            new MatchRecord { Id = 2, Name = "Grace Hopper", Email = "grace.hopper@gmail.com" });
        Assert.Equal(MatchLevel.Exact, email.Level);
        Assert.Equal(["same e-mail", "different name"], email.Labels);
        Assert.Equal("same e-mail as Grace Hopper; different name", MatchLabels.Reason(email.Labels, "Grace Hopper"));
        Assert.False(email.Automatic);   // the name contradicts: shown, never acted on without a person

        // the same number held by forty leads (a switchboard) is exact too, and not automatic even with the same name
        var phone = Score(
            new MatchRecord { Id = 1, Name = "Anna Berg", Phone = "+1 312 534 2680" },
            new MatchRecord { Id = 2, Name = "Anna Berg", Phone = "(312) 534-2680" },
            key => key == "p:+13125342680" ? 40 : 1);
        Assert.Equal(MatchLevel.Exact, phone.Level);
        Assert.False(phone.Automatic);
        var own = Score(
            new MatchRecord { Id = 1, Name = "Anna Berg", Phone = "+1 312 534 2680" },
            new MatchRecord { Id = 2, Name = "Anna Berg", Phone = "(312) 534-2680" });
        Assert.True(own.Automatic);
    }

    [Fact]
    public void Two_people_sharing_only_a_first_name_are_never_labelled_same_name()
    {
        var result = Score(
            new MatchRecord { Id = 1, Name = "Ross Morissette", City = "Springfield", PostalCode = "62704", Company = "Acme" },
            new MatchRecord { Id = 2, Name = "Ross Balistreri", City = "Springfield", PostalCode = "62704", Company = "Acme" });
        Assert.DoesNotContain("same name", result.Labels);
        var same = Score(new MatchRecord { Id = 1, Name = "Ross Morissette", Email = "r@m.example" }, new MatchRecord { Id = 2, Name = "Morissette, Ross", Email = "r@m.example" });
        Assert.Contains("same name", same.Labels);
    }
}

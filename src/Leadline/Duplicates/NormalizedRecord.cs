namespace Leadline.Duplicates;

/// <summary>
/// A <see cref="MatchRecord"/> in the normal forms matching compares (see <see cref="MatchNormalization"/>,
/// <see cref="PersonNames"/>, <see cref="CompanyNames"/>, <see cref="Addresses"/>), computed once per record.
/// <see cref="Email"/>, <see cref="Phones"/> and <see cref="WebsiteDomain"/> are the values to store beside
/// the typed ones; <see cref="BlockingKeys"/> are the values to index for candidate lookup.
/// </summary>
public sealed class NormalizedRecord
{
    public required long Id { get; init; }

    /// <summary>Canonical person-name tokens (nicknames resolved), typed order.</summary>
    public required IReadOnlyList<string> NameTokens { get; init; }

    /// <summary>Sorted canonical name tokens joined by spaces, or null.</summary>
    public string? NameKey { get; init; }

    /// <summary>Company tokens without legal forms; empty when the company repeats the name (an organisation lead).</summary>
    public required IReadOnlyList<string> CompanyTokens { get; init; }

    public string? CompanyKey { get; init; }

    public string? Email { get; init; }

    /// <summary>The e-mail's local part without dots, for "same mailbox name at another provider".</summary>
    public string? EmailLocal { get; init; }

    /// <summary>Distinct E.164 numbers of phone and mobile (a number typed as a mobile matches a phone).</summary>
    public required IReadOnlyList<string> Phones { get; init; }

    /// <summary>Distinct last-7-digit tails of phone and mobile, also for numbers too short to be read as E.164.</summary>
    public required IReadOnlyList<string> PhoneTails { get; init; }

    public string? WebsiteDomain { get; init; }

    public StreetAddress? Street { get; init; }

    /// <summary>City tokens joined, folded ("St. Kilda East" → "st kilda east").</summary>
    public string? City { get; init; }

    public string? State { get; init; }

    public string? PostalCode { get; init; }

    public DateOnly? DateOfBirth { get; init; }

    /// <summary>The record's keys for candidate lookup (see <see cref="Duplicates.BlockingKeys"/>).</summary>
    public IReadOnlyList<string> BlockingKeys { get; private set; } = [];

    /// <summary>Normalises <paramref name="record"/>; phone numbers without a country code are read in the record's country, else <paramref name="defaultCountry"/>.</summary>
    public static NormalizedRecord From(MatchRecord record, string? defaultCountry)
    {
        var normalized = Compared(record, defaultCountry);
        normalized.BlockingKeys = Duplicates.BlockingKeys.For(normalized);
        return normalized;
    }

    /// <summary>
    /// <paramref name="record"/> normalised for the scorer only, without <see cref="BlockingKeys"/>: a candidate the
    /// check already found by its keys. The keys are a third of the cost, and a check scores up to a few hundred candidates.
    /// </summary>
    public static NormalizedRecord Compared(MatchRecord record, string? defaultCountry)
    {
        ArgumentNullException.ThrowIfNull(record);
        var country = string.IsNullOrWhiteSpace(record.Country) ? defaultCountry : record.Country;
        var nameTokens = PersonNames.Tokens(record.Name);
        var companyTokens = CompanyNames.Tokens(record.Company);
        // an organisation lead often carries its name in both fields: compare it once, as the name
        if (companyTokens.Count > 0 && CompanyNames.Tokens(record.Name).SequenceEqual(companyTokens))
            companyTokens = [];
        var email = MatchNormalization.Email(record.Email);
        var phones = new[] { record.Phone, record.Mobile }
            .Select(p => MatchNormalization.Phone(p, country)).OfType<string>().Distinct(StringComparer.Ordinal).ToList();
        var tails = new[] { record.Phone, record.Mobile }
            .Select(MatchNormalization.PhoneTail).OfType<string>().Distinct(StringComparer.Ordinal).ToList();
        var city = string.Join(' ', TextFolding.Tokens(record.City));
        var state = string.Join(' ', TextFolding.Tokens(record.State));
        var normalized = new NormalizedRecord
        {
            Id = record.Id,
            NameTokens = nameTokens,
            NameKey = nameTokens.Count == 0 ? null : string.Join(' ', nameTokens.Order(StringComparer.Ordinal)),
            CompanyTokens = companyTokens,
            CompanyKey = companyTokens.Count == 0 ? null : string.Join(' ', companyTokens),
            Email = email,
            EmailLocal = MatchNormalization.EmailLocalPart(email),
            Phones = phones,
            PhoneTails = tails,
            WebsiteDomain = MatchNormalization.WebsiteDomain(record.Website),
            Street = Addresses.Parse(record.Street),
            City = city.Length == 0 ? null : city,
            State = state.Length == 0 ? null : state,
            PostalCode = MatchNormalization.PostalCode(record.PostalCode),
            DateOfBirth = record.DateOfBirth,
        };
        return normalized;
    }
}

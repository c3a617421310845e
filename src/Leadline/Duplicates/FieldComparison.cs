namespace Leadline.Duplicates;

/// <summary>The fields a pair is compared on; each has its own agreement levels (see <see cref="FieldComparison"/>).</summary>
public enum MatchField
{
    Name,
    Company,
    Email,
    Phone,
    Website,
    Street,
    Locality,
    DateOfBirth,
}

/// <summary>
/// Compares one field of two normalised records and returns its agreement level: -1 when either side is
/// empty (no evidence), 0 for disagreement, higher for closer agreement; <see cref="Levels"/> gives the count.
/// Agreement on one value (the top level of Name, Company, Email, Phone and Website, and a phone's digits with
/// a code missing) comes with that value's blocking key in <c>valueKey</c>: the scorer looks up its frequency.
/// </summary>
public static class FieldComparison
{
    public const int Missing = -1;

    public static int Levels(MatchField field) => field switch
    {
        MatchField.Name or MatchField.Company => 5,        // disagree, weak, medium, strong, same key
        MatchField.Email => 3,                              // disagree, same mailbox name at another domain, same address
        MatchField.Phone => 4,                              // disagree, same last 7 digits under different codes, same digits with a code missing on one side, same number
        MatchField.Website => 2,
        MatchField.Street => 5,                             // disagree, same street at another number, same number on a similar street, same street (a number missing), same number and street
        MatchField.Locality => 4,                           // disagree, same city, same post code, both
        MatchField.DateOfBirth => 4,                        // disagree, one part off, day and month swapped, same
        _ => throw new ArgumentOutOfRangeException(nameof(field)),
    };

    public static int Compare(MatchField field, NormalizedRecord a, NormalizedRecord b, Func<string, double>? tokenWeight, out string? valueKey)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        valueKey = null;
        switch (field)
        {
            case MatchField.Name:
                return Names(a.NameTokens, a.NameKey, b.NameTokens, b.NameKey, "n:", tokenWeight, out valueKey);
            case MatchField.Company:
                return Names(a.CompanyTokens, a.CompanyKey, b.CompanyTokens, b.CompanyKey, "c:", tokenWeight, out valueKey);
            case MatchField.Email:
                if (a.Email is null || b.Email is null)
                    return Missing;
                if (a.Email == b.Email)
                {
                    valueKey = "e:" + a.Email;
                    return 2;
                }
                return a.EmailLocal is { Length: >= 5 } && a.EmailLocal == b.EmailLocal ? 1 : 0;
            case MatchField.Phone:
                return Phones(a, b, out valueKey);
            case MatchField.Website:
                if (a.WebsiteDomain is null || b.WebsiteDomain is null)
                    return Missing;
                if (a.WebsiteDomain != b.WebsiteDomain)
                    return 0;
                valueKey = "w:" + a.WebsiteDomain;
                return 1;
            case MatchField.Street:
                return Streets(a.Street, b.Street);
            case MatchField.Locality:
                return Localities(a, b);
            case MatchField.DateOfBirth:
                return Dates(a.DateOfBirth, b.DateOfBirth);
            default:
                throw new ArgumentOutOfRangeException(nameof(field));
        }
    }

    /// <summary>
    /// Token-set similarity of two names: the mean of "how much of a is in b" and "how much of b is in a"
    /// (weighted Monge-Elkan with Jaro-Winkler on tokens, rare tokens weighing more), so one extra or
    /// missing word lowers it without sinking it, and word order does not count.
    /// </summary>
    public static double NameSimilarity(IReadOnlyList<string> a, IReadOnlyList<string> b, Func<string, double>? tokenWeight)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.Count == 0 || b.Count == 0)
            return 0;
        var ab = Similarity.TokensFoundIn(a, b, tokenWeight);
        var ba = Similarity.TokensFoundIn(b, a, tokenWeight);
        var tokenwise = (ab + ba) / 2;
        if (a.Count == b.Count)
            return tokenwise;
        // words split or joined differently ("de priest" / "depriest", "jac ob" / "jacob"); only then, as the joined
        // strings of two different names with the same first word ("virgie metz" / "virgie mante") look alike too
        var joined = Similarity.JaroWinkler(string.Concat(a), string.Concat(b));
        return Math.Max(tokenwise, joined >= 0.9 ? joined : 0);
    }

    private static int Names(IReadOnlyList<string> a, string? aKey, IReadOnlyList<string> b, string? bKey, string prefix,
        Func<string, double>? tokenWeight, out string? valueKey)
    {
        valueKey = null;
        if (aKey is null || bKey is null)
            return Missing;
        if (aKey == bKey)
        {
            valueKey = prefix + aKey;
            return 4;
        }
        var sim = NameSimilarity(a, b, tokenWeight);
        return sim >= 0.92 ? 3 : sim >= 0.8 ? 2 : sim >= 0.6 ? 1 : 0;
    }

    private static int Phones(NormalizedRecord a, NormalizedRecord b, out string? valueKey)
    {
        valueKey = null;
        if (a.PhoneTails.Count == 0 || b.PhoneTails.Count == 0)
            return Missing;
        foreach (var p in a.Phones)
        {
            if (b.Phones.Contains(p))
            {
                valueKey = "p:" + p;
                return 3;
            }
        }
        foreach (var t in a.PhoneTails)
        {
            if (!b.PhoneTails.Contains(t))
                continue;
            if (a.Phones.Count > 0 && b.Phones.Count > 0)
                return 1;               // two full numbers differing only in country or area code
            valueKey = "pt:" + t;
            // both typed without codes: all the digits there are agree; else the code is missing on one side
            return a.Phones.Count == 0 && b.Phones.Count == 0 ? 3 : 2;
        }
        return 0;
    }

    private static int Streets(StreetAddress? a, StreetAddress? b)
    {
        if (a is null || b is null || a.CoreWords.Count == 0 || b.CoreWords.Count == 0)
            return Missing;
        var street = NameSimilarity(a.CoreWords, b.CoreWords, null);
        var sameNumber = a.Number is not null && a.Number == b.Number;
        var numberUnknown = a.Number is null || b.Number is null;
        if (street >= 0.85)
            return sameNumber ? 4 : numberUnknown ? 3 : 1;
        if (sameNumber && street >= 0.6)
            return 2;
        return 0;
    }

    private static int Localities(NormalizedRecord a, NormalizedRecord b)
    {
        var postcode = a.PostalCode is null || b.PostalCode is null ? (bool?)null : a.PostalCode == b.PostalCode;
        var city = a.City is null || b.City is null ? (bool?)null : Similarity.JaroWinkler(a.City, b.City) >= 0.9;
        return (postcode, city) switch
        {
            (null, null) => Missing,
            (true, true or null) => 3,
            (true, false) => 2,
            (false or null, true) => 1,
            _ => 0,
        };
    }

    private static int Dates(DateOnly? a, DateOnly? b)
    {
        if (a is not { } x || b is not { } y)
            return Missing;
        if (x == y)
            return 3;
        if (x.Year == y.Year && x.Month == y.Day && x.Day == y.Month)
            return 2;
        var sameParts = (x.Year == y.Year ? 1 : 0) + (x.Month == y.Month ? 1 : 0) + (x.Day == y.Day ? 1 : 0);
        return sameParts == 2 ? 1 : 0;
    }
}

namespace Leadline.Duplicates;

/// <summary>
/// Blocking keys: short strings a record is indexed under, so that a check looks up only the records sharing
/// at least one key with it (an index seek per key, never a scan). Two records that are duplicates share a
/// key unless they differ in almost every field; each key family below catches a different kind of typing
/// difference. Store them as rows (lead id, key) with an index on key; the number of rows under a key is also
/// the value frequency the scorer uses (<see cref="MatchStatistics"/>). Keys under very many records (a
/// switchboard number, "info" mailboxes) are skipped by the sweep and should be capped by a lookup.
/// </summary>
public static class BlockingKeys
{
    public static IReadOnlyList<string> For(NormalizedRecord r)
    {
        ArgumentNullException.ThrowIfNull(r);
        var keys = new HashSet<string>(StringComparer.Ordinal);
        // e: the normalised e-mail: the same mailbox however it was typed (case, Gmail dots, +tags)
        if (r.Email is not null)
            keys.Add("e:" + r.Email);
        // el: the mailbox name at any provider ("jsmith84" at gmail and at outlook); short generic names are too common to help
        if (r.EmailLocal is { Length: >= 5 } local)
            keys.Add("el:" + local);
        // p: an E.164 number of the phone or the mobile, in one family, so a phone typed as a mobile still meets
        foreach (var phone in r.Phones)
            keys.Add("p:" + phone);
        // pt: the last 7 digits: the same line typed without its country or area code
        foreach (var tail in r.PhoneTails)
            keys.Add("pt:" + tail);
        // w: the registrable website domain (subdomains and paths ignored)
        if (r.WebsiteDomain is not null)
            keys.Add("w:" + r.WebsiteDomain);
        // n: the sorted canonical name tokens: the same name in another order, case, accents or with a nickname
        if (r.NameKey is not null)
            keys.Add("n:" + r.NameKey);
        var nameCodes = NameCodes(r.NameTokens);
        // ns: Soundex of the first and the last name token, sorted: typos that keep the sound, swapped given and family name
        if (nameCodes.Count >= 2)
            keys.Add("ns:" + string.Join('|', new[] { nameCodes[0], nameCodes[^1] }.Order(StringComparer.Ordinal)));
        foreach (var code in nameCodes.Count > 0 ? new[] { nameCodes[0], nameCodes[^1] }.Distinct() : [])
        {
            // nz: post code + the sound of one name token: a misspelt other name, at the same post code
            if (r.PostalCode is not null)
                keys.Add("nz:" + r.PostalCode + "|" + code);
            // nd: date of birth + the sound of one name token: a misspelt or changed other name, same birthday
            if (r.DateOfBirth is { } dob)
                keys.Add("nd:" + dob.ToString("yyyyMMdd", System.Globalization.CultureInfo.InvariantCulture) + "|" + code);
        }
        // a: house number + first street word: the same address written with other abbreviations or names
        if (r.Street is { Number: { } number, CoreWords.Count: > 0 } street)
            keys.Add("a:" + number + "|" + street.CoreWords[0]);
        // az: post code + first street word: the same street with a missing or mistyped house number
        if (r.Street is { CoreWords.Count: > 0 } s && r.PostalCode is not null)
            keys.Add("az:" + r.PostalCode + "|" + s.CoreWords[0]);
        // c: the company without legal forms and "The"
        if (r.CompanyKey is not null)
            keys.Add("c:" + r.CompanyKey);
        // wn: website domain + name sound: people of one large company's domain, narrowed to the name
        if (r.WebsiteDomain is not null && nameCodes.Count > 0)
            keys.Add("wn:" + r.WebsiteDomain + "|" + nameCodes[^1]);
        // a typed text the check is given may hold a control character; no stored lead has one (the writers refuse them),
        // and PostgreSQL cannot take a NUL in a query parameter at all
        return [.. keys.Where(k => Common.PlainText.ControlCharacter(k) is null)];
    }

    // Soundex codes of the name tokens longer than an initial
    private static List<string> NameCodes(IReadOnlyList<string> tokens) =>
        tokens.Where(t => t.Length > 1 && char.IsLetter(t[0])).Select(Similarity.Soundex).ToList();
}

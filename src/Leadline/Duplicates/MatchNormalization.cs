using System.Collections.Frozen;
using Leadline.Common;

namespace Leadline.Duplicates;

/// <summary>
/// The normal forms duplicate matching compares. Each one keeps the meaning and drops the ways people
/// write the same thing differently; all are deterministic, so they can be stored and indexed.
/// </summary>
public static class MatchNormalization
{
    private static readonly FrozenSet<string> GmailDomains = FrozenSet.ToFrozenSet(["gmail.com", "googlemail.com"], StringComparer.Ordinal);

    /// <summary>
    /// "  John.Smith+crm@GoogleMail.com " → "johnsmith@gmail.com": trimmed, lower case, a <c>+tag</c> dropped
    /// (sub-addressing, supported by most providers), and for Gmail the dots too (Gmail ignores them) with
    /// googlemail.com read as gmail.com. Null when the text is not an address.
    /// </summary>
    public static string? Email(string? typed)
    {
        if (string.IsNullOrWhiteSpace(typed))
            return null;
        var text = typed.Trim().ToLowerInvariant();
        if (text.StartsWith("mailto:", StringComparison.Ordinal))
            text = text[7..];
        var at = text.LastIndexOf('@');
        if (at <= 0 || at == text.Length - 1 || text.IndexOf('@') != at || text.Any(char.IsWhiteSpace))
            return null;
        var local = text[..at];
        var domain = text[(at + 1)..].TrimEnd('.');
        if (!domain.Contains('.', StringComparison.Ordinal) || domain.StartsWith('.'))
            return null;
        var plus = local.IndexOf('+', StringComparison.Ordinal);
        if (plus > 0)
            local = local[..plus];
        if (GmailDomains.Contains(domain))
        {
            local = local.Replace(".", "", StringComparison.Ordinal);
            domain = "gmail.com";
        }
        return local.Length == 0 ? null : local + "@" + domain;
    }

    /// <summary>The part before the @ of a normalised address, with dots dropped ("john.smith" = "johnsmith" across domains).</summary>
    public static string? EmailLocalPart(string? normalizedEmail) =>
        normalizedEmail is null ? null : normalizedEmail[..normalizedEmail.IndexOf('@', StringComparison.Ordinal)].Replace(".", "", StringComparison.Ordinal);

    /// <summary>
    /// E.164 through <see cref="PhoneNumbers.ToE164"/>; null when the number cannot be read as a full number. A stored
    /// lead's number is already E.164 and is taken as it is: parsing it again cost every key derivation a library parse.
    /// </summary>
    public static string? Phone(string? typed, string? defaultCountry) =>
        PhoneNumbers.IsE164(typed) ? typed : PhoneNumbers.ToE164(typed, defaultCountry);

    /// <summary>
    /// The last seven digits of a phone number ("(312) 534-2680" and "534 2680" both give "5342680"): the
    /// subscriber part, which still matches when the country or area code was left out. Null for fewer than 7 digits.
    /// </summary>
    public static string? PhoneTail(string? typed)
    {
        var digits = PhoneNumbers.Digits(PhoneNumbers.StripExtension(typed));
        return digits.Length >= 7 ? digits[^7..] : null;
    }

    /// <summary>"https://www.Shop.Example.co.uk/about" → "example.co.uk": the registrable domain, so subdomains of one site agree.</summary>
    public static string? WebsiteDomain(string? typed)
    {
        var host = Websites.Domain(typed);
        return host is null ? null : RegistrableDomain(host);
    }

    /// <summary>The registrable part of a host name: the last two labels, or three under a two-level public suffix (co.uk, com.au …).</summary>
    public static string RegistrableDomain(string host)
    {
        ArgumentNullException.ThrowIfNull(host);
        var labels = host.Split('.');
        if (labels.Length <= 2)
            return host;
        var keep = labels[^2].Length <= 3 && labels[^1].Length == 2 && SecondLevelSuffixes.Contains(labels[^2]) ? 3 : 2;
        return string.Join('.', labels[^keep..]);
    }

    // second-level labels under country domains that act as public suffixes (co.uk, com.au, org.nz, ac.jp …)
    private static readonly FrozenSet<string> SecondLevelSuffixes = FrozenSet.ToFrozenSet(
        ["co", "com", "org", "net", "gov", "edu", "ac", "or", "ne", "go", "gv", "nic", "ltd", "plc", "sch", "nhs", "mil", "gob", "gouv", "asn", "id"],
        StringComparer.Ordinal);

    /// <summary>Post code without spaces and dashes, upper case ("sw1a 1aa" → "SW1A1AA").</summary>
    public static string? PostalCode(string? typed)
    {
        if (string.IsNullOrWhiteSpace(typed))
            return null;
        var code = string.Concat(typed.Where(char.IsLetterOrDigit)).ToUpperInvariant();
        return code.Length == 0 ? null : code;
    }
}

using System.Collections.Frozen;
using System.Text;

namespace Leadline.Common;

/// <summary>
/// Normalises phone numbers to E.164 (<c>+4930123456</c>) without libphonenumber (not on the package feed):
/// international forms (<c>+</c>, <c>00</c>, the US <c>011</c>, Russia's <c>8~10</c>) keep their country code;
/// national forms drop the country's trunk prefix and gain the default country's calling code. A per-country
/// national length range rejects obvious typos. Numbers that cannot be read return null; the typed text is
/// always kept beside the normalised one.
/// </summary>
public static class PhoneNumbers
{
    private sealed record Plan(string CallingCode, string? Trunk, int MinLength, int MaxLength, string? InternationalPrefix = "00");

    private static readonly FrozenDictionary<string, Plan> Plans = new Dictionary<string, Plan>
    {
        ["US"] = new("1", "1", 10, 10, "011"),
        ["CA"] = new("1", "1", 10, 10, "011"),
        ["GB"] = new("44", "0", 9, 10),
        ["IE"] = new("353", "0", 7, 9),
        ["DE"] = new("49", "0", 6, 11),
        ["AT"] = new("43", "0", 4, 13),
        ["CH"] = new("41", "0", 9, 9),
        ["FR"] = new("33", "0", 9, 9),
        ["BE"] = new("32", "0", 8, 9),
        ["NL"] = new("31", "0", 9, 9),
        ["LU"] = new("352", null, 4, 11),
        ["ES"] = new("34", null, 9, 9),
        ["PT"] = new("351", null, 9, 9),
        ["IT"] = new("39", null, 6, 11),   // Italian numbers keep their leading 0 (+39 06 …)
        ["PL"] = new("48", null, 9, 9),
        ["CZ"] = new("420", null, 9, 9),
        ["SE"] = new("46", "0", 7, 9),
        ["NO"] = new("47", null, 8, 8),
        ["DK"] = new("45", null, 8, 8),
        ["FI"] = new("358", "0", 5, 10),
        ["GR"] = new("30", null, 10, 10),
        ["RU"] = new("7", "8", 10, 10, "810"),
        ["UA"] = new("380", "0", 9, 9),
        ["TR"] = new("90", "0", 10, 10),
        ["IL"] = new("972", "0", 8, 9),
        ["AE"] = new("971", "0", 8, 9),
        ["SA"] = new("966", "0", 9, 9),
        ["EG"] = new("20", "0", 9, 10),
        ["ZA"] = new("27", "0", 9, 9),
        ["NG"] = new("234", "0", 8, 10, "009"),
        ["KE"] = new("254", "0", 9, 9, "000"),
        ["IN"] = new("91", "0", 10, 10),
        ["PK"] = new("92", "0", 9, 10),
        ["CN"] = new("86", "0", 10, 11),
        ["HK"] = new("852", null, 8, 8, "001"),
        ["JP"] = new("81", "0", 9, 10, "010"),
        ["KR"] = new("82", "0", 8, 10, "001"),
        ["SG"] = new("65", null, 8, 8, "000"),
        ["MY"] = new("60", "0", 8, 10),
        ["TH"] = new("66", "0", 8, 9, "001"),
        ["VN"] = new("84", "0", 9, 10),
        ["PH"] = new("63", "0", 10, 10),
        ["ID"] = new("62", "0", 8, 12, "001"),
        ["AU"] = new("61", "0", 9, 9, "0011"),
        ["NZ"] = new("64", "0", 8, 10),
        ["BR"] = new("55", "0", 10, 11),
        ["MX"] = new("52", null, 10, 10),
        ["AR"] = new("54", "0", 10, 11),
        ["CO"] = new("57", null, 10, 10),
        ["CL"] = new("56", null, 9, 9, "00"),
        ["PE"] = new("51", "0", 8, 9),
    }.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);

    public static IEnumerable<string> SupportedCountries => Plans.Keys;

    /// <summary>The E.164 form of <paramref name="typed"/>, read as a number of <paramref name="defaultCountry"/> when it has no country code.</summary>
    public static string? ToE164(string? typed, string? defaultCountry)
    {
        if (string.IsNullOrWhiteSpace(typed))
            return null;
        var text = typed.Trim();
        // extensions ("ext. 12", "x12", "#12") are not part of the number
        var extIndex = text.IndexOf("ext", StringComparison.OrdinalIgnoreCase);
        if (extIndex > 0)
            text = text[..extIndex];
        var cut = text.IndexOfAny(['x', 'X', '#', ';']);
        if (cut > 0)
            text = text[..cut];
        if (text.Any(char.IsLetter))
            return null;

        var plus = text.TrimStart().StartsWith('+');
        var digits = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (char.IsAsciiDigit(c))
                digits.Append(c);
            else if (!(char.IsWhiteSpace(c) || c is '-' or '.' or '(' or ')' or '/' or '+' or '\u00a0'))
                return null;
        }
        var number = digits.ToString();
        Plans.TryGetValue(defaultCountry ?? "", out var plan);

        if (plus)
            return International(number);
        if (plan?.InternationalPrefix is { } idd && number.StartsWith(idd, StringComparison.Ordinal) && number.Length > idd.Length + 7)
            return International(number[idd.Length..]);
        if (plan?.InternationalPrefix != "00" && number.StartsWith("00", StringComparison.Ordinal) && number.Length > 10)
            return International(number[2..]);   // "00" is understood almost everywhere
        if (plan is null)
            return null;

        var national = number;
        if (plan.Trunk is { } trunk && national.StartsWith(trunk, StringComparison.Ordinal) && national.Length - trunk.Length >= plan.MinLength)
            national = national[trunk.Length..];
        // a national number typed with its own country code but without "+" (4915112345678 in DE)
        else if (national.StartsWith(plan.CallingCode, StringComparison.Ordinal) && national.Length - plan.CallingCode.Length is var rest
                 && rest >= plan.MinLength && rest <= plan.MaxLength && national.Length > plan.MaxLength)
            national = national[plan.CallingCode.Length..];
        if (national.Length < plan.MinLength || national.Length > plan.MaxLength)
            return null;
        return "+" + plan.CallingCode + national;
    }

    private static string? International(string digits) =>
        digits.Length is >= 8 and <= 15 && digits[0] != '0' ? "+" + digits : null;

    /// <summary>Digits only, for "contains" search on phone numbers however they were typed.</summary>
    public static string Digits(string? text) => text is null ? "" : string.Concat(text.Where(char.IsAsciiDigit));
}

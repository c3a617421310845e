extern alias LibPhoneNumber;

using System.Collections.Concurrent;
using Lib = LibPhoneNumber::PhoneNumbers;

namespace Leadline.Common;

/// <summary>What a number is used for, as libphonenumber places it (WhatsApp and SMS need a mobile).</summary>
public enum PhoneKind
{
    /// <summary>The library knows no such number: unassigned, fictional (555-01xx) or a test range (+44 7700 900xxx).</summary>
    Unknown,
    Mobile,
    Fixed,
    /// <summary>Toll-free, premium, VoIP, pager and the like.</summary>
    Other,
}

/// <summary>
/// A phone number as typed and as read. <see cref="E164"/> is null when the text is not a full number (a local number
/// without area code, an unknown country code): then the number is kept as typed and unverified. Validity and kind
/// are asked of the library only when read (each is a few microseconds of pattern matching).
/// </summary>
public sealed class PhoneReading
{
    private readonly Lib.PhoneNumber? _number;

    internal PhoneReading(string typed, Lib.PhoneNumber? number, string? e164)
    {
        Typed = typed;
        _number = number;
        E164 = e164;
        Digits = e164 is null ? PhoneNumbers.Digits(PhoneNumbers.StripExtension(typed)) : e164[1..];
    }

    /// <summary>The text as typed, trimmed.</summary>
    public string Typed { get; }

    /// <summary>The number in E.164 (<c>+4930123456</c>), also when the library calls it invalid; null when unverified.</summary>
    public string? E164 { get; }

    /// <summary>Read as a full number: false means kept as typed.</summary>
    public bool IsVerified => E164 is not null;

    /// <summary>What search and duplicate matching read: the E.164 digits (country code first), else the digits typed.</summary>
    public string Digits { get; }

    /// <summary>Text with too few digits to be a phone number at all ("call me", "n/a"): refused rather than kept.</summary>
    public bool IsNumber => IsVerified || Digits.Length >= PhoneNumbers.MinDigits;

    /// <summary>The library's verdict: a number in an assigned range of its country's plan.</summary>
    public bool IsValid => _number is not null && IsVerified && PhoneNumbers.Util.IsValidNumber(_number);

    /// <summary>Mobile, fixed line or other; FIXED_LINE_OR_MOBILE (the US and Canada, among others) counts as mobile.</summary>
    public PhoneKind Kind => _number is null || !IsVerified ? PhoneKind.Unknown : PhoneNumbers.Util.GetNumberType(_number) switch
    {
        Lib.PhoneNumberType.MOBILE or Lib.PhoneNumberType.FIXED_LINE_OR_MOBILE => PhoneKind.Mobile,
        Lib.PhoneNumberType.FIXED_LINE => PhoneKind.Fixed,
        Lib.PhoneNumberType.UNKNOWN => PhoneKind.Unknown,
        _ => PhoneKind.Other,
    };
}

/// <summary>
/// Phone numbers through libphonenumber (Google's metadata for 245 regions): reading typed text in the workspace's
/// country, E.164 for storage and matching, and the one display format of the UI.
/// </summary>
public static class PhoneNumbers
{
    /// <summary>Fewest digits a number kept as typed must have; fewer is not a phone number.</summary>
    public const int MinDigits = 3;

    /// <summary>What the UI says beside a number kept as typed (<see cref="PhoneReading.IsVerified"/> false).</summary>
    public const string UnverifiedHint = "Could not verify this number: kept as typed; add the country code.";

    internal static readonly Lib.PhoneNumberUtil Util = Lib.PhoneNumberUtil.GetInstance();

    /// <summary>
    /// Reads <paramref name="typed"/>, as a number of <paramref name="defaultCountry"/> (ISO 3166-1 alpha-2) when it has no
    /// country code; null for blank text. A number is read (E.164) when the library parses it and its length is possible for
    /// its country, valid or not: the library's "possible only locally" (265-3830 in the US) is not a full number.
    /// </summary>
    public static PhoneReading? Read(string? typed, string? defaultCountry)
    {
        if (string.IsNullOrWhiteSpace(typed))
            return null;
        var text = typed.Trim();
        var number = Parse(text, defaultCountry);
        return new PhoneReading(text, number, number is null ? null : Util.Format(number, Lib.PhoneNumberFormat.E164));
    }

    /// <summary>The E.164 form of <paramref name="typed"/> (see <see cref="Read"/>), or null.</summary>
    public static string? ToE164(string? typed, string? defaultCountry)
    {
        if (string.IsNullOrWhiteSpace(typed))
            return null;
        return Parse(typed.Trim(), defaultCountry) is { } number ? Util.Format(number, Lib.PhoneNumberFormat.E164) : null;
    }

    private static Lib.PhoneNumber? Parse(string text, string? defaultCountry)
    {
        try
        {
            var number = Util.Parse(text, string.IsNullOrEmpty(defaultCountry) ? "ZZ" : defaultCountry.ToUpperInvariant());
            return Util.IsPossibleNumberWithReason(number) == Lib.PhoneNumberUtil.ValidationResult.IS_POSSIBLE ? number : null;
        }
        catch (Lib.NumberParseException)
        {
            return null;
        }
    }

    /// <summary>True for text already in E.164 (<c>+</c> and 7-15 digits): stored numbers, which need no second parse.</summary>
    public static bool IsE164(string? text) =>
        text is { Length: >= 8 and <= 16 } && text[0] == '+' && text[1] != '0' && text.AsSpan(1).IndexOfAnyExceptInRange('0', '9') < 0;

    private static readonly ConcurrentDictionary<(string E164, string? Country), string> DisplayCache = new();

    /// <summary>
    /// How the UI shows a number, everywhere: national format for numbers of the workspace's calling code ("(202) 555-0173"
    /// in a US workspace), international otherwise ("+44 20 7946 0958"); an unverified number as typed.
    /// </summary>
    public static string Display(string? typed, string? e164, string? workspaceCountry)
    {
        if (e164 is null)
            return typed?.Trim() ?? "";
        var country = workspaceCountry?.ToUpperInvariant();
        if (DisplayCache.TryGetValue((e164, country), out var shown))
            return shown;
        try
        {
            var number = Util.Parse(e164, "ZZ");
            var national = country is not null && number.CountryCode == Util.GetCountryCodeForRegion(country);
            shown = Util.Format(number, national ? Lib.PhoneNumberFormat.NATIONAL : Lib.PhoneNumberFormat.INTERNATIONAL);
        }
        catch (Lib.NumberParseException)
        {
            shown = e164;
        }
        // a page shows the same few dozen numbers again and again; the bound keeps a long-running server's memory flat
        if (DisplayCache.Count > 20_000)
            DisplayCache.Clear();
        DisplayCache[(e164, country)] = shown;
        return shown;
    }

    /// <summary>Digits only, for "contains" search on phone numbers however they were typed.</summary>
    public static string Digits(string? text) => text is null ? "" : string.Concat(text.Where(char.IsAsciiDigit));

    /// <summary>The text before an extension ("ext. 12", "x12", "#12"), which is not part of the number.</summary>
    public static string? StripExtension(string? typed)
    {
        if (typed is null)
            return null;
        var ext = typed.IndexOf("ext", StringComparison.OrdinalIgnoreCase);
        if (ext > 0)
            typed = typed[..ext];
        var cut = typed.IndexOfAny(['x', 'X', '#', ';']);
        return cut > 0 ? typed[..cut] : typed;
    }
}

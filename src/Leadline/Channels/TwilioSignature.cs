using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Primitives;

namespace Leadline.Channels;

/// <summary>
/// Twilio's <c>X-Twilio-Signature</c>: Base64 of HMAC-SHA1 under the account's auth token over the full URL Twilio
/// requested, followed by every POST parameter's name and value, sorted by name (ordinally; a repeated name's values
/// sorted too). A JSON body is not signed as parameters: its URL carries <c>bodySHA256</c> (hex SHA-256 of the raw body),
/// the signature covers the URL alone and the hash is checked against the body. The URL Twilio signed may carry or omit
/// the port (a default one, or one a proxy adds or drops): like Twilio's own libraries, the URL with and without its port
/// are both accepted. Compared in constant time.
/// </summary>
public static class TwilioSignature
{
    public const string Header = "X-Twilio-Signature";

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Security", "CA5350:Do Not Use Weak Cryptographic Algorithms",
        Justification = "Twilio's protocol: the signature is HMAC-SHA1, and HMAC-SHA1 is not weakened by SHA-1's collisions.")]
    public static string Sign(string authToken, string url, IEnumerable<KeyValuePair<string, StringValues>> parameters)
    {
        var text = new StringBuilder(url);
        foreach (var (name, values) in parameters.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            foreach (var value in values.Distinct().Order(StringComparer.Ordinal))
                text.Append(name).Append(value);
        }
        return Convert.ToBase64String(HMACSHA1.HashData(Encoding.UTF8.GetBytes(authToken), Encoding.UTF8.GetBytes(text.ToString())));
    }

    public static string Sign(string authToken, string url, IReadOnlyDictionary<string, string> parameters) =>
        Sign(authToken, url, parameters.Select(p => new KeyValuePair<string, StringValues>(p.Key, p.Value)));

    /// <summary>
    /// True when <paramref name="header"/> signs a request to one of <paramref name="urls"/> (each tried with and without
    /// its port) with these form <paramref name="parameters"/>; or, when <paramref name="jsonBody"/> is given, when the URL
    /// (parameters ignored) is signed and its <c>bodySHA256</c> is the body's hash.
    /// </summary>
    public static bool Verify(string? authToken, IEnumerable<string> urls, IEnumerable<KeyValuePair<string, StringValues>> parameters, string? header,
        ReadOnlySpan<byte> jsonBody = default, bool json = false)
    {
        if (string.IsNullOrEmpty(authToken) || string.IsNullOrWhiteSpace(header))
            return false;
        byte[] given;
        try
        {
            given = Convert.FromBase64String(header.Trim());
        }
        catch (FormatException)
        {
            return false;
        }
        var signed = json ? [] : parameters.ToList();
        var ok = false;
        foreach (var url in urls.SelectMany(PortForms).Distinct(StringComparer.Ordinal))
        {
            if (json && !BodyHashMatches(url, jsonBody))
                continue;
            var expected = Convert.FromBase64String(Sign(authToken, url, signed));
            // every candidate is computed and compared: the time taken says nothing of which one matched
            ok |= CryptographicOperations.FixedTimeEquals(expected, given);
        }
        return ok;
    }

    /// <summary>Whether the URL's <c>bodySHA256</c> is the lowercase (or uppercase) hex SHA-256 of the body.</summary>
    private static bool BodyHashMatches(string url, ReadOnlySpan<byte> body)
    {
        var query = url.IndexOf('?', StringComparison.Ordinal) is var q and >= 0 ? QueryHelpers.ParseQuery(url[q..]) : [];
        if (!query.TryGetValue("bodySHA256", out var hash) || hash.Count != 1 || hash[0] is not { } hex)
            return false;
        byte[] claimed;
        try
        {
            claimed = Convert.FromHexString(hex);
        }
        catch (FormatException)
        {
            return false;
        }
        return CryptographicOperations.FixedTimeEquals(SHA256.HashData(body), claimed);
    }

    /// <summary>The URL as given, with its port removed, and with the scheme's default port added when it has none.</summary>
    internal static IEnumerable<string> PortForms(string url)
    {
        yield return url;
        var schemeEnd = url.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd <= 0)
            yield break;
        var scheme = url[..schemeEnd];
        var rest = url[(schemeEnd + 3)..];
        var end = rest.IndexOfAny(['/', '?', '#']);
        var authority = end < 0 ? rest : rest[..end];
        var tail = end < 0 ? "" : rest[end..];
        var at = authority.LastIndexOf('@');
        var user = at < 0 ? "" : authority[..(at + 1)];
        var hostPort = authority[(at + 1)..];
        var colon = hostPort.IndexOf(':', hostPort.LastIndexOf(']') + 1);
        if (colon >= 0)
            yield return $"{scheme}://{user}{hostPort[..colon]}{tail}";
        else
            yield return $"{scheme}://{user}{hostPort}:{(scheme.Equals("https", StringComparison.OrdinalIgnoreCase) ? 443 : 80)}{tail}";
    }
}

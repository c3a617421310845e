using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using Leadline.Common.Api;
using Microsoft.AspNetCore.WebUtilities;

namespace Leadline.Channels.Webform;

/// <summary>
/// One enquiry posted to <c>/f/{key}</c>, read and cleaned before anything is stored: plain text only (tags, scripts and
/// control characters removed), bounded sizes, the page it was sent from and its UTM parameters. Stored as a
/// <see cref="WebhookDelivery"/> body (JSON) and read into the timeline by <see cref="WebformInbound"/>.
/// </summary>
public sealed partial record WebformSubmission
{
    /// <summary>The hidden field a person never fills in; a bot that fills every input does.</summary>
    public const string Honeypot = "website2";

    /// <summary>A whole submission; a longer body is refused with 413 before it is read further.</summary>
    public const int MaxBodyBytes = 32 * 1024;

    public const int MaxMessageLength = 10_000;

    public const int MaxValueLength = 1_000;

    public const int MaxExtraFields = 30;

    internal static readonly string[] UtmKeys = ["utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content"];

    // fields about the submission itself, not the enquiry
    private static readonly HashSet<string> Meta = new(StringComparer.OrdinalIgnoreCase) { "pageUrl", "referrer", "idempotencyKey", Honeypot, "__RequestVerificationToken" };

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    /// <summary>The message's provider id: the widget's idempotency key (a double click is one submission) or a new one.</summary>
    public required string Id { get; init; }

    public required DateTime At { get; init; }

    public string? Name { get; init; }

    public string? Email { get; init; }

    public string? Phone { get; init; }

    public string? Message { get; init; }

    /// <summary>Every other field, in the order sent (custom fields by key, or kept in the message).</summary>
    public Dictionary<string, string> Fields { get; init; } = [];

    public string? PageUrl { get; init; }

    public string? Referrer { get; init; }

    public Dictionary<string, string> Utm { get; init; } = [];

    [JsonIgnore]
    public bool IsSpam { get; init; }

    public string Serialize() => JsonSerializer.Serialize(this, Json);

    public static WebformSubmission? Deserialize(string json) => JsonSerializer.Deserialize<WebformSubmission>(json, Json);

    /// <summary>
    /// Reads a posted body (JSON object or form-encoded) into a submission; field errors (too long, too many, a required field
    /// empty, an e-mail address that is not one) go to <paramref name="errors"/>.
    /// </summary>
    public static WebformSubmission Read(byte[] body, bool isJson, string? headerKey, string? referer, WebformSettings settings, DateTime now, Errors errors)
    {
        var values = new List<KeyValuePair<string, string>>();
        if (isJson)
        {
            try
            {
                using var doc = JsonDocument.Parse(body);
                if (doc.RootElement.ValueKind != JsonValueKind.Object)
                    errors.Add("body", "Send a JSON object of fields, such as { \"name\": \"…\", \"message\": \"…\" }.");
                else
                {
                    foreach (var p in doc.RootElement.EnumerateObject())
                    {
                        var text = p.Value.ValueKind switch
                        {
                            JsonValueKind.String => p.Value.GetString(),
                            JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => p.Value.GetRawText(),
                            JsonValueKind.Array => string.Join(", ", p.Value.EnumerateArray().Where(e => e.ValueKind is JsonValueKind.String or JsonValueKind.Number)
                                .Select(e => e.ValueKind == JsonValueKind.String ? e.GetString() : e.GetRawText())),
                            _ => null,
                        };
                        if (text is not null)
                            values.Add(new(p.Name, text));
                    }
                }
            }
            catch (JsonException)
            {
                errors.Add("body", "The body is not valid JSON.");
            }
        }
        else
        {
            foreach (var (key, value) in QueryHelpers.ParseQuery(Encoding.UTF8.GetString(body)))
                values.Add(new(key, string.Join(", ", value.Where(v => !string.IsNullOrEmpty(v)))));
        }

        string? Take(string key) => values.LastOrDefault(v => string.Equals(v.Key, key, StringComparison.OrdinalIgnoreCase)).Value;
        var spam = !string.IsNullOrWhiteSpace(Take(Honeypot));
        var name = Clean(Take("name"), 200, "name", errors);
        var email = Clean(Take("email"), 254, "email", errors);
        var phone = Clean(Take("phone"), 50, "phone", errors);
        var message = Clean(Take("message"), MaxMessageLength, "message", errors);
        if (email is not null && !Common.EmailAddresses.IsValid(email))
            errors.Add("email", "Enter a valid e-mail address, such as name@example.com.");

        var extra = new Dictionary<string, string>(StringComparer.Ordinal);
        var utm = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, raw) in values)
        {
            if (WebformSettings.IsStandard(key.ToLowerInvariant()) || Meta.Contains(key))
                continue;
            var k = key.Trim();
            if (UtmKeys.Contains(k.ToLowerInvariant()))
            {
                if (Clean(raw, 200, k, errors) is { } u)
                    utm[k.ToLowerInvariant()] = u;
                continue;
            }
            if (k.Length is 0 or > 100)
                continue;
            if (extra.Count >= MaxExtraFields)
            {
                errors.Add("body", $"A submission has at most {MaxExtraFields} extra fields.");
                break;
            }
            if (Clean(raw, MaxValueLength, k, errors) is { } v)
                extra[k] = v;
        }

        // the page the form was on: the widget sends it; a plain form post has the Referer (the hosted page's own is not news)
        var pageUrl = Url(Take("pageUrl")) ?? Url(referer);
        var referrer = Url(Take("referrer")) ?? (Url(referer) is { } header && header != pageUrl ? header : null);
        foreach (var (key, value) in pageUrl is null ? [] : QueryHelpers.ParseQuery(new Uri(pageUrl).Query))
        {
            if (UtmKeys.Contains(key.ToLowerInvariant()) && !utm.ContainsKey(key.ToLowerInvariant()) && Clean(value.ToString(), 200, key, new Errors()) is { } u)
                utm[key.ToLowerInvariant()] = u;
        }

        foreach (var field in settings.Fields.Where(f => f.Required))
        {
            var given = field.Key switch
            {
                "name" => name, "email" => email, "phone" => phone, "message" => message,
                _ => extra.GetValueOrDefault(field.Key),
            };
            if (string.IsNullOrWhiteSpace(given) && errors.For(field.Key).Count == 0)
                errors.Add(field.Key, $"{field.Label} is required.");
        }
        if (email is null && phone is null && errors.For("email").Count == 0 && errors.For("phone").Count == 0
            && settings.Fields.Any(f => f.Key is "email" or "phone"))
            errors.Add(settings.Fields.Any(f => f.Key == "email") ? "email" : "phone", "Leave an e-mail address or a phone number so we can answer you.");

        var idempotency = Take("idempotencyKey") ?? headerKey;
        var id = idempotency is not null && idempotency.Length is >= 8 and <= 100 && idempotency.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_')
            ? "form:" + idempotency : "form:" + Guid.NewGuid().ToString("N");
        return new WebformSubmission
        {
            Id = id, At = now, Name = name, Email = email, Phone = phone, Message = message, Fields = extra, PageUrl = pageUrl,
            Referrer = referrer, Utm = utm, IsSpam = spam,
        };
    }

    /// <summary>The text without markup or control characters, trimmed; null when nothing is left; an error when too long.</summary>
    internal static string? Clean(string? value, int max, string field, Errors errors)
    {
        var text = StripTags(value);
        if (text is null)
            return null;
        if (text.Length > max)
        {
            errors.Add(field, $"{field} must be at most {max:N0} characters.");
            return text[..max];
        }
        return text;
    }

    /// <summary>Plain text from whatever was typed or pasted: scripts and styles dropped with their content, other tags removed, entities read.</summary>
    public static string? StripTags(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
            return null;
        var text = value;
        // twice: an entity-escaped tag (&lt;b&gt;) becomes a tag when read, and is removed the second time
        for (var pass = 0; pass < 2; pass++)
        {
            text = ScriptOrStyle().Replace(text, " ");
            text = BreakingTag().Replace(text, "\n");
            text = Tag().Replace(text, "");
            text = WebUtility.HtmlDecode(text);
        }
        var clean = new StringBuilder(text.Length);
        // a lone half of a surrogate pair reads as the replacement character: dropped with the control characters
        foreach (var rune in text.Replace("\r\n", "\n", StringComparison.Ordinal).EnumerateRunes())
        {
            if (rune.Value is '\n' or '\t' || (!Rune.IsControl(rune) && rune != Rune.ReplacementChar))
                clean.Append(rune.ToString());
        }
        var lines = clean.ToString().Split('\n').Select(line => Spaces().Replace(line, " ").Trim());
        var result = BlankLines().Replace(string.Join('\n', lines).Trim(), "\n\n");
        return result.Length == 0 ? null : result;
    }

    private static string? Url(string? text) =>
        Uri.TryCreate(text?.Trim(), UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" && text!.Trim().Length <= 2000 ? uri.ToString() : null;

    [GeneratedRegex(@"<(script|style)\b[^>]*>.*?</\1\s*>", RegexOptions.IgnoreCase | RegexOptions.Singleline)]
    private static partial Regex ScriptOrStyle();

    [GeneratedRegex(@"<br\s*/?>|</p\s*>|</div\s*>", RegexOptions.IgnoreCase)]
    private static partial Regex BreakingTag();

    [GeneratedRegex(@"</?[a-zA-Z!/][^<>]*>")]
    private static partial Regex Tag();

    [GeneratedRegex(@"[ \t]+")]
    private static partial Regex Spaces();

    [GeneratedRegex(@"\n{3,}")]
    private static partial Regex BlankLines();
}

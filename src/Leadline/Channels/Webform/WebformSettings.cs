using System.Text.Json;
using System.Text.Json.Nodes;
using Leadline.Common.Api;

namespace Leadline.Channels.Webform;

/// <summary>One input of the form: a standard field (name, email, phone, message) or a workspace custom field by key.</summary>
public sealed record WebformField(string Key, string Label, bool Required)
{
    public bool IsMessage => Key == "message";

    public string InputType => Key switch
    {
        "email" => "email",
        "phone" => "tel",
        _ => "text",
    };
}

/// <summary>
/// A web form channel's plain settings: <c>allowedOrigins</c> (the sites whose pages may post to it from the browser: CORS),
/// <c>fields</c> (which inputs the form shows and which are required; name, e-mail, phone and message until set) and
/// <c>thankYou</c> (what the visitor reads after sending).
/// </summary>
public sealed record WebformSettings(IReadOnlyList<string> AllowedOrigins, IReadOnlyList<WebformField> Fields, string ThankYou)
{
    public const string DefaultThankYou = "Thank you! We have your message and will get back to you soon.";

    public const int MaxFields = 20;

    public static readonly IReadOnlyList<WebformField> DefaultFields =
    [
        new("name", "Name", true),
        new("email", "E-mail", false),
        new("phone", "Phone", false),
        new("message", "Message", true),
    ];

    private static readonly Dictionary<string, string> StandardLabels = new(StringComparer.Ordinal)
    {
        ["name"] = "Name", ["email"] = "E-mail", ["phone"] = "Phone", ["message"] = "Message",
    };

    public static bool IsStandard(string key) => StandardLabels.ContainsKey(key);

    public static WebformSettings Read(Channel channel)
    {
        JsonObject settings;
        try
        {
            settings = JsonNode.Parse(channel.Settings) as JsonObject ?? [];
        }
        catch (JsonException)
        {
            settings = [];
        }
        return Read(settings, new Errors());
    }

    /// <summary>Reads the settings, adding an error per bad value to <paramref name="errors"/> (the channels API and page refuse them).</summary>
    public static WebformSettings Read(JsonObject settings, Errors errors)
    {
        List<string> origins = [];
        switch (settings["allowedOrigins"])
        {
            case null:
                break;
            case JsonArray array:
                foreach (var item in array)
                {
                    if (item is JsonValue v && v.GetValueKind() == JsonValueKind.String && NormaliseOrigin(v.GetValue<string>()) is { } origin)
                        origins.Add(origin);
                    else
                        errors.Add("settings.allowedOrigins", $"“{item}” is not an origin: write it as https://www.example.com (scheme, host and port only).");
                }
                break;
            default:
                errors.Add("settings.allowedOrigins", "allowedOrigins is a list of origins, such as [\"https://www.example.com\"].");
                break;
        }

        var fields = DefaultFields;
        if (settings["fields"] is JsonArray given)
        {
            List<WebformField> read = [];
            foreach (var item in given)
            {
                // "phone" or { key, label?, required? }
                string? key = null, label = null;
                bool? required = null;
                if (item is JsonValue s && s.GetValueKind() == JsonValueKind.String)
                    key = s.GetValue<string>();
                else if (item is JsonObject o)
                {
                    key = o["key"]?.GetValueKind() == JsonValueKind.String ? o["key"]!.GetValue<string>() : null;
                    label = o["label"]?.GetValueKind() == JsonValueKind.String ? o["label"]!.GetValue<string>() : null;
                    required = o["required"]?.GetValueKind() is JsonValueKind.True or JsonValueKind.False ? o["required"]!.GetValue<bool>() : null;
                }
                key = key?.Trim();
                if (string.IsNullOrEmpty(key) || key.Length > 50 || !key.All(c => char.IsAsciiLetterOrDigit(c) || c == '_') || key == WebformSubmission.Honeypot)
                {
                    errors.Add("settings.fields", $"A field is a key (name, email, phone, message or a custom field's key), optionally with a label and required: {item?.ToJsonString()}.");
                    continue;
                }
                if (read.Any(f => f.Key == key))
                    continue;
                label = string.IsNullOrWhiteSpace(label) ? StandardLabels.GetValueOrDefault(key, key) : label.Trim();
                read.Add(new WebformField(key, label.Length > 100 ? label[..100] : label, required ?? key is "name" or "message"));
            }
            if (read.Count > MaxFields)
                errors.Add("settings.fields", $"A form shows at most {MaxFields} fields.");
            if (read.Count > 0)
                fields = read;
        }
        else if (settings["fields"] is not null)
        {
            errors.Add("settings.fields", "fields is a list, such as [\"name\", \"email\", { \"key\": \"phone\", \"required\": true }, \"message\"].");
        }

        var thankYou = settings["thankYou"] is JsonValue t && t.GetValueKind() == JsonValueKind.String && !string.IsNullOrWhiteSpace(t.GetValue<string>())
            ? t.GetValue<string>().Trim() : DefaultThankYou;
        if (thankYou.Length > 1000)
            errors.Add("settings.thankYou", "The thank-you text must be at most 1,000 characters.");
        return new WebformSettings(origins, fields, thankYou);
    }

    /// <summary><c>https://Example.com:443/</c> → <c>https://example.com</c>; null when it is not a bare http(s) origin.</summary>
    public static string? NormaliseOrigin(string? text)
    {
        if (string.IsNullOrWhiteSpace(text) || !Uri.TryCreate(text.Trim(), UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")
            || uri.AbsolutePath is not ("/" or "") || uri.Query.Length > 0 || uri.Fragment.Length > 0 || uri.UserInfo.Length > 0)
            return null;
        return uri.IsDefaultPort ? $"{uri.Scheme}://{uri.IdnHost}" : $"{uri.Scheme}://{uri.IdnHost}:{uri.Port}";
    }

    public bool Allows(string? origin) => NormaliseOrigin(origin) is { } o && AllowedOrigins.Contains(o, StringComparer.Ordinal);
}

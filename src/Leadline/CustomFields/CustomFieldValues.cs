using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Leadline.Common.Api;

namespace Leadline.CustomFields;

/// <summary>
/// A lead's custom values against the workspace's definitions: validated and normalised (the JSON stored on the lead),
/// and read back for the form, the detail page and CSV. One place for every writer (API, form, import).
/// </summary>
public static class CustomFieldValues
{
    public const int MaxTextLength = 500;

    /// <summary>
    /// The lead's values after applying <paramref name="input"/> to <paramref name="existingJson"/>: the keys given are set
    /// (null or empty clears one), the others kept; <c>customFields: null</c> (<paramref name="clearAll"/>) clears them all.
    /// Keys no definition has any more are dropped. Errors name the field as <c>customFields.key</c>. A new lead must have
    /// every required field; an existing one may not have one cleared.
    /// </summary>
    public static string? Apply(string? existingJson, JsonObject? input, bool clearAll, IReadOnlyList<CustomField> fields, bool isNew, Errors errors)
    {
        var byKey = fields.ToDictionary(f => f.Key, StringComparer.OrdinalIgnoreCase);
        var values = new Dictionary<string, JsonNode>(StringComparer.Ordinal);
        if (!clearAll)
        {
            foreach (var (key, value) in Read(existingJson))
                if (value is not null && byKey.TryGetValue(key, out var kept) && kept.Key == key)
                    values[key] = value.DeepClone();
        }
        var cleared = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (key, value) in input ?? [])
        {
            if (!byKey.TryGetValue(key, out var field))
            {
                errors.Add($"customFields.{key}", $"Unknown custom field '{key}'. Define it in Settings → Custom fields first.");
                continue;
            }
            var normalised = Normalise(field, value, errors);
            if (normalised is null)
            {
                values.Remove(field.Key);
                cleared.Add(field.Key);
            }
            else
            {
                values[field.Key] = normalised;
            }
        }
        foreach (var field in fields.Where(f => f.Required && !values.ContainsKey(f.Key) && (isNew || cleared.Contains(f.Key) || clearAll)))
        {
            if (errors.For($"customFields.{field.Key}").Count == 0)
                errors.Add($"customFields.{field.Key}", $"{field.Label} is required.");
        }
        if (values.Count == 0)
            return null;
        var result = new JsonObject();
        foreach (var field in fields.OrderBy(f => f.Order).ThenBy(f => f.Id))
            if (values.TryGetValue(field.Key, out var v))
                result[field.Key] = v;
        return result.ToJsonString();
    }

    /// <summary>
    /// One value in its stored form, or null for "no value" (null, blank, an empty list). Numbers, yes/no and lists may also
    /// come as text (a CSV cell, a form field): "7", "yes", "a; b".
    /// </summary>
    public static JsonNode? Normalise(CustomField field, JsonNode? value, Errors errors)
    {
        var path = $"customFields.{field.Key}";
        if (value is null || value is JsonValue v0 && v0.GetValueKind() == JsonValueKind.String && string.IsNullOrWhiteSpace(v0.GetValue<string>()))
            return null;
        var text = value is JsonValue jv && jv.GetValueKind() == JsonValueKind.String ? jv.GetValue<string>().Trim() : null;
        switch (field.Type)
        {
            case CustomFieldType.Text:
            {
                var t = text ?? (value is JsonValue { } other && other.GetValueKind() is JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False ? other.ToJsonString() : null);
                if (t is null)
                {
                    errors.Add(path, $"{field.Label} must be text.");
                    return null;
                }
                if (t.Length > MaxTextLength)
                    errors.Add(path, $"{field.Label} must be at most {MaxTextLength} characters.");
                errors.CheckPlainText(path, t, field.Label);
                return JsonValue.Create(t);
            }
            case CustomFieldType.Number:
            {
                double number;
                if (value is JsonValue n && n.GetValueKind() == JsonValueKind.Number)
                    number = n.GetValue<double>();
                else if (text is null || !double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out number))
                {
                    errors.Add(path, $"{field.Label} must be a number, such as 12 or 3.5.");
                    return null;
                }
                if (!double.IsFinite(number))
                {
                    errors.Add(path, $"{field.Label} must be a number, such as 12 or 3.5.");
                    return null;
                }
                return JsonValue.Create(number);
            }
            case CustomFieldType.Date:
                if (ParseDate(text) is not { } date)
                {
                    errors.Add(path, $"{field.Label} must be a date written as YYYY-MM-DD.");
                    return null;
                }
                return JsonValue.Create(date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
            case CustomFieldType.Boolean:
            {
                bool? flag = value.GetValueKind() switch
                {
                    JsonValueKind.True => true,
                    JsonValueKind.False => false,
                    _ => ParseBoolean(text),
                };
                if (flag is null)
                    errors.Add(path, $"{field.Label} must be true or false.");
                return flag is { } f ? JsonValue.Create(f) : null;
            }
            case CustomFieldType.Choice:
            {
                var option = text is null ? null : field.Options.FirstOrDefault(o => string.Equals(o, text, StringComparison.OrdinalIgnoreCase));
                if (option is null)
                    errors.Add(path, $"{field.Label} must be one of: {string.Join(", ", field.Options)}.");
                return option is null ? null : JsonValue.Create(option);
            }
            case CustomFieldType.MultiChoice:
            {
                IEnumerable<string?> items = value switch
                {
                    JsonArray array => array.Select(i => i is JsonValue iv && iv.GetValueKind() == JsonValueKind.String ? iv.GetValue<string>().Trim() : null),
                    _ when text is not null => text.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
                    _ => [null],
                };
                var chosen = new HashSet<string>(StringComparer.Ordinal);
                foreach (var item in items)
                {
                    var option = item is null ? null : field.Options.FirstOrDefault(o => string.Equals(o, item, StringComparison.OrdinalIgnoreCase));
                    if (option is null)
                    {
                        errors.Add(path, $"{field.Label} takes a list of: {string.Join(", ", field.Options)}.");
                        return null;
                    }
                    chosen.Add(option);
                }
                if (chosen.Count == 0)
                    return null;
                return new JsonArray([.. field.Options.Where(chosen.Contains).Select(o => (JsonNode)JsonValue.Create(o))]);
            }
            default:
                throw new ArgumentOutOfRangeException(nameof(field), field.Type, null);
        }
    }

    public static DateOnly? ParseDate(string? text) =>
        DateOnly.TryParseExact(text?.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) ? d : null;

    public static bool? ParseBoolean(string? text) => text?.Trim().ToLowerInvariant() switch
    {
        "true" or "yes" or "y" or "1" => true,
        "false" or "no" or "n" or "0" => false,
        _ => null,
    };

    /// <summary>A lead's stored values (an empty object when it has none).</summary>
    public static JsonObject Read(string? json)
    {
        if (string.IsNullOrWhiteSpace(json))
            return [];
        try
        {
            return JsonNode.Parse(json) as JsonObject ?? [];
        }
        catch (JsonException)
        {
            return [];
        }
    }

    /// <summary>A stored value as one line of text: CSV cells and form inputs (lists joined by "; ", yes/no as true/false).</summary>
    public static string? Text(JsonNode? value) => value switch
    {
        null => null,
        JsonArray array => string.Join("; ", array.Select(i => i?.GetValue<string>())),
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        JsonValue v when v.GetValueKind() == JsonValueKind.Number => v.GetValue<double>().ToString(CultureInfo.InvariantCulture),
        JsonValue v when v.GetValueKind() == JsonValueKind.True => "true",
        JsonValue v when v.GetValueKind() == JsonValueKind.False => "false",
        _ => value.ToJsonString(),
    };

    /// <summary>A stored value as people read it on the detail page and in the list.</summary>
    public static string? Display(JsonNode? value) => value?.GetValueKind() switch
    {
        null => null,
        JsonValueKind.True => "Yes",
        JsonValueKind.False => "No",
        JsonValueKind.Number => value.GetValue<double>().ToString("#,0.##########", CultureInfo.CurrentCulture),
        _ => Text(value),
    };
}

using System.Text.Json.Nodes;

namespace Leadline.CustomFields;

/// <summary>
/// CSV import's side of custom fields: a column whose header is a field's key or label (any case) fills that field, and
/// with <c>createCustomFields</c> a column nothing takes becomes a new text field. Mapped columns are named
/// <c>cf:key</c> beside the lead's own (a preview's column override may name one the same way).
/// </summary>
public static class CustomFieldColumns
{
    public const string Prefix = "cf:";

    /// <summary>Adds the custom-field columns of <paramref name="header"/> to <paramref name="map"/> (index → column).</summary>
    public static async Task MapAsync(IReadOnlyList<string> header, Dictionary<int, string> map, IReadOnlyDictionary<string, string>? overrides,
        bool createMissing, CustomFieldService service, CancellationToken ct)
    {
        bool Free(int i) => !map.ContainsKey(i) && !(overrides?.ContainsKey(header[i]) ?? false) && header[i].Trim().Length > 0;
        var fields = await service.ListAsync(ct);
        if (createMissing)
        {
            var unknown = Enumerable.Range(0, header.Count).Where(i => Free(i) && Match(fields, header[i]) is null).Select(i => header[i]).ToList();
            if (unknown.Count > 0)
                fields.AddRange(await service.CreateTextFieldsAsync(unknown, ct));
        }
        for (var i = 0; i < header.Count; i++)
        {
            if (Free(i) && Match(fields, header[i]) is { } field && !map.ContainsValue(Prefix + field.Key))
                map[i] = Prefix + field.Key;
        }
    }

    /// <summary>The row's custom-field cells as a <c>customFields</c> object (text; the writer reads numbers, dates and lists from it), or null.</summary>
    public static JsonObject? ToInput(IReadOnlyDictionary<string, string> values)
    {
        JsonObject? result = null;
        foreach (var (column, value) in values)
        {
            if (!column.StartsWith(Prefix, StringComparison.Ordinal))
                continue;
            result ??= [];
            result[column[Prefix.Length..]] = string.IsNullOrWhiteSpace(value) ? null : JsonValue.Create(value.Trim());
        }
        return result;
    }

    /// <summary>The field a column header names by key, else by label (any case); null for none.</summary>
    public static CustomField? Find(IReadOnlyList<CustomField> fields, string header) => Match(fields, header);

    /// <summary>A new text field can be made of the header (<see cref="CustomFieldService.CreateTextFieldsAsync"/> would make one).</summary>
    public static bool CanCreate(IReadOnlyList<CustomField> fields, string header) =>
        header.Trim() is { Length: > 0 } h && Match(fields, h) is null && CustomFieldService.KeyFrom(h) is { } key
        && !fields.Any(f => string.Equals(f.Key, key, StringComparison.OrdinalIgnoreCase))
        && Leads.LeadCsv.Canonical(key) is null && Common.PlainText.ControlCharacter(h) is null;

    private static CustomField? Match(IReadOnlyList<CustomField> fields, string header)
    {
        var h = header.Trim();
        return fields.FirstOrDefault(f => string.Equals(f.Key, h, StringComparison.OrdinalIgnoreCase))
            ?? fields.FirstOrDefault(f => string.Equals(f.Label, h, StringComparison.OrdinalIgnoreCase));
    }
}

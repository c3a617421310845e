using System.Text.Json;
using System.Text.Json.Nodes;

namespace Leadline.Submissions;

public sealed record SubmissionFile(string Name, string Url)
{
    /// <summary>Shown as a thumbnail in the review queue.</summary>
    public bool IsImage => Name.EndsWith(".jpg", StringComparison.OrdinalIgnoreCase) || Name.EndsWith(".jpeg", StringComparison.OrdinalIgnoreCase)
        || Name.EndsWith(".png", StringComparison.OrdinalIgnoreCase) || Name.EndsWith(".webp", StringComparison.OrdinalIgnoreCase)
        || Name.EndsWith(".gif", StringComparison.OrdinalIgnoreCase) || ImageType;

    [System.Text.Json.Serialization.JsonIgnore] public bool ImageType { get; init; }
}

/// <summary>API.md: <c>{ id, leadId, flow, data, mapped, files: [{ name, url }], status, reviewedBy?, reviewedAt? }</c>.</summary>
public sealed record SubmissionResponse(
    long Id,
    int LeadId,
    string LeadName,
    string Flow,
    JsonElement Data,
    IReadOnlyDictionary<string, string?> Mapped,
    IReadOnlyList<SubmissionFile> Files,
    string Status,
    string? ReviewedBy,
    DateTime? ReviewedAt,
    string? Note,
    DateTime CreatedAt);

public sealed record SubmissionRequest(string? Flow, JsonElement? Data);

public sealed record ReviewRequest(string? Note);

public sealed record FlowMappingResponse(int Id, string Flow, IReadOnlyList<FlowField> Fields);

/// <summary>Labels for a flow's answers by JSON path: <c>$.transaction_id</c>, <c>$.payment.amount</c>, <c>$.items[0].sku</c>.</summary>
public static class JsonPaths
{
    public static bool IsValid(string path) => Steps(path) is not null;

    /// <summary>The value at the path as display text (objects and arrays as JSON), or null when nothing is there.</summary>
    public static string? Read(JsonElement root, string path)
    {
        if (Steps(path) is not { } steps)
            return null;
        var at = root;
        foreach (var step in steps)
        {
            if (step is int index)
            {
                if (at.ValueKind != JsonValueKind.Array || index >= at.GetArrayLength())
                    return null;
                at = at[index];
            }
            else if (at.ValueKind != JsonValueKind.Object || !at.TryGetProperty((string)step, out at))
            {
                return null;
            }
        }
        return at.ValueKind switch
        {
            JsonValueKind.String => at.GetString(),
            JsonValueKind.Null or JsonValueKind.Undefined => null,
            _ => at.GetRawText(),
        };
    }

    private static List<object>? Steps(string path)
    {
        path = path.Trim();
        if (!path.StartsWith('$'))
            return null;
        var steps = new List<object>();
        var i = 1;
        while (i < path.Length)
        {
            if (path[i] == '.')
            {
                var end = i + 1;
                while (end < path.Length && path[end] != '.' && path[end] != '[')
                    end++;
                if (end == i + 1)
                    return null;
                steps.Add(path[(i + 1)..end]);
                i = end;
            }
            else if (path[i] == '[')
            {
                var close = path.IndexOf(']', i);
                if (close < 0)
                    return null;
                var inner = path[(i + 1)..close].Trim();
                if (int.TryParse(inner, out var index) && index >= 0)
                    steps.Add(index);
                else if (inner.Length >= 2 && (inner[0] is '\'' or '"') && inner[^1] == inner[0])
                    steps.Add(inner[1..^1]);
                else
                    return null;
                i = close + 1;
            }
            else
            {
                return null;
            }
        }
        return steps.Count > 0 ? steps : null;
    }
}

internal static class SubmissionJson
{
    public static JsonElement Parse(string? json)
    {
        try
        {
            return JsonDocument.Parse(string.IsNullOrWhiteSpace(json) ? "{}" : json).RootElement.Clone();
        }
        catch (JsonException)
        {
            return JsonDocument.Parse("{}").RootElement.Clone();
        }
    }

    /// <summary>The stored files: a JSON array of { name, key }.</summary>
    public static List<(string Name, string Key, string? MimeType)> Files(string? json)
    {
        if (string.IsNullOrWhiteSpace(json))
            return [];
        try
        {
            return (JsonNode.Parse(json) as JsonArray ?? []).OfType<JsonObject>()
                .Select(f => ((string?)f["name"] ?? "file", (string?)f["key"] ?? "", (string?)f["mimeType"]))
                .Where(f => f.Item2.Length > 0).ToList();
        }
        catch (JsonException)
        {
            return [];
        }
    }
}

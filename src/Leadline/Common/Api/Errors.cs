namespace Leadline.Common.Api;

/// <summary>
/// Field errors collected by a feature service; the API returns them as a 400 problem+json
/// (<c>errors: { field: [messages] }</c>) and the pages show them next to the inputs.
/// </summary>
public sealed class Errors
{
    private readonly Dictionary<string, List<string>> _byField = new(StringComparer.OrdinalIgnoreCase);

    public bool Any => _byField.Count > 0;

    public Errors Add(string field, string message)
    {
        if (!_byField.TryGetValue(field, out var list))
            _byField[field] = list = [];
        list.Add(message);
        return this;
    }

    /// <summary>
    /// Refuses a text with a control character other than tab and line breaks (<see cref="PlainText"/>): PostgreSQL cannot
    /// store a NUL at all, and no name, note or address means one.
    /// </summary>
    public Errors CheckPlainText(string field, string? value, string label)
    {
        if (PlainText.ControlCharacter(value) is { } control)
            Add(field, $"{label} contains {(char.IsSurrogate(control) ? "half of a character" : "a control character")} ({PlainText.Describe(control)}): remove it.");
        return this;
    }

    public IReadOnlyList<string> For(string field) => _byField.TryGetValue(field, out var list) ? list : [];

    public IEnumerable<string> All => _byField.Values.SelectMany(v => v);

    public Dictionary<string, string[]> ToDictionary() => _byField.ToDictionary(kv => kv.Key, kv => kv.Value.ToArray());
}

/// <summary>Outcome of a use case: a value, field errors (400), not found (404) or a conflict (409).</summary>
public sealed class Result<T>
{
    private Result() { }

    public T? Value { get; private init; }

    public Errors Errors { get; private init; } = new();

    public bool NotFound { get; private init; }

    public string? Conflict { get; private init; }

    /// <summary>The caller's copy is out of date (If-Match / row version): 412.</summary>
    public string? Stale { get; private init; }

    /// <summary>The caller's role may not do this to this record (the permission table): 403.</summary>
    public string? Forbidden { get; private init; }

    public bool Succeeded => !NotFound && Conflict is null && Stale is null && Forbidden is null && !Errors.Any;

    public static Result<T> Ok(T value) => new() { Value = value };

    public static Result<T> Invalid(Errors errors) => new() { Errors = errors };

    public static Result<T> Invalid(string field, string message) => new() { Errors = new Errors().Add(field, message) };

    public static Result<T> Missing() => new() { NotFound = true };

    public static Result<T> Conflicting(string message) => new() { Conflict = message };

    public static Result<T> Outdated(string message) => new() { Stale = message };

    public static Result<T> Refused(string message) => new() { Forbidden = message };
}

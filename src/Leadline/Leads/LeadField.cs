using System.Collections.Frozen;
using System.Globalization;
using System.Text.Json.Nodes;
using Leadline.Common.Time;
using Leadline.Pipeline;

namespace Leadline.Leads;

/// <summary>What a lead field holds: how it is validated, parsed from a CSV cell and shown.</summary>
public enum LeadFieldKind
{
    Id,
    Text,
    /// <summary>Free text kept lower-cased so filters and reports group it (gender, account type…).</summary>
    Choice,
    Email,
    Phone,
    Url,
    Number,
    Date,
    Timestamp,
    Boolean,
    Source,
    Stage,
    Status,
    Owner,
    Tags,
    Country,
    Json,
    Photo,
    LeadLink,
}

/// <summary>
/// One built-in lead field as every surface sees it: its API name (a path for nested ones, "address.city"), the words
/// people read, its kind and length, its CSV header and aliases, and what it takes part in. <see cref="LeadFields"/> lists
/// them; the typed accessors are on <see cref="LeadField{TValue, TInput}"/>.
/// </summary>
public abstract class LeadField(string name, string property, string label, LeadFieldKind kind)
{
    /// <summary>The API name or path: "email", "address.city".</summary>
    public string Name { get; } = name;

    /// <summary>The <see cref="Lead"/> property (so the column) holding it.</summary>
    public string Property { get; } = property;

    /// <summary>What people read: the history, the detail page, the form, the merge screen.</summary>
    public string Label { get; } = label;

    public LeadFieldKind Kind { get; } = kind;

    /// <summary>The label of validation messages where they have always said it differently ("Relationship type").</summary>
    public string? MessageLabel { get; init; }

    public int? MaxLength { get; init; }

    /// <summary>A lead cannot be saved without it.</summary>
    public bool Required { get; init; }

    /// <summary>No two leads of a workspace share a value (the code).</summary>
    public bool Unique { get; init; }

    /// <summary>False for the fields export leaves out (photo, custom fields, bookkeeping dates).</summary>
    public bool Exported { get; init; } = true;

    /// <summary>The CSV header when it is not the last part of the name (stageId → "stage").</summary>
    public string? CsvName { get; init; }

    /// <summary>Other headers people give this column, lower case ("e-mail", "email address").</summary>
    public IReadOnlyList<string> CsvAliases { get; init; } = [];

    /// <summary>The list filter's description (OpenAPI); null when the list cannot be filtered by this field.</summary>
    public string? Filter { get; init; }

    /// <summary>The filter's query parameter when it is not <see cref="Key"/> (ownerId → "owner", tags → "tag").</summary>
    public string? FilterName { get; init; }

    /// <summary>Its value can be taken from any lead of a merge (nested fields go with their group).</summary>
    public bool Mergeable { get; init; }

    /// <summary>Its changes are written to the lead's history.</summary>
    public bool Tracked { get; init; } = true;

    /// <summary>The duplicate check compares it.</summary>
    public bool Matched { get; init; }

    /// <summary>The list can show it as an optional column (the column chooser); the table's fixed columns are not.</summary>
    public bool ListColumn { get; init; }

    /// <summary>A short hint beside the form's label ("0–100", "YYYY-MM-DD").</summary>
    public string? Hint { get; init; }

    /// <summary>"address" for "address.city"; null for a top-level field.</summary>
    public string? Group => Name.Contains('.', StringComparison.Ordinal) ? Name[..Name.IndexOf('.', StringComparison.Ordinal)] : null;

    /// <summary>The last part of the name: "city" for "address.city".</summary>
    public string Key => Name[(Name.LastIndexOf('.') + 1)..];

    /// <summary>What a merge choice names: the group for nested fields (address and social go whole).</summary>
    public string MergeName => Group ?? Name;

    public string? CsvHeader => Exported ? CsvName ?? Key : null;

    public string? FilterParameter => Filter is null ? null : FilterName ?? Key;

    /// <summary>The field name of its history rows ("stage", "owner", "city").</summary>
    public string HistoryName => Changes.LeadHistoryRecorder.FieldName(Property);

    public string ErrorLabel => MessageLabel ?? Label;

    /// <summary>API, form and import write it.</summary>
    public abstract bool Writable { get; }

    /// <summary>A CSV import reads it from its column without look-ups (stage and owner need the workspace's names).</summary>
    public abstract bool ReadsCsv { get; }

    /// <summary>The stored value, boxed.</summary>
    public abstract object? Value(Lead lead);

    /// <summary>The value as a page shows it (local times, days, Yes/No, grouped numbers, words), or null when empty.</summary>
    public string? Display(Lead lead, WorkspaceClock clock)
    {
        ArgumentNullException.ThrowIfNull(clock);
        return Value(lead) switch
        {
            null or "" => null,
            string text => text,
            DateTime at => clock.ToLocal(at).ToString("d MMM yyyy HH:mm", CultureInfo.InvariantCulture),
            DateOnly day => day.ToString("d MMM yyyy", CultureInfo.InvariantCulture),
            bool flag => flag ? "Yes" : "No",
            int n when Kind == LeadFieldKind.Number => n.ToString("N0", CultureInfo.InvariantCulture),
            Enum choice => LeadFieldLabels.Humanize(LeadFields.Format(choice)!),
            IEnumerable<string> list => list.Any() ? string.Join(", ", list) : null,
            var other => LeadFields.Format(other),
        };
    }

    /// <summary>The value as an export writes it (ISO dates, true/false, camelCase choices, tags joined by ;).</summary>
    public abstract string? Export(Lead lead, LeadCsv.CsvContext context);

    /// <summary>Puts the lead's value into <paramref name="input"/> as an API body would carry it (a merge's chosen value).</summary>
    public abstract void CopyToInput(Lead from, LeadInput input);

    /// <summary>A CSV cell into <paramref name="input"/>: present when written (an empty number is left alone), or a row error.</summary>
    public abstract (bool Present, string? Error) ReadCsv(LeadInput input, string? cell);
}

/// <summary>A field with typed access to its value on the lead (<typeparamref name="TValue"/>) and in a <see cref="LeadInput"/> (<typeparamref name="TInput"/>).</summary>
public sealed class LeadField<TValue, TInput>(string name, string property, string label, LeadFieldKind kind) : LeadField(name, property, label, kind)
{
    public required Func<Lead, TValue> Get { get; init; }

    /// <summary>Sets the lead's value; null where the writer sets it by a rule of its own (phones, stage, owner).</summary>
    public Action<Lead, TValue>? Set { get; init; }

    public Func<LeadInput, TInput>? GetInput { get; init; }

    public Action<LeadInput, TInput>? SetInput { get; init; }

    /// <summary>The lead's value as the input carries it.</summary>
    public Func<TValue, TInput>? ToInput { get; init; }

    /// <summary>A CSV cell (trimmed, null when blank) as the input carries it, or an error; null when the import looks it up itself.</summary>
    public Func<string?, (TInput Value, bool Present, string? Error)>? FromCsv { get; init; }

    /// <summary>The export's text; null for the plain text of the value.</summary>
    public Func<Lead, LeadCsv.CsvContext, string?>? ExportAs { get; init; }

    public override bool Writable => SetInput is not null;

    public override bool ReadsCsv => FromCsv is not null && SetInput is not null;

    public override object? Value(Lead lead) => Get(lead);

    public override string? Export(Lead lead, LeadCsv.CsvContext context) =>
        ExportAs is not null ? ExportAs(lead, context) : LeadFields.Format(Get(lead));

    public override void CopyToInput(Lead from, LeadInput input)
    {
        if (SetInput is null || ToInput is null)
            throw new InvalidOperationException($"{Name} cannot be written.");
        SetInput(input, ToInput(Get(from)));
    }

    public override (bool Present, string? Error) ReadCsv(LeadInput input, string? cell)
    {
        if (FromCsv is null || SetInput is null)
            throw new InvalidOperationException($"{Name} is not read from a CSV cell.");
        var value = string.IsNullOrWhiteSpace(cell) ? null : cell.Trim();
        var (read, present, error) = FromCsv(value);
        if (error is not null)
            return (false, $"{CsvHeader}: '{value}' {error}");
        if (present)
            SetInput(input, read);
        return (present, null);
    }
}

using System.Text.RegularExpressions;
using Leadline.Common.Api;
using Leadline.Data;
using Leadline.Leads;
using Microsoft.EntityFrameworkCore;

namespace Leadline.CustomFields;

/// <summary>Body of create (every field but options, required and order needed) and PATCH (only what is given changes).</summary>
public sealed record CustomFieldRequest(string? Key, string? Label, string? Type, List<string>? Options, bool? Required, int? Order);

public sealed record CustomFieldResponse(int Id, string Key, string Label, CustomFieldType Type, IReadOnlyList<string> Options, bool Required, int Order);

/// <summary>The workspace's custom-field definitions (Settings → Custom fields and <c>/api/v1/custom-fields</c>).</summary>
public sealed partial class CustomFieldService(LeadlineDb db)
{
    // leads rewritten per save when a deleted field's values are taken off them
    private const int StripBatch = 500;

    public Task<List<CustomField>> ListAsync(CancellationToken ct) =>
        db.Set<CustomField>().AsNoTracking().OrderBy(f => f.Order).ThenBy(f => f.Id).ToListAsync(ct);

    public Task<CustomField?> FindAsync(int id, CancellationToken ct) => db.Set<CustomField>().AsNoTracking().FirstOrDefaultAsync(f => f.Id == id, ct);

    public async Task<Result<CustomField>> CreateAsync(CustomFieldRequest request, CancellationToken ct)
    {
        var field = new CustomField();
        var errors = new Errors();
        if (request.Key is null)
            errors.Add("key", "Give the field a key: a letter, then letters, digits or _ (such as budget_band).");
        if (request.Label is null)
            errors.Add("label", "Give the field a label.");
        if (request.Type is null)
            errors.Add("type", "Choose the field's type: text, number, date, boolean, choice or multiChoice.");
        return await SaveAsync(field, request, errors, ct);
    }

    public async Task<Result<CustomField>> UpdateAsync(int id, CustomFieldRequest request, CancellationToken ct) =>
        await db.Set<CustomField>().FirstOrDefaultAsync(f => f.Id == id, ct) is { } field
            ? await SaveAsync(field, request, new Errors(), ct)
            : Result<CustomField>.Missing();

    /// <summary>Moves a field one place up or down in the order.</summary>
    public async Task<bool> MoveAsync(int id, int direction, CancellationToken ct)
    {
        var fields = await db.Set<CustomField>().OrderBy(f => f.Order).ThenBy(f => f.Id).ToListAsync(ct);
        var index = fields.FindIndex(f => f.Id == id);
        if (index < 0)
            return false;
        var other = index + Math.Sign(direction);
        if (other >= 0 && other < fields.Count)
            (fields[index], fields[other]) = (fields[other], fields[index]);
        for (var i = 0; i < fields.Count; i++)
            fields[i].Order = i + 1;
        await db.SaveChangesAsync(ct);
        return true;
    }

    /// <summary>
    /// Deletes the definition and its values: they leave the leads' JSON through ordinary saves (so history records it and
    /// the index rows follow), in one transaction.
    /// </summary>
    public async Task<bool> DeleteAsync(int id, CancellationToken ct)
    {
        var field = await db.Set<CustomField>().FirstOrDefaultAsync(f => f.Id == id, ct);
        if (field is null)
            return false;
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var leadIds = await db.Set<LeadCustomValue>().Where(v => v.FieldId == id).Select(v => v.LeadId).Distinct().ToListAsync(ct);
        db.Remove(field);
        await db.SaveChangesAsync(ct);
        foreach (var chunk in leadIds.Chunk(StripBatch))
        {
            foreach (var lead in await db.Leads.Where(l => chunk.Contains(l.Id)).ToListAsync(ct))
            {
                var values = CustomFieldValues.Read(lead.CustomFields);
                values.Remove(field.Key);
                lead.CustomFields = values.Count == 0 ? null : values.ToJsonString();
            }
            await db.SaveChangesAsync(ct);
            db.ChangeTracker.Clear();
        }
        await db.Set<LeadCustomValue>().Where(v => v.FieldId == id).ExecuteDeleteAsync(ct);
        await tx.CommitAsync(ct);
        return true;
    }

    /// <summary>
    /// Fields for the columns of a CSV import that neither a lead column nor a custom field takes: a text field each,
    /// keyed from the header ("Favourite colour" → favourite_colour), labelled with it.
    /// </summary>
    public async Task<List<CustomField>> CreateTextFieldsAsync(IEnumerable<string> headers, CancellationToken ct)
    {
        var existing = await ListAsync(ct);
        var keys = existing.Select(f => f.Key).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var labels = existing.Select(f => f.Label).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var order = existing.Count == 0 ? 0 : existing.Max(f => f.Order);
        var created = new List<CustomField>();
        foreach (var header in headers.Select(h => h.Trim()).Where(h => h.Length > 0))
        {
            var key = KeyFrom(header);
            if (key is null || keys.Contains(key) || labels.Contains(header) || LeadCsv.Canonical(key) is not null)
                continue;
            var label = header.Length > CustomField.MaxLabelLength ? header[..CustomField.MaxLabelLength] : header;
            if (Common.PlainText.ControlCharacter(label) is not null)
                continue;
            var field = new CustomField { Key = key, Label = label, Type = CustomFieldType.Text, Order = ++order };
            db.Add(field);
            keys.Add(key);
            labels.Add(label);
            created.Add(field);
        }
        if (created.Count > 0)
            await db.SaveChangesAsync(ct);
        return created;
    }

    /// <summary>A key made of a header's letters and digits, words joined by _; null when nothing is left.</summary>
    public static string? KeyFrom(string header)
    {
        var words = NonWord().Split(header.Trim().ToLowerInvariant()).Where(w => w.Length > 0).ToList();
        var key = string.Join('_', words);
        if (key.Length == 0)
            return null;
        if (!char.IsAsciiLetter(key[0]))
            key = "f_" + key;
        return key.Length > CustomField.MaxKeyLength ? key[..CustomField.MaxKeyLength] : key;
    }

    private async Task<Result<CustomField>> SaveAsync(CustomField field, CustomFieldRequest request, Errors errors, CancellationToken ct)
    {
        var isNew = field.Id == 0;
        var others = await db.Set<CustomField>().AsNoTracking().Where(f => f.Id != field.Id).ToListAsync(ct);

        var key = request.Key?.Trim() ?? field.Key;
        if (request.Key is not null)
        {
            if (!isNew && key != field.Key)
                errors.Add("key", "The key cannot change: leads, links and integrations use it. Create a new field instead.");
            else if (!KeyPattern().IsMatch(key))
                errors.Add("key", $"The key must start with a letter and hold only letters, digits and _ (at most {CustomField.MaxKeyLength} characters), such as budget_band.");
            else if (LeadCsv.Canonical(key) is { } builtIn || IsLeadProperty(key, out builtIn))
                errors.Add("key", $"'{key}' is a built-in lead field ({builtIn}): choose another key.");
        }
        var label = request.Label?.Trim() ?? field.Label;
        if (request.Label is not null)
        {
            errors.CheckPlainText("label", label, "The label");
            if (label.Length == 0)
                errors.Add("label", "Give the field a label.");
            else if (label.Length > CustomField.MaxLabelLength)
                errors.Add("label", $"The label must be at most {CustomField.MaxLabelLength} characters.");
            else if (others.Any(o => string.Equals(o.Label, label, StringComparison.OrdinalIgnoreCase)))
                errors.Add("label", $"Another field is already labelled \"{label}\": import and export tell fields apart by their label.");
            else if (LeadCsv.Canonical(label) is { } builtIn)
                errors.Add("label", $"\"{label}\" is the name of a built-in lead column ({builtIn}) in import and export: choose another label.");
        }
        var type = field.Type;
        if (request.Type is not null)
        {
            if (!Enum.TryParse(request.Type.Trim(), ignoreCase: true, out type) || request.Type.Trim().Any(char.IsAsciiDigit))
                errors.Add("type", $"Unknown type '{request.Type}'. Use text, number, date, boolean, choice or multiChoice.");
            else if (!isNew && type != field.Type)
                errors.Add("type", "The type cannot change: the leads' values were checked against it. Create a new field instead.");
        }
        var options = request.Options is null ? field.Options : request.Options.Select(o => o?.Trim() ?? "").ToList();
        var hasOptions = type is CustomFieldType.Choice or CustomFieldType.MultiChoice;
        if (hasOptions && errors.For("type").Count == 0)
        {
            if (options.Count == 0)
                errors.Add("options", "A choice field needs its options: give at least one.");
            else if (options.Count > CustomField.MaxOptions)
                errors.Add("options", $"A field can have at most {CustomField.MaxOptions} options.");
            else if (options.Any(o => o.Length == 0))
                errors.Add("options", "An option cannot be empty.");
            else if (options.Any(o => o.Length > CustomField.MaxOptionLength))
                errors.Add("options", $"An option must be at most {CustomField.MaxOptionLength} characters.");
            else if (options.Any(o => o.Contains(';', StringComparison.Ordinal)))
                errors.Add("options", "An option cannot contain ';' (it separates the choices of a multi-choice value in CSV).");
            else if (options.Distinct(StringComparer.OrdinalIgnoreCase).Count() != options.Count)
                errors.Add("options", "Each option must be different (ignoring case).");
            foreach (var option in options)
                errors.CheckPlainText("options", option, "An option");
        }
        else if (!hasOptions && request.Options is { Count: > 0 })
        {
            errors.Add("options", "Only choice and multiChoice fields have options.");
        }
        if (request.Order is < 0 or > 100_000)
            errors.Add("order", "The order must be between 0 and 100,000.");
        if (errors.Any)
            return Result<CustomField>.Invalid(errors);

        if (others.Any(o => string.Equals(o.Key, key, StringComparison.OrdinalIgnoreCase)))
            return Result<CustomField>.Conflicting($"A custom field with the key '{key}' already exists.");
        if (!isNew && hasOptions && field.Options.Except(options, StringComparer.Ordinal).ToList() is { Count: > 0 } removed)
        {
            // a lead still holding a removed option would fail its next save
            var held = await db.Set<LeadCustomValue>().Where(v => v.FieldId == field.Id && removed.Contains(v.ValueText!)).Select(v => v.ValueText).Distinct().ToListAsync(ct);
            if (held.Count > 0)
                return Result<CustomField>.Invalid("options", $"Leads still hold {string.Join(", ", held.Select(h => $"\"{h}\""))}: change their value before removing the option.");
        }

        field.Key = key;
        field.Label = label;
        field.Type = type;
        field.Options = hasOptions ? options : [];
        field.Required = request.Required ?? field.Required;
        field.Order = request.Order ?? (isNew ? (others.Count == 0 ? 1 : others.Max(o => o.Order) + 1) : field.Order);
        if (isNew)
            db.Add(field);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException) when (isNew)
        {
            // the unique index: someone created the same key meanwhile
            db.Entry(field).State = EntityState.Detached;
            return Result<CustomField>.Conflicting($"A custom field with the key '{key}' already exists.");
        }
        return Result<CustomField>.Ok(field);
    }

    /// <summary>Names of the lead's own fields in the API: a custom key must not read like one of them.</summary>
    private static bool IsLeadProperty(string key, out string? name)
    {
        name = typeof(LeadResponse).GetProperties().Select(p => p.Name).FirstOrDefault(p => string.Equals(p, key, StringComparison.OrdinalIgnoreCase));
        return name is not null;
    }

    public static CustomFieldResponse ToResponse(CustomField f) => new(f.Id, f.Key, f.Label, f.Type, f.Options, f.Required, f.Order);

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9_]{0,49}$")]
    private static partial Regex KeyPattern();

    [GeneratedRegex("[^a-z0-9]+")]
    private static partial Regex NonWord();
}

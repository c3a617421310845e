namespace Leadline.Leads;

/// <summary>How a CSV file's header and rows read as lead input (<see cref="LeadImport"/>, and the job's header check).</summary>
public static class ImportRows
{
    /// <summary>Maps a file's header to lead columns; unknown headers are ignored (and reported by the UI preview).</summary>
    public static Dictionary<int, string> MapHeader(IReadOnlyList<string> header, IReadOnlyDictionary<string, string>? overrides = null)
    {
        var map = new Dictionary<int, string>();
        for (var i = 0; i < header.Count; i++)
        {
            var column = overrides is not null && overrides.TryGetValue(header[i], out var chosen) ? chosen : LeadCsv.Canonical(header[i]);
            if (!string.IsNullOrEmpty(column) && !LeadFields.ExportOnly.Contains(column) && !map.ContainsValue(column))
                map[i] = column;
        }
        return map;
    }

    /// <summary>A row's cells (column → text) as lead input: the catalog reads its fields, stage and owner are looked up, custom fields go along.</summary>
    internal static (LeadInput Input, HashSet<string> Present, string? Error) ToInput(
        Dictionary<string, string> values, ImportStages stages, Dictionary<string, int> owners)
    {
        var input = new LeadInput();
        var present = new HashSet<string>();
        string? V(string column) => values.TryGetValue(column, out var v) && !string.IsNullOrWhiteSpace(v) ? v.Trim() : null;
        // every column the catalog reads by itself; stage and owner are looked up below
        foreach (var field in LeadFields.All.Where(f => f.ReadsCsv && values.ContainsKey(f.CsvHeader!)))
        {
            var (written, error) = field.ReadCsv(input, values[field.CsvHeader!]);
            if (error is not null)
                return (input, present, error);
            if (!written)
                continue;
            present.Add(field.Name);
            if (field.Group is { } group)
                present.Add(group);
        }
        if (V("stage") is { } stageName)
        {
            if (stages.Find(stageName) is not { } stage)
                return (input, present, $"stage: no stage or category is called '{stageName}'.");
            input.StageId = stage.Id;
            present.Add("stageId");
            if (stage.Category == Pipeline.StageCategory.Lost && input.LostReason is null)
            {
                input.LostReason = ImportStages.ImportedLostReason;   // a lost lead from elsewhere: why is not in the file
                present.Add("lostReason");
            }
        }
        if (V("owner") is { } ownerEmail)
        {
            if (!owners.TryGetValue(ownerEmail.ToUpperInvariant(), out var ownerId))
                return (input, present, $"owner: no active user has the e-mail '{ownerEmail}'.");
            input.OwnerId = ownerId;
            present.Add("ownerId");
        }
        if (CustomFields.CustomFieldColumns.ToInput(values) is { } custom)
        {
            input.CustomFields = custom;
            present.Add("customFields");
        }
        return (input, present, null);
    }
}

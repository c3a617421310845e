using System.Globalization;
using Leadline.Common;
using Leadline.Common.Api;
using Leadline.Data;
using Leadline.Pipeline;
using Leadline.Workspaces;
using Microsoft.EntityFrameworkCore;

namespace Leadline.Leads;

/// <summary>
/// What a run of many writes (a CSV import) would otherwise look up once per lead: the workspace's stages and default
/// stage, its active users, its custom fields, the codes already taken among the rows at hand, and the last position handed out in each
/// stage. The rules stay in <see cref="LeadWriter"/>; this only answers its questions from memory. Valid for one run in
/// one workspace: a lead written by someone else meanwhile is caught by the database (the unique code index).
/// </summary>
public sealed class LeadWriteLookups(Dictionary<int, Stage> stages, Stage? defaultStage, HashSet<int> activeUsers)
{
    internal Dictionary<int, Stage> Stages { get; } = stages;

    internal Stage? DefaultStage { get; } = defaultStage;

    internal HashSet<int> ActiveUsers { get; } = activeUsers;

    internal IReadOnlyList<CustomFields.CustomField>? CustomFields { get; init; }

    internal HashSet<string> CodesChecked { get; } = new(StringComparer.Ordinal);

    internal Dictionary<string, int> TakenCodes { get; } = new(StringComparer.Ordinal);

    internal Dictionary<int, double> LastPositions { get; } = [];

    /// <summary>
    /// A lead of this run now holds <paramref name="code"/>: later rows may not take it. A row still waiting for its batch
    /// passes a negative id (its row number), so the code is refused for every other row, new or existing.
    /// </summary>
    internal void Taken(string code, int leadId)
    {
        CodesChecked.Add(code);
        TakenCodes[code] = leadId;
    }

    /// <summary>What this run believed about <paramref name="code"/> no longer holds (its batch was refused): ask the database again.</summary>
    internal void Forget(string code)
    {
        CodesChecked.Remove(code);
        TakenCodes.Remove(code);
    }
}

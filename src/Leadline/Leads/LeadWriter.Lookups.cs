using System.Globalization;
using Leadline.Common;
using Leadline.Common.Api;
using Leadline.Data;
using Leadline.Pipeline;
using Leadline.Workspaces;
using Microsoft.EntityFrameworkCore;

namespace Leadline.Leads;

/// <summary>What the writer looks up: a column's next position, whether a code is taken, and the lookups a run of rows (an import) answers from memory.</summary>
public sealed partial class LeadWriter
{
    /// <summary>Appends at the bottom of the column; positions are sparse doubles so later moves touch one row.</summary>
    private async Task<double> NextPositionAsync(int stageId, LeadWriteLookups? lookups, CancellationToken ct)
    {
        if (lookups is not null && lookups.LastPositions.TryGetValue(stageId, out var last))
            return lookups.LastPositions[stageId] = last + 1024;
        var next = (await db.Leads.Where(l => l.StageId == stageId).MaxAsync(l => (double?)l.Position, ct) ?? 0) + 1024;
        if (lookups is not null)
            lookups.LastPositions[stageId] = next;
        return next;
    }

    private async Task<bool> CodeTakenAsync(string code, int leadId, LeadWriteLookups? lookups, CancellationToken ct)
    {
        if (lookups is not null && lookups.CodesChecked.Contains(code))
            return lookups.TakenCodes.TryGetValue(code, out var owner) && owner != leadId;
        return await db.Leads.AnyAsync(l => l.Code == code && l.Id != leadId, ct);
    }

    /// <summary>Loads what <see cref="LeadWriteLookups"/> answers from memory: stages, the default stage, active users.</summary>
    public async Task<LeadWriteLookups> LookupsAsync(CancellationToken ct) => new(
        await db.Stages.AsNoTracking().ToDictionaryAsync(s => s.Id, ct),
        await DefaultStageAsync(ct),
        (await db.Users.AsNoTracking().Where(u => u.IsActive).Select(u => u.Id).ToListAsync(ct)).ToHashSet())
    {
        CustomFields = await db.CustomFields.AsNoTracking().OrderBy(f => f.Order).ThenBy(f => f.Id).ToListAsync(ct),
    };

    /// <summary>One query for the codes a run of rows is about to use: which of them other leads already have.</summary>
    public async Task PrefetchCodesAsync(LeadWriteLookups lookups, IEnumerable<string> codes, CancellationToken ct)
    {
        // codes with a control character are refused at validation, and PostgreSQL cannot take a NUL in a parameter
        var unknown = codes.Where(c => !lookups.CodesChecked.Contains(c) && PlainText.ControlCharacter(c) is null).Distinct(StringComparer.Ordinal).ToList();
        if (unknown.Count == 0)
            return;
        foreach (var taken in await db.Leads.Where(l => l.Code != null && unknown.Contains(l.Code)).Select(l => new { l.Code, l.Id }).ToListAsync(ct))
            lookups.TakenCodes[taken.Code!] = taken.Id;
        lookups.CodesChecked.UnionWith(unknown);
    }
}

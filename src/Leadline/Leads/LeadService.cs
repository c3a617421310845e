using Leadline.Common.Api;
using Leadline.Common.Security;
using Leadline.Common.Time;
using Leadline.Data;
using Leadline.Workspaces;
using Microsoft.EntityFrameworkCore;

namespace Leadline.Leads;

/// <summary>Lead use cases shared by the API and the pages: create, read, update (optimistic), archive, codes, history.</summary>
public sealed class LeadService(LeadlineDb db, LeadWriter writer, CurrentUser me, TimeProvider time)
{
    private Workspace? _workspace;

    public async Task<Workspace> WorkspaceAsync(CancellationToken ct) =>
        _workspace ??= await db.Workspaces.AsNoTracking().FirstAsync(w => w.Id == db.CurrentWorkspaceId, ct);

    public async Task<WorkspaceClock> ClockAsync(CancellationToken ct) => new(time, (await WorkspaceAsync(ct)).TimeZone);

    public Task<Result<Lead>> CreateAsync(LeadInput input, IReadOnlySet<string> present, CancellationToken ct) => CreateAsync(input, present, null, ct);

    /// <summary>As above; <paramref name="prepare"/> sets what no input carries (intake mode, the enquiry of a channel) before it is saved.</summary>
    public Task<Result<Lead>> CreateAsync(LeadInput input, IReadOnlySet<string> present, Action<Lead>? prepare, CancellationToken ct) =>
        CreateAsync(input, present, prepare, requireCustomFields: true, ct);

    /// <summary>
    /// As above; a lead that arrives on a channel is never refused for a required custom field nobody asked the customer
    /// (<paramref name="requireCustomFields"/> false): the team fills it in later.
    /// </summary>
    public async Task<Result<Lead>> CreateAsync(LeadInput input, IReadOnlySet<string> present, Action<Lead>? prepare, bool requireCustomFields, CancellationToken ct)
    {
        var lead = new Lead();
        var errors = await writer.ApplyAsync(lead, input, present, await WorkspaceAsync(ct), null, appendOnStageChange: true, requireCustomFields, ct);
        if (errors.Any)
            return Result<Lead>.Invalid(errors);
        if (!present.Contains("source"))
            lead.Source = LeadSource.Api;
        prepare?.Invoke(lead);
        db.Leads.Add(lead);
        return await SaveAsync(lead, ct);
    }

    public Task<Lead?> FindAsync(int id, CancellationToken ct) => db.Leads.FirstOrDefaultAsync(l => l.Id == id, ct);

    /// <summary>Applies the present fields; <paramref name="expectedVersion"/> (If-Match) must match or nothing changes (412).</summary>
    public Task<Result<Lead>> UpdateAsync(int id, LeadInput input, IReadOnlySet<string> present, int? expectedVersion, CancellationToken ct) =>
        UpdateAsync(id, input, present, expectedVersion, null, ct);

    /// <summary>As above; <paramref name="prepare"/> sets what the field catalog does not carry (the next action) in the same save.</summary>
    public async Task<Result<Lead>> UpdateAsync(int id, LeadInput input, IReadOnlySet<string> present, int? expectedVersion, Action<Lead>? prepare, CancellationToken ct)
    {
        var lead = await FindAsync(id, ct);
        if (lead is null)
            return Result<Lead>.Missing();
        if (expectedVersion is { } expected && expected != lead.Version)
            return Result<Lead>.Outdated("The lead was changed by someone else since you loaded it. Reload it and apply your change again.");
        var errors = await writer.ApplyAsync(lead, input, present, await WorkspaceAsync(ct), ct);
        if (errors.Any)
            return Result<Lead>.Invalid(errors);
        prepare?.Invoke(lead);
        return await SaveAsync(lead, ct);
    }

    public async Task<Result<Lead>> ArchiveAsync(int id, CancellationToken ct)
    {
        var lead = await FindAsync(id, ct);
        if (lead is null)
            return Result<Lead>.Missing();
        if (!MayArchive(lead.OwnerId))
            return Result<Lead>.Refused("Only the lead's owner, a manager or an admin may archive it.");
        if (lead.ArchivedAt is null)
        {
            lead.Archive(time.GetUtcNow().UtcDateTime);
            return await SaveAsync(lead, ct);
        }
        return Result<Lead>.Ok(lead);
    }

    /// <summary>Brings an archived lead back into the lists (the history records it); restoring a live lead changes nothing.</summary>
    public async Task<Result<Lead>> RestoreAsync(int id, CancellationToken ct)
    {
        var lead = await FindAsync(id, ct);
        if (lead is null)
            return Result<Lead>.Missing();
        if (!MayRestore(lead.OwnerId))
            return Result<Lead>.Refused("Only the lead's owner, a manager or an admin may restore it.");
        // a merged duplicate gave its notes, activities and history to the survivor: bringing back the empty shell
        // would make a second copy of the customer
        if (lead.MergedIntoId is { } survivor)
            return Result<Lead>.Conflicting($"This lead was merged into #{survivor}; open that lead instead.");
        if (lead.ArchivedAt is not null)
        {
            lead.Restore();
            return await SaveAsync(lead, ct);
        }
        return Result<Lead>.Ok(lead);
    }

    /// <summary>The permission table's rules for one lead, for the API and to show or hide the page's buttons.</summary>
    public bool MayArchive(int? ownerId) =>
        me.Can(Identity.Permission.LeadsWrite) && (ownerId == me.Id || me.Can(Identity.Permission.LeadsArchiveAny));

    public bool MayRestore(int? ownerId) =>
        me.Can(Identity.Permission.LeadsWrite) && (ownerId == me.Id || me.Can(Identity.Permission.LeadsArchived));

    /// <summary>Bulk reassignment: an unassigned lead or one's own may be handed on; someone else's needs LeadsAssignAny.</summary>
    public bool MayReassign(int? ownerId) =>
        me.Can(Identity.Permission.LeadsWrite) && (ownerId is null || ownerId == me.Id || me.Can(Identity.Permission.LeadsAssignAny));

    /// <summary>The next free readable code (L-000123); the counter is advanced in one atomic UPDATE … RETURNING.</summary>
    public async Task<string> NextCodeAsync(CancellationToken ct)
    {
        while (true)
        {
            var workspaceId = db.CurrentWorkspaceId;
            var next = (await db.Database.SqlQuery<int>(
                $"UPDATE workspaces SET last_lead_code = last_lead_code + 1 WHERE id = {workspaceId} RETURNING last_lead_code AS \"Value\"").ToListAsync(ct)).Single();
            var code = $"L-{next:000000}";
            if (!await db.Leads.AnyAsync(l => l.Code == code, ct))
                return code;   // a typed code may already have taken this number: take the next
        }
    }

    public async Task<List<LeadHistoryResponse>?> HistoryAsync(int id, CancellationToken ct)
    {
        if (!await db.Leads.AnyAsync(l => l.Id == id, ct))
            return null;
        var rows = await db.LeadHistory.AsNoTracking().Where(h => h.LeadId == id).OrderByDescending(h => h.At).ThenByDescending(h => h.Id).ToListAsync(ct);
        // stage and owner changes are stored as ids; show names
        var stages = await db.Stages.AsNoTracking().ToDictionaryAsync(s => s.Id.ToString(), s => s.Name, ct);
        var users = await db.Users.AsNoTracking().ToDictionaryAsync(u => u.Id.ToString(), u => u.Name, ct);
        string? Name(string field, string? value) => value is null ? null
            : field == "stage" ? stages.GetValueOrDefault(value, value)
            : field == "owner" ? users.GetValueOrDefault(value, value)
            : field == "photo" ? "image"   // the storage key means nothing to a person
            : value;
        return rows.Select(h => new LeadHistoryResponse(h.At, h.UserId, h.UserName, h.Field, LeadFieldLabels.For(h.Field), Name(h.Field, h.From), Name(h.Field, h.To), h.Reason)).ToList();
    }

    private async Task<Result<Lead>> SaveAsync(Lead lead, CancellationToken ct)
    {
        try
        {
            await db.SaveChangesAsync(ct);
            return Result<Lead>.Ok(lead);
        }
        catch (DbUpdateConcurrencyException)
        {
            return Result<Lead>.Outdated("The lead was changed by someone else at the same moment. Reload it and apply your change again.");
        }
        catch (DbUpdateException) when (lead.Code is not null)
        {
            // two saves raced for the same code: the unique index kept one; report it like the pre-check would
            if (await CodeTakenAsync(lead))
                return Result<Lead>.Invalid("code", $"The code {lead.Code} is already used by another lead.");
            throw;
        }
    }

    private async Task<bool> CodeTakenAsync(Lead lead)
    {
        db.ChangeTracker.Clear();
        return await db.Leads.AnyAsync(l => l.Code == lead.Code && l.Id != lead.Id);
    }

    public int CurrentUserId => me.Id;

    public async Task<int?> DefaultStageIdAsync(CancellationToken ct) => (await writer.DefaultStageAsync(ct))?.Id;

    /// <summary>Stages of all pipelines in board order, for pickers and the progress bar.</summary>
    public Task<List<Pipeline.Stage>> StagesAsync(CancellationToken ct) =>
        db.Stages.AsNoTracking().OrderBy(s => s.PipelineId).ThenBy(s => s.Order).ToListAsync(ct);

    public async Task<List<(int Id, string Name)>> OwnerChoicesAsync(CancellationToken ct) =>
        (await db.Users.AsNoTracking().Where(u => u.IsActive).OrderBy(u => u.Name).Select(u => new { u.Id, u.Name }).ToListAsync(ct))
        .Select(u => (u.Id, u.Name)).ToList();
}

using Leadline.Common.Api;
using Leadline.Data;
using Leadline.Identity;
using Microsoft.EntityFrameworkCore;

namespace Leadline.Workspaces;

public sealed class WorkspaceService(LeadlineDb db, IServiceScopeFactory scopes, UserService users)
{
    public Task<bool> AnyUserExistsAsync(CancellationToken ct) => db.Users.IgnoreQueryFilters().AnyAsync(ct);

    public Task<Workspace?> FindAsync(int id, CancellationToken ct) => db.Workspaces.FirstOrDefaultAsync(w => w.Id == id, ct);

    public Task<List<Workspace>> ListAsync(CancellationToken ct) => db.Workspaces.AsNoTracking().OrderBy(w => w.Id).ToListAsync(ct);

    /// <summary>
    /// Creates a workspace and its first admin in one transaction. Runs in a DI scope of its own that is
    /// entered into the new workspace, so the caller's workspace (if any) is never written to.
    /// </summary>
    public Task<Result<WorkspaceResponse>> CreateWithAdminAsync(NewWorkspaceRequest request, CancellationToken ct) =>
        CreateAsync(request, onlyFirst: false, ct);

    /// <summary>
    /// First-run setup: creates the workspace and admin only while no user exists anywhere. The check runs inside the
    /// writing transaction under a lock (SQLite's BEGIN IMMEDIATE; an advisory lock on PostgreSQL), so two first visits
    /// at once create one workspace and a replayed setup form after that creates nothing.
    /// </summary>
    public Task<Result<WorkspaceResponse>> CreateFirstAsync(NewWorkspaceRequest request, CancellationToken ct) =>
        CreateAsync(request, onlyFirst: true, ct);

    private async Task<Result<WorkspaceResponse>> CreateAsync(NewWorkspaceRequest request, bool onlyFirst, CancellationToken ct)
    {
        if (onlyFirst && await AnyUserExistsAsync(ct))
            return Result<WorkspaceResponse>.Missing();
        // every field is checked before anything is written, so one submit shows every mistake
        var errors = Validate(request);
        var adminErrors = await users.ValidateNewAsync(AdminOf(request));
        foreach (var field in new[] { "name", "email", "password" })
            foreach (var message in adminErrors.For(field))
                errors.Add("admin" + char.ToUpperInvariant(field[0]) + field[1..], message);
        if (errors.Any)
            return Result<WorkspaceResponse>.Invalid(errors);

        await using var scope = scopes.CreateAsyncScope();
        var scopedDb = scope.ServiceProvider.GetRequiredService<LeadlineDb>();
        await using var tx = await scopedDb.Database.BeginTransactionAsync(ct);
        if (onlyFirst)
        {
            if (scopedDb.Database.IsNpgsql())
                await scopedDb.Database.ExecuteSqlRawAsync($"SELECT pg_advisory_xact_lock({FirstRunLockKey})", ct);
            if (await scopedDb.Users.IgnoreQueryFilters().AnyAsync(ct))
                return Result<WorkspaceResponse>.Missing();
        }
        var workspace = new Workspace
        {
            Name = request.Name!.Trim(),
            TimeZone = request.TimeZone!.Trim(),
            DefaultCountry = request.DefaultCountry!.Trim().ToUpperInvariant(),
        };
        scopedDb.Workspaces.Add(workspace);
        await scopedDb.SaveChangesAsync(ct);
        scope.ServiceProvider.GetRequiredService<WorkspaceScope>().Enter(workspace.Id);
        scopedDb.Pipelines.Add(Pipeline.DefaultPipeline.Create(workspace.Id));
        await scopedDb.SaveChangesAsync(ct);

        var admin = await scope.ServiceProvider.GetRequiredService<UserService>().CreateAsync(AdminOf(request), ct);
        if (!admin.Succeeded)
            return Result<WorkspaceResponse>.Invalid("adminEmail", admin.Conflict ?? string.Join(" ", admin.Errors.All));
        await tx.CommitAsync(ct);
        return Result<WorkspaceResponse>.Ok(ToResponse(workspace));
    }

    private const long FirstRunLockKey = 0x4C4C_5345_5455; // "LLSETU"

    public async Task<Result<WorkspaceResponse>> UpdateAsync(int id, WorkspaceSettingsRequest request, CancellationToken ct)
    {
        var workspace = await db.Workspaces.FirstOrDefaultAsync(w => w.Id == id, ct);
        if (workspace is null)
            return Result<WorkspaceResponse>.Missing();
        var errors = Validate(request);
        if (errors.Any)
            return Result<WorkspaceResponse>.Invalid(errors);
        workspace.Name = request.Name!.Trim();
        workspace.TimeZone = request.TimeZone!.Trim();
        workspace.DefaultCountry = request.DefaultCountry!.Trim().ToUpperInvariant();
        await db.SaveChangesAsync(ct);
        return Result<WorkspaceResponse>.Ok(ToResponse(workspace));
    }

    private static NewUserRequest AdminOf(NewWorkspaceRequest r) =>
        new() { Name = r.AdminName, Email = r.AdminEmail, Password = r.AdminPassword, Role = Roles.Admin };

    public static WorkspaceResponse ToResponse(Workspace w) => new(w.Id, w.Name, w.TimeZone, w.DefaultCountry, w.CreatedAt);

    private static Errors Validate(WorkspaceSettingsRequest request)
    {
        var errors = new Errors();
        var name = request.Name?.Trim() ?? "";
        if (name.Length == 0)
            errors.Add("name", "Workspace name is required.");
        else if (name.Length > 200)
            errors.Add("name", "Workspace name must be at most 200 characters.");
        errors.CheckPlainText("name", name, "Workspace name");
        if (!TimeZones.IsKnown(request.TimeZone?.Trim()))
            errors.Add("timeZone", "Choose a time zone such as Europe/Berlin or America/New_York.");
        if (!Countries.IsKnown(request.DefaultCountry?.Trim().ToUpperInvariant()))
            errors.Add("defaultCountry", "Choose a country (two-letter ISO code such as DE or US).");
        return errors;
    }
}

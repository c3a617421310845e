using Leadline.Common;
using Leadline.Common.Api;
using Leadline.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Leadline.Identity;

/// <summary>Team members of the current workspace: used by the users API and the Settings → Users page.</summary>
public sealed class UserService(LeadlineDb db, UserManager<User> userManager, ApiTokenService tokens)
{
    public async Task<Page<UserResponse>> ListAsync(int? limit, string? cursor, CancellationToken ct)
    {
        var take = Cursor.Limit(limit);
        var query = db.Users.AsNoTracking();
        var total = await query.CountAsync(ct);
        if (int.TryParse(Cursor.Decode(cursor), out var after))
            query = query.Where(u => u.Id > after);
        var items = await Project(query.OrderBy(u => u.Id)).Take(take + 1).ToListAsync(ct);
        var next = items.Count > take ? Cursor.Encode(items[take - 1].Id.ToString()) : null;
        return new Page<UserResponse>(items.Take(take).ToList(), next, total);
    }

    public Task<UserResponse?> GetAsync(int id, CancellationToken ct) =>
        Project(db.Users.AsNoTracking().Where(u => u.Id == id)).FirstOrDefaultAsync(ct);

    /// <summary>The shape rules of a new user (name, e-mail, role, password policy), without touching the database.</summary>
    public async Task<Errors> ValidateNewAsync(NewUserRequest request)
    {
        var errors = new Errors();
        var name = request.Name?.Trim() ?? "";
        var email = request.Email?.Trim() ?? "";
        if (name.Length == 0)
            errors.Add("name", "Name is required.");
        else if (name.Length > 200)
            errors.Add("name", "Name must be at most 200 characters.");
        errors.CheckPlainText("name", name, "Name");
        if (email.Length == 0)
            errors.Add("email", "E-mail is required.");
        else if (!EmailAddresses.IsValid(email))
            errors.Add("email", "Enter a valid e-mail address.");
        if (Roles.Canonical(request.Role) is null)
            errors.Add("role", "Role must be Admin, Manager or Agent.");
        if (string.IsNullOrEmpty(request.Password))
            errors.Add("password", "Password is required.");
        else
            foreach (var validator in userManager.PasswordValidators)
            {
                var check = await validator.ValidateAsync(userManager, new User(), request.Password);
                foreach (var e in check.Errors)
                    errors.Add("password", e.Description);
            }
        return errors;
    }

    /// <summary>Creates a user in the workspace in scope; the caller's transaction (if any) covers it.</summary>
    public async Task<Result<UserResponse>> CreateAsync(NewUserRequest request, CancellationToken ct)
    {
        var errors = await ValidateNewAsync(request);
        if (errors.Any)
            return Result<UserResponse>.Invalid(errors);
        var name = request.Name!.Trim();
        var email = request.Email!.Trim();
        var role = Roles.Canonical(request.Role)!;

        var normalized = userManager.NormalizeEmail(email);
        if (await db.Users.IgnoreQueryFilters().AnyAsync(u => u.NormalizedEmail == normalized, ct))
            return Result<UserResponse>.Conflicting("A user with this e-mail address already exists.");

        var user = new User { UserName = email, Email = email, Name = name, EmailConfirmed = true };
        var ownTransaction = db.Database.CurrentTransaction is null ? await db.Database.BeginTransactionAsync(ct) : null;
        await using (ownTransaction)
        {
            var created = await userManager.CreateAsync(user, request.Password!);
            if (!created.Succeeded)
                return Result<UserResponse>.Invalid(ToErrors(created));
            await userManager.AddToRoleAsync(user, role);
            if (ownTransaction is not null)
                await ownTransaction.CommitAsync(ct);
        }
        return Result<UserResponse>.Ok((await GetAsync(user.Id, ct))!);
    }

    public async Task<Result<UserResponse>> UpdateAsync(int id, UserUpdateRequest request, int actingUserId, CancellationToken ct)
    {
        var user = await db.Users.FirstOrDefaultAsync(u => u.Id == id, ct);
        if (user is null)
            return Result<UserResponse>.Missing();
        var errors = new Errors();
        var name = request.Name?.Trim();
        if (name is { Length: 0 })
            errors.Add("name", "Name cannot be empty.");
        else if (name is { Length: > 200 })
            errors.Add("name", "Name must be at most 200 characters.");
        errors.CheckPlainText("name", name, "Name");
        var role = request.Role is null ? null : Roles.Canonical(request.Role);
        if (request.Role is not null && role is null)
            errors.Add("role", "Role must be Admin, Manager or Agent.");
        var currentRole = (await userManager.GetRolesAsync(user)).FirstOrDefault();
        var losesAdmin = currentRole == Roles.Admin && ((role is not null && role != Roles.Admin) || request.Active == false);
        if (losesAdmin && id == actingUserId)
            errors.Add(request.Active == false ? "active" : "role", "You cannot remove your own admin access.");
        else if (losesAdmin && await CountActiveAdminsAsync(ct) <= 1)
            errors.Add(request.Active == false ? "active" : "role", "The workspace needs at least one active admin.");
        if (errors.Any)
            return Result<UserResponse>.Invalid(errors);

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        if (name is not null)
            user.Name = name;
        if (role is not null && role != currentRole)
        {
            if (currentRole is not null)
                await userManager.RemoveFromRoleAsync(user, currentRole);
            await userManager.AddToRoleAsync(user, role);
        }
        if (request.Active is { } active && active != user.IsActive)
        {
            user.IsActive = active;
            if (!active)
            {
                await tokens.RevokeAllAsync(user.Id, ct);
                await BrowserSessionStore.EndAllAsync(db, user.Id, ct);
            }
        }
        // a new stamp ends existing browser sessions at their next check (role and status are in the cookie)
        await userManager.UpdateSecurityStampAsync(user);
        await tx.CommitAsync(ct);
        return Result<UserResponse>.Ok((await GetAsync(user.Id, ct))!);
    }

    private Task<int> CountActiveAdminsAsync(CancellationToken ct) =>
        db.Users.Where(u => u.IsActive)
            .Join(db.UserRoles, u => u.Id, ur => ur.UserId, (u, ur) => ur.RoleId)
            .Join(db.Roles.Where(r => r.Name == Roles.Admin), id => id, r => r.Id, (id, r) => id)
            .CountAsync(ct);

    private IQueryable<UserResponse> Project(IQueryable<User> users) =>
        users.Select(u => new UserResponse(
            u.Id,
            u.Email ?? "",
            u.Name,
            db.UserRoles.Where(ur => ur.UserId == u.Id).Join(db.Roles, ur => ur.RoleId, r => r.Id, (ur, r) => r.Name).FirstOrDefault() ?? "",
            u.IsActive,
            u.WorkspaceId,
            u.CreatedAt,
            u.LastSignInAt));

    private static Errors ToErrors(IdentityResult result)
    {
        var errors = new Errors();
        foreach (var e in result.Errors)
            errors.Add(e.Code.StartsWith("Password", StringComparison.Ordinal) ? "password" : e.Code.Contains("Email", StringComparison.Ordinal) ? "email" : "name", e.Description);
        return errors;
    }
}

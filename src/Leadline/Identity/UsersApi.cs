using Leadline.Common.Api;
using Leadline.Common.Security;
using Leadline.Workspaces;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Leadline.Identity;

/// <summary>A role and what it may do (the permission table, <see cref="Permissions"/>).</summary>
public sealed record RoleResponse(string Role, IReadOnlyList<string> Permissions);

public sealed record MeResponse(int Id, string Email, string Name, string Role, int WorkspaceId, string WorkspaceName);

internal static class UsersApi
{
    public static void MapUsersApi(this RouteGroupBuilder api)
    {
        api.MapGet("/roles", () => TypedResults.Ok(Roles.All.Select(role => new RoleResponse(role,
                Enum.GetValues<Permission>().Where(p => Permissions.Has(role, p)).Select(Permissions.Name).ToList()))))
            .WithTags("Users").WithName("ListRoles").RequirePermission(Permission.Account);
        api.MapGet("/me", GetMeAsync).WithName("GetMe").RequirePermission(Permission.Account);
        var users = api.MapGroup("/users").WithTags("Users");
        users.MapGet("/", ListAsync).WithName("ListUsers").RequirePermission(Permission.UsersRead);
        users.MapGet("/{id:int}", GetAsync).WithName("GetUser").RequirePermission(Permission.UsersRead);
        users.MapPost("/", CreateAsync).WithName("CreateUser").RequirePermission(Permission.UsersManage);
        users.MapPatch("/{id:int}", UpdateAsync).WithName("UpdateUser").RequirePermission(Permission.UsersManage);
    }

    private static async Task<Results<Ok<MeResponse>, ProblemHttpResult>> GetMeAsync(CurrentUser me, WorkspaceService workspaces, CancellationToken ct)
    {
        var workspace = await workspaces.FindAsync(me.WorkspaceId, ct);
        if (workspace is null)
            return ApiResults.NotFound("Your workspace no longer exists.");
        return TypedResults.Ok(new MeResponse(me.Id, me.Email, me.Name, me.Role, workspace.Id, workspace.Name));
    }

    private static async Task<Ok<Page<UserResponse>>> ListAsync(int? limit, string? cursor, UserService users, CancellationToken ct) =>
        TypedResults.Ok(await users.ListAsync(limit, cursor, ct));

    private static async Task<Results<Ok<UserResponse>, ProblemHttpResult>> GetAsync(int id, UserService users, CancellationToken ct) =>
        await users.GetAsync(id, ct) is { } user ? TypedResults.Ok(user) : ApiResults.NotFound();

    private static async Task<IResult> CreateAsync(NewUserRequest request, UserService users, CancellationToken ct)
    {
        var result = await users.CreateAsync(request, ct);
        return result.Succeeded
            ? TypedResults.Created($"/api/v1/users/{result.Value!.Id}", result.Value)
            : ApiResults.Problem(result);
    }

    private static async Task<IResult> UpdateAsync(int id, UserUpdateRequest request, UserService users, CurrentUser me, CancellationToken ct)
    {
        var result = await users.UpdateAsync(id, request, me.Id, ct);
        return result.Succeeded ? TypedResults.Ok(result.Value) : ApiResults.Problem(result);
    }
}

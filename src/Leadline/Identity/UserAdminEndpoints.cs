using Leadline.Common.Security;
using Leadline.Identity.Pages;
using Leadline.Workspaces;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Leadline.Identity;

/// <summary>htmx row actions of Settings → Users; each answers with the re-rendered row (errors inline).</summary>
internal static class UserAdminEndpoints
{
    public static void MapUserAdminEndpoints(this IEndpointRouteBuilder app)
    {
        var rows = app.MapGroup("/settings/users/{id:int}").RequirePermission(Permission.UsersManage);
        rows.MapPost("/role", ([FromForm] string role, int id, UserService users, CurrentUser me, WorkspaceService workspaces, CancellationToken ct) =>
            UpdateAsync(id, new UserUpdateRequest { Role = role }, users, me, workspaces, ct));
        rows.MapPost("/active", ([FromForm] bool active, int id, UserService users, CurrentUser me, WorkspaceService workspaces, CancellationToken ct) =>
            UpdateAsync(id, new UserUpdateRequest { Active = active }, users, me, workspaces, ct));
    }

    private static async Task<IResult> UpdateAsync(int id, UserUpdateRequest change, UserService users, CurrentUser me, WorkspaceService workspaces, CancellationToken ct)
    {
        var result = await users.UpdateAsync(id, change, me.Id, ct);
        if (result.NotFound)
            return TypedResults.NotFound("No such user.");
        var user = result.Value ?? (await users.GetAsync(id, ct))!;
        var timeZone = (await workspaces.FindAsync(me.WorkspaceId, ct))?.TimeZone ?? "UTC";
        return new RazorComponentResult<UserRow>(new
        {
            User = user,
            IsSelf = id == me.Id,
            TimeZone = timeZone,
            Error = result.Succeeded ? null : string.Join(" ", result.Errors.All),
        });
    }
}

using System.Security.Claims;
namespace Leadline.Identity;

/// <summary>The signed-in user of this request, read from claims (cookie or bearer token).</summary>
public sealed class CurrentUser(IHttpContextAccessor http)
{
    private ClaimsPrincipal? Principal => http.HttpContext?.User;

    public bool IsAuthenticated => Principal?.Identity?.IsAuthenticated == true;

    public int Id => int.TryParse(Principal?.FindFirstValue(ClaimTypes.NameIdentifier), out var id) ? id : 0;

    public int WorkspaceId => int.TryParse(Principal?.FindFirstValue(LeadlineClaims.WorkspaceId), out var id) ? id : 0;

    public string Email => Principal?.FindFirstValue(ClaimTypes.Email) ?? Principal?.FindFirstValue(ClaimTypes.Name) ?? "";

    public string Name => Principal?.FindFirstValue(LeadlineClaims.DisplayName) ?? Email;

    public string Role => Roles.All.FirstOrDefault(r => Principal?.IsInRole(r) == true) ?? "";

    public bool IsAdmin => Principal?.IsInRole(Roles.Admin) == true;

    /// <summary>Whether this user's role may do <paramref name="permission"/> (the one table: <see cref="Permissions"/>).</summary>
    public bool Can(Permission permission) => Permissions.Has(Role, permission);
}

using System.Security.Claims;
using Leadline.Identity;

namespace Leadline.Data;

/// <summary>
/// The tenant boundary of one request or job. Web requests take it from the signed-in user's
/// workspace claim; the CLI and background jobs set it explicitly with <see cref="Enter"/>.
/// Unset means "no workspace": the query filter then matches no business row.
/// </summary>
public sealed class WorkspaceScope(IHttpContextAccessor http)
{
    private int? _explicit;

    public int? Id => _explicit ?? FromUser(http.HttpContext?.User);

    public void Enter(int workspaceId) => _explicit = workspaceId;

    private static int? FromUser(ClaimsPrincipal? user) =>
        int.TryParse(user?.FindFirstValue(LeadlineClaims.WorkspaceId), out var id) ? id : null;
}

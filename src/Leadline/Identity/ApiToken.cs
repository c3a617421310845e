using Leadline.Data;

namespace Leadline.Identity;

/// <summary>
/// A bearer token for <c>/api/v1</c>. Only its SHA-256 hash is stored, so a database dump does not
/// leak usable tokens; a lookup per request makes revocation and deactivation take effect at once.
/// </summary>
public sealed class ApiToken : IWorkspaceOwned
{
    public int Id { get; set; }

    public int WorkspaceId { get; set; }

    public int UserId { get; set; }

    public User? User { get; set; }

    public string TokenHash { get; set; } = "";

    public DateTime CreatedAt { get; set; }

    public DateTime ExpiresAt { get; set; }
}

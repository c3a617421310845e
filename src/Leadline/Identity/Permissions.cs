using System.Collections.Frozen;
using Microsoft.AspNetCore.Authorization;

namespace Leadline.Identity;

/// <summary>What a user may do. Every endpoint and page names one (a route without one fails PermissionWalkTests).</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1711", Justification = "A permission is what the product calls it.")]
public enum Permission
{
    /// <summary>Their own account: sign out, notifications, who am I.</summary>
    Account,
    /// <summary>Read leads, the board, the queue, lists, reports and templates.</summary>
    LeadsRead,
    /// <summary>Create and edit leads, move them, write notes and activities, set reminders, use lists.</summary>
    LeadsWrite,
    /// <summary>Archive a lead someone else owns (anyone with <see cref="LeadsWrite"/> archives their own).</summary>
    LeadsArchiveAny,
    /// <summary>See and restore archived leads of the workspace.</summary>
    LeadsArchived,
    /// <summary>Reassign, in bulk, leads someone else owns (anyone with <see cref="LeadsWrite"/> hands on their own and unassigned ones).</summary>
    LeadsAssignAny,
    /// <summary>Any CSV export: leads, reports, lists.</summary>
    Export,
    Import,
    Merge,
    DuplicateSweep,
    BulkDelete,
    UsersRead,
    UsersManage,
    /// <summary>Open the settings pages at all (each page also needs its own permission).</summary>
    SettingsOpen,
    NoteTemplatesManage,
    PipelinesManage,
    QueueSettingsManage,
    CustomFieldsManage,
    WorkspaceManage,
    ChannelsManage,
    AiSettingsManage,
    /// <summary>Review (approve or reject) bot-flow submissions: Admin and Manager.</summary>
    SubmissionsReview,
    /// <summary>See the outbox's failed sends and retry them: Admin.</summary>
    OutboxManage,
}

/// <summary>
/// The one role → permission table (API.md, "Permissions"). The API, the pages, the htmx endpoints, the exports and the
/// live events all ask it through the policy <see cref="PolicyName"/> of an endpoint, or <see cref="Has"/> for a rule
/// that depends on the lead (archiving someone else's).
/// </summary>
public static class Permissions
{
    private static readonly Permission[] Everyone = [Permission.Account, Permission.LeadsRead, Permission.LeadsWrite];

    private static readonly Permission[] ManagerExtras =
    [
        Permission.LeadsArchiveAny, Permission.LeadsArchived, Permission.LeadsAssignAny, Permission.Export, Permission.Import, Permission.Merge,
        Permission.DuplicateSweep, Permission.BulkDelete, Permission.UsersRead, Permission.SettingsOpen,
        Permission.NoteTemplatesManage, Permission.PipelinesManage, Permission.QueueSettingsManage, Permission.CustomFieldsManage, Permission.SubmissionsReview,
    ];

    public static readonly FrozenDictionary<string, FrozenSet<Permission>> ByRole = new Dictionary<string, FrozenSet<Permission>>
    {
        [Roles.Admin] = Enum.GetValues<Permission>().ToFrozenSet(),
        [Roles.Manager] = Everyone.Concat(ManagerExtras).ToFrozenSet(),
        [Roles.Agent] = Everyone.ToFrozenSet(),
    }.ToFrozenDictionary();

    public static bool Has(string? role, Permission permission) =>
        role is not null && ByRole.TryGetValue(role, out var granted) && granted.Contains(permission);

    public static IEnumerable<string> RolesWith(Permission permission) => Roles.All.Where(r => Has(r, permission));

    /// <summary>The name the API shows (<c>GET /api/v1/roles</c>): <c>leadsArchiveAny</c>.</summary>
    public static string Name(Permission permission) => System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(permission.ToString());

    public static string PolicyName(Permission permission) => "permission:" + Name(permission);

    public static AuthorizationBuilder AddPermissionPolicies(this AuthorizationBuilder builder)
    {
        foreach (var permission in Enum.GetValues<Permission>())
            builder.AddPolicy(PolicyName(permission), p => p.RequireRole(RolesWith(permission)));
        return builder;
    }

    /// <summary>Endpoints: only users whose role has <paramref name="permission"/> (403 otherwise; sign-in first for pages).</summary>
    public static TBuilder RequirePermission<TBuilder>(this TBuilder builder, Permission permission) where TBuilder : IEndpointConventionBuilder =>
        builder.RequireAuthorization(new RequirePermissionAttribute(permission));
}

/// <summary>The permission an endpoint or page needs; on a page: <c>@attribute [RequirePermission(Permission.Export)]</c>.</summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method, AllowMultiple = true)]
public sealed class RequirePermissionAttribute : AuthorizeAttribute
{
    public RequirePermissionAttribute(Permission permission)
    {
        Permission = permission;
        Policy = Permissions.PolicyName(permission);
    }

    public Permission Permission { get; }
}

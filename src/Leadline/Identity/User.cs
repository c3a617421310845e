using Leadline.Data;
using Microsoft.AspNetCore.Identity;

namespace Leadline.Identity;

/// <summary>A person who signs in. Belongs to exactly one workspace and has exactly one role.</summary>
public sealed class User : IdentityUser<int>, IWorkspaceOwned, ITimestamped
{
    public int WorkspaceId { get; set; }

    public string Name { get; set; } = "";

    /// <summary>Deactivated users cannot sign in and their tokens stop working at once.</summary>
    public bool IsActive { get; set; } = true;

    public DateTime? LastSignInAt { get; set; }

    /// <summary>The lead list's optional columns this user chose (a JSON list of names), remembered across visits.</summary>
    public string? LeadListColumns { get; set; }

    /// <summary>The user's own WhatsApp number (E.164), where due internal reminders are also sent when set.</summary>
    public string? WhatsappNumber { get; set; }

    public DateTime CreatedAt { get; set; }

    public DateTime UpdatedAt { get; set; }
}

public sealed class Role : IdentityRole<int>
{
    public Role() { }

    public Role(string name) : base(name) { }
}

/// <summary>The three fixed roles; their rows are created by the first migration.</summary>
public static class Roles
{
    public const string Admin = "Admin";
    public const string Manager = "Manager";
    public const string Agent = "Agent";

    public static readonly IReadOnlyList<string> All = [Admin, Manager, Agent];

    /// <summary>Accepts any casing and returns the canonical name, or null for an unknown role.</summary>
    public static string? Canonical(string? name) =>
        All.FirstOrDefault(r => string.Equals(r, name?.Trim(), StringComparison.OrdinalIgnoreCase));
}

public static class LeadlineClaims
{
    public const string WorkspaceId = "leadline:workspace";
    public const string DisplayName = "leadline:name";
}

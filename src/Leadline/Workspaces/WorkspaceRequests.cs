namespace Leadline.Workspaces;

/// <summary>Name, time zone and phone country of a workspace (settings form and CLI).</summary>
public class WorkspaceSettingsRequest
{
    public string? Name { get; set; }

    public string? TimeZone { get; set; } = "UTC";

    public string? DefaultCountry { get; set; } = "US";
}

/// <summary>A new workspace together with its first admin (first-run setup, Settings, CLI, env bootstrap).</summary>
public sealed class NewWorkspaceRequest : WorkspaceSettingsRequest
{
    public string? AdminName { get; set; }

    public string? AdminEmail { get; set; }

    public string? AdminPassword { get; set; }
}

public sealed record WorkspaceResponse(int Id, string Name, string TimeZone, string DefaultCountry, DateTime CreatedAt);

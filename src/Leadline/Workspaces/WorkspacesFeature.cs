namespace Leadline.Workspaces;

public static class WorkspacesFeature
{
    public static IServiceCollection AddWorkspaces(this IServiceCollection services) =>
        services.AddScoped<WorkspaceService>();
}

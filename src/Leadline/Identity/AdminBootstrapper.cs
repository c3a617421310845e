using Leadline.Workspaces;

namespace Leadline.Identity;

public sealed class AdminOptions
{
    public string? Email { get; set; }

    public string? Password { get; set; }

    public string Name { get; set; } = "Administrator";

    public string Workspace { get; set; } = "Leadline";
}

/// <summary>
/// On an empty database, creates the first workspace and admin from <c>Leadline:Admin</c>; without it the
/// first visit shows the one-time setup page instead. Never touches an existing user.
/// </summary>
internal static class AdminBootstrapper
{
    public static async Task EnsureFirstAdminAsync(this IServiceProvider services, CancellationToken ct = default)
    {
        await using var scope = services.CreateAsyncScope();
        var options = scope.ServiceProvider.GetRequiredService<IConfiguration>().GetSection("Leadline:Admin").Get<AdminOptions>() ?? new();
        if (string.IsNullOrWhiteSpace(options.Email))
            return;
        var workspaces = scope.ServiceProvider.GetRequiredService<WorkspaceService>();
        if (await workspaces.AnyUserExistsAsync(ct))
            return;
        var result = await workspaces.CreateWithAdminAsync(new NewWorkspaceRequest
        {
            Name = options.Workspace,
            TimeZone = "UTC",
            DefaultCountry = "US",
            AdminName = options.Name,
            AdminEmail = options.Email,
            AdminPassword = options.Password,
        }, ct);
        if (!result.Succeeded)
            throw new InvalidOperationException("Leadline__Admin__Email/__Password cannot create the first admin: " + string.Join(" ", result.Errors.All));
        scope.ServiceProvider.GetRequiredService<ILoggerFactory>().CreateLogger("Leadline.Identity")
            .LogInformation("Created the first admin {Email} in workspace {Workspace}", options.Email, options.Workspace);
    }
}

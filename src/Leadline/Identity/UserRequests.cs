namespace Leadline.Identity;

/// <summary>Body of <c>POST /api/v1/users</c> and the model of the "New user" form.</summary>
public sealed class NewUserRequest
{
    public string? Email { get; set; }

    public string? Name { get; set; }

    public string? Role { get; set; }

    public string? Password { get; set; }
}

/// <summary>Body of <c>PATCH /api/v1/users/{id}</c>: only the fields present change.</summary>
public sealed class UserUpdateRequest
{
    public string? Name { get; set; }

    public string? Role { get; set; }

    public bool? Active { get; set; }
}

public sealed record UserResponse(
    int Id,
    string Email,
    string Name,
    string Role,
    bool Active,
    int WorkspaceId,
    DateTime CreatedAt,
    DateTime? LastSignInAt);

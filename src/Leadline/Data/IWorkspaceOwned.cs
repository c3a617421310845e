namespace Leadline.Data;

/// <summary>A business row that belongs to one workspace; <see cref="LeadlineDb"/> filters every query by it.</summary>
public interface IWorkspaceOwned
{
    int WorkspaceId { get; set; }
}

/// <summary>Stamped by <see cref="TimestampInterceptor"/> from the injected <see cref="TimeProvider"/>.</summary>
public interface ITimestamped
{
    DateTime CreatedAt { get; set; }
    DateTime UpdatedAt { get; set; }
}

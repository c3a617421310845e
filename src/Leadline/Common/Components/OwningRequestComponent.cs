using Microsoft.AspNetCore.Components;

namespace Leadline.Common.Components;

/// <summary>
/// A <see cref="RequestComponent"/> with a DI scope of its own (the framework's <see cref="OwningComponentBase"/>): for a
/// component that reads the database itself beside others on the same page. Static rendering initialises sibling
/// components concurrently, and two of them on the request's one DbContext fail ("a second operation was started").
/// The workspace and user still come from the request.
/// </summary>
public abstract class OwningRequestComponent : OwningComponentBase
{
    [CascadingParameter] private HttpContext? CurrentRequest { get; set; }

    /// <summary>The request's cancellation: the browser closed the connection.</summary>
    protected CancellationToken Aborted => CurrentRequest?.RequestAborted ?? CancellationToken.None;

    /// <summary>A service from this component's own scope.</summary>
    protected T Scoped<T>() where T : notnull => ScopedServices.GetRequiredService<T>();
}

using Microsoft.AspNetCore.Components;

namespace Leadline.Common.Components;

/// <summary>
/// A page rendered for one request (static server rendering): its queries stop when the browser goes away, through
/// <see cref="Aborted"/>, instead of running on for nobody.
/// </summary>
public abstract class RequestComponent : ComponentBase
{
    [CascadingParameter] private HttpContext? CurrentRequest { get; set; }

    /// <summary>The request's cancellation: the browser closed the connection.</summary>
    protected CancellationToken Aborted => CurrentRequest?.RequestAborted ?? CancellationToken.None;
}

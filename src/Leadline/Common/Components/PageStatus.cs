namespace Leadline.Common.Components;

public static class PageStatus
{
    /// <summary>A page about a record that does not exist keeps its friendly text but answers 404, not 200.</summary>
    public static void MarkNotFound(this HttpContext? http)
    {
        if (http is { Response.HasStarted: false })
            http.Response.StatusCode = StatusCodes.Status404NotFound;
    }
}

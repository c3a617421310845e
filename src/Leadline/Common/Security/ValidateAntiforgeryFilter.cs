using Microsoft.AspNetCore.Antiforgery;

namespace Leadline.Common.Security;

/// <summary>
/// For browser endpoints that bind no form values (htmx buttons): UseAntiforgery() only records the result, and
/// only form-binding endpoints reject on their own (STACK.md gotcha 9), so check the token here.
/// </summary>
public sealed class ValidateAntiforgeryFilter(IAntiforgery antiforgery) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        if (!await antiforgery.IsRequestValidAsync(context.HttpContext))
            return Results.Problem("The form has expired or did not come from Leadline. Reload the page and try again.", statusCode: StatusCodes.Status400BadRequest);
        return await next(context);
    }
}

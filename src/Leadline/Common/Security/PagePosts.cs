using Microsoft.AspNetCore.Antiforgery;

namespace Leadline.Common.Security;

/// <summary>
/// The one antiforgery mechanism for the pages (cookie sign-in, so every unsafe-method request could be forged by another
/// site): the framework's own. Every page endpoint carries its <see cref="RequireAntiforgeryTokenAttribute"/> metadata (the
/// Razor component pages have it already; <see cref="MapPages"/> gives it to the mapped ones), UseAntiforgery validates the
/// form field or htmx header of POST/PUT/PATCH/DELETE requests, and <see cref="UseAntiforgeryRefusal"/> refuses a failed one
/// before any binding or handler runs. The API group uses bearer tokens and opts out with DisableAntiforgery; so do
/// public endpoints that other origins post to, with <see cref="AllowCrossSitePost"/>.
/// </summary>
public static class PagePosts
{
    /// <summary>The root group for the app's page endpoints (forms, htmx calls): each needs the antiforgery token when it changes something.</summary>
    public static RouteGroupBuilder MapPages(this IEndpointRouteBuilder app)
    {
        var pages = app.MapGroup("");
        pages.WithMetadata(new RequireAntiforgeryTokenAttribute());
        return pages;
    }

    /// <summary>
    /// For public endpoints that other origins post to (channel webhooks, <c>/f/{key}</c> form intake): outside the antiforgery
    /// check, so they must authenticate the request some other way (a signature, a form key) and never by the cookie.
    /// </summary>
    public static TBuilder AllowCrossSitePost<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.DisableAntiforgery();

    /// <summary>
    /// Where a refused plain form post of this endpoint lands instead of the status page: a page that says what happened in
    /// its own words (an upload form: "the page had expired", "the file is too large").
    /// </summary>
    public static TBuilder OnRefusedForm<TBuilder>(this TBuilder builder, Func<HttpContext, string> expired, Func<HttpContext, string>? tooLarge = null)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new RefusedFormRedirect(expired, tooLarge ?? expired));

    /// <summary>
    /// UseAntiforgery only records its verdict (binding a form rejects on its own, an endpoint without form parameters would
    /// run anyway): this refuses every failed one in one place. Nothing has been read into the handler, so nothing changes.
    /// </summary>
    public static IApplicationBuilder UseAntiforgeryRefusal(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        if (context.Features.Get<IAntiforgeryValidationFeature>() is not { IsValid: false } verdict)
            return next(context);
        // reading the form for its token ran into the endpoint's size limit: say that, not "expired"
        var tooLarge = verdict.Error?.InnerException is BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge };
        if (context.GetEndpoint()?.Metadata.GetMetadata<RefusedFormRedirect>() is { } redirect && !context.Request.Headers.ContainsKey("HX-Request"))
        {
            context.Response.Redirect((tooLarge ? redirect.TooLarge : redirect.Expired)(context));
            return Task.CompletedTask;
        }
        // body-less: a plain form post is redirected to the status page ("a form may have expired"), htmx shows its toast
        context.Response.StatusCode = tooLarge ? StatusCodes.Status413PayloadTooLarge : StatusCodes.Status400BadRequest;
        return Task.CompletedTask;
    });

    private sealed record RefusedFormRedirect(Func<HttpContext, string> Expired, Func<HttpContext, string> TooLarge);
}

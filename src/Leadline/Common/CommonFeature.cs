using Leadline.Common.Security;
using Leadline.Common.Api;

namespace Leadline.Common;

public static class CommonFeature
{
    public static IServiceCollection AddLeadlineCommon(this IServiceCollection services)
    {
        services.AddRazorComponents();   // static server rendering only: no interactive render modes (STACK.md)
        services.AddProblemDetails(o => o.CustomizeProblemDetails = ctx =>
        {
            // a body-less 400 from the framework means the body could not be bound (malformed JSON, wrong type)
            if (ctx.ProblemDetails.Status == StatusCodes.Status400BadRequest && ctx.ProblemDetails.Detail is null
                && ctx.ProblemDetails is not Microsoft.AspNetCore.Http.HttpValidationProblemDetails)
                ctx.ProblemDetails.Detail = "The request body could not be read: send valid JSON with Content-Type application/json.";
        });
        services.AddAntiforgery();
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = false);
        // enumerations travel as camelCase strings and are read case-insensitively (API.md)
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.Converters.Add(
            new System.Text.Json.Serialization.JsonStringEnumConverter(System.Text.Json.JsonNamingPolicy.CamelCase)));
        services.AddApiDocs();
        services.AddOptions<Files.FileStorageOptions>().BindConfiguration("Leadline:Storage");
        services.AddSingleton<Files.IFileStorage, Files.LocalFileStorage>();
        return services;
    }

    public static WebApplication UseLeadlineCommon(this WebApplication app)
    {
        app.UseSecurityHeaders();
        // the API answers every error with problem+json; pages get the error and not-found pages
        app.UseWhen(IsApi, api =>
        {
            api.UseExceptionHandler();
            api.UseStatusCodePages();
        });
        app.UseWhen(ctx => !IsApi(ctx), ui =>
        {
            if (!app.Environment.IsDevelopment())
                ui.UseExceptionHandler("/error", createScopeForErrors: true);
        });
        // a page per status for people: GETs re-execute it in place; a refused form post is redirected to it
        // (re-executing a POST would read the refused form again); htmx calls get the bare status and a toast (site.js)
        app.UseWhen(ctx => !IsApi(ctx) && !ctx.Request.Headers.ContainsKey("HX-Request") && HttpMethods.IsGet(ctx.Request.Method),
            ui => ui.UseStatusCodePagesWithReExecute("/status/{0}", createScopeForStatusCodePages: true));
        app.UseWhen(ctx => !IsApi(ctx) && !ctx.Request.Headers.ContainsKey("HX-Request") && !HttpMethods.IsGet(ctx.Request.Method),
            ui => ui.UseStatusCodePagesWithRedirects("/status/{0}"));
        // a page's typed query value that does not parse (?page=abc) is the visitor's mistake, not a 500
        app.UseWhen(ctx => !IsApi(ctx), ui => ui.Use(async (ctx, next) =>
        {
            try
            {
                await next(ctx);
            }
            catch (InvalidOperationException e) when (IsUnreadableQueryValue(e) && !ctx.Response.HasStarted)
            {
                ctx.Response.Clear();
                ctx.Response.StatusCode = StatusCodes.Status400BadRequest;
            }
        }));
        // routing again after the status-code branch, so a re-executed /not-found request finds its page
        app.UseRouting();
        // only endpoints that name a CORS policy answer other origins (the public web form: its allowed origins)
        app.UseCors();
        app.UseRateLimiter();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseAntiforgery();
        app.UseAntiforgeryRefusal();
        return app;
    }

    /// <summary>Blazor's <c>[SupplyParameterFromQuery]</c> could not convert a value (its own exception, thrown by its URL parser).</summary>
    private static bool IsUnreadableQueryValue(InvalidOperationException e) =>
        e.TargetSite?.DeclaringType?.FullName?.StartsWith("Microsoft.AspNetCore.Components.Routing.UrlValueConstraint", StringComparison.Ordinal) == true;

    public static bool IsApi(HttpContext ctx) => ctx.Request.Path.StartsWithSegments("/api");
}

using Leadline.Common.Security;
using Scalar.AspNetCore;

namespace Leadline.Common.Api;

/// <summary>The OpenAPI description of the REST API at /openapi/v1.json and its reference page at /api/docs.</summary>
public static class ApiDocs
{
    public static IServiceCollection AddApiDocs(this IServiceCollection services) =>
        // the API only: the pages' form posts and htmx fragments are no part of the contract
        services.AddOpenApi(o => o.ShouldInclude = d => d.RelativePath?.StartsWith("api/", StringComparison.Ordinal) == true);

    public static WebApplication MapApiDocs(this WebApplication app)
    {
        app.MapOpenApi();
        // Scalar's script is served from the package itself; no web fonts, telemetry, AI agent, MCP or developer toolbar
        // (links to Scalar's cloud), so the page works offline
        app.MapScalarApiReference("/api/docs", (options, http) => options
            .WithTitle("Leadline API")
            .WithOpenApiRoutePattern("/openapi/{documentName}.json")
            .WithNonce(SecurityHeaders.Nonce(http))
            .DisableDefaultFonts()
            .DisableTelemetry()
            .DisableAgent()
            .DisableMcp()
            .HideDeveloperTools())
            .WithMetadata(new SecurityHeaders.AllowInlineStyles());
        return app;
    }
}

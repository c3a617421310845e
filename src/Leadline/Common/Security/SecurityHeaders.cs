using System.Security.Cryptography;

namespace Leadline.Common.Security;

/// <summary>
/// Browser protections on every response (pages, API, static files): a Content-Security-Policy that runs only the app's own
/// script files and scripts carrying this request's nonce, no framing, no MIME sniffing, and the origin alone as referrer.
/// </summary>
public static class SecurityHeaders
{
    private const string NonceKey = "Leadline.CspNonce";

    /// <summary>This request's CSP nonce, for an inline script or style element that has to be there.</summary>
    public static string Nonce(HttpContext http) => (string)http.Items[NonceKey]!;

    /// <summary>
    /// Endpoint metadata for a page whose script injects &lt;style&gt; elements without the nonce (the API reference);
    /// its scripts still need the nonce.
    /// </summary>
    public sealed class AllowInlineStyles;

    /// <summary>The policy for a response whose nonce is given.</summary>
    public static string ContentSecurityPolicy(string nonce, bool inlineStyles = false) =>
        "default-src 'self'; " +
        $"script-src 'self' 'nonce-{nonce}'; " +
        (inlineStyles ? "style-src 'self' 'unsafe-inline'; " : $"style-src 'self' 'nonce-{nonce}'; ") +
        // style="..." attributes of the markup (widths, a stage's colour); they run no script
        "style-src-attr 'unsafe-inline'; " +
        // Bootstrap draws its form controls with data: SVG images
        "img-src 'self' data:; " +
        "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) => app.Use(async (http, next) =>
    {
        // base64url: no + or / that HTML would write as entities
        var nonce = System.Buffers.Text.Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(16));
        http.Items[NonceKey] = nonce;
        // set as the response starts: the exception handler and the status pages clear headers set before them
        http.Response.OnStarting(() =>
        {
            var headers = http.Response.Headers;
            headers.ContentSecurityPolicy = ContentSecurityPolicy(nonce, http.GetEndpoint()?.Metadata.GetMetadata<AllowInlineStyles>() is not null);
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers["Referrer-Policy"] = "strict-origin-when-cross-origin";
            return Task.CompletedTask;
        });
        await next(http);
    });
}

using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;

namespace Leadline.Common.Forms;

/// <summary>
/// A one-time message from a form post to the page it redirects to: the endpoint leaves it in a short-lived, protected
/// cookie for that page's path, and the page (<c>FlashMessage</c>) reads it once. Unlike <c>?error=…</c> in the address,
/// a link cannot put text on a Leadline page this way.
/// </summary>
public static class Flash
{
    private const string Cookie = "leadline.flash";
    private const string Purpose = "Leadline.Flash";

    // a browser drops a cookie over 4 KB without a word; the protected text grows by about a half
    private const int MaxLength = 1500;

    /// <summary>Redirects to <paramref name="url"/> (a local URL) and shows <paramref name="message"/> there.</summary>
    public static FlashRedirect Redirect(string url, string message) =>
        new FlashRedirect(url, message.Length <= MaxLength ? message : message[..MaxLength] + "…");

    /// <summary>The message left for this page, or null; it is shown once.</summary>
    public static string? Take(HttpContext http)
    {
        if (!http.Request.Cookies.TryGetValue(Cookie, out var value))
            return null;
        http.Response.Cookies.Delete(Cookie, Options(http, http.Request.Path));
        try
        {
            return Protector(http).Unprotect(value);
        }
        catch (CryptographicException)
        {
            return null;   // not ours (or from before a key change): show nothing
        }
    }

    private static IDataProtector Protector(HttpContext http) =>
        http.RequestServices.GetRequiredService<IDataProtectionProvider>().CreateProtector(Purpose);

    private static CookieOptions Options(HttpContext http, string path) => new()
    {
        Path = path,
        HttpOnly = true,
        Secure = http.Request.IsHttps,
        SameSite = SameSiteMode.Lax,
        IsEssential = true,
        MaxAge = TimeSpan.FromMinutes(1),
    };

    /// <summary>The redirect with its message, a result type of its own so handlers can name it in <c>Results&lt;…&gt;</c>.</summary>
    public sealed class FlashRedirect(string url, string message) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            var path = url.Split('?', '#')[0];
            httpContext.Response.Cookies.Append(Cookie, Protector(httpContext).Protect(message), Options(httpContext, path));
            return Results.LocalRedirect(url).ExecuteAsync(httpContext);
        }
    }
}

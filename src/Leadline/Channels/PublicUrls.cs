using Microsoft.Extensions.Options;

namespace Leadline.Channels;

/// <summary><c>Leadline:PublicBaseUrl</c>: the address people and providers reach this app at (behind a proxy, the proxy's).</summary>
public sealed class PublicUrlOptions
{
    /// <summary>E.g. <c>https://crm.example.com</c>; unset, a URL is only known while a request is being answered.</summary>
    public string? PublicBaseUrl { get; set; }
}

/// <summary>
/// Absolute URLs of this app for providers: a status callback Twilio posts to, the URL Twilio signed. Behind a proxy the
/// request's own scheme and host are the proxy's upstream ones, so the configured public base URL is what counts.
/// </summary>
public sealed class PublicUrls(IOptions<PublicUrlOptions> options)
{
    public string? BaseUrl => string.IsNullOrWhiteSpace(options.Value.PublicBaseUrl) ? null : options.Value.PublicBaseUrl.Trim().TrimEnd('/');

    /// <summary>The absolute URL of <paramref name="path"/> (starting with "/"), or null without a configured base URL.</summary>
    public string? Absolute(string path) => BaseUrl is { } b ? b + path : null;

    /// <summary>
    /// The URLs a provider may have requested to reach this request: the public base URL's, and the request's own (its
    /// scheme and host as the server saw them, after any forwarded-headers handling).
    /// </summary>
    public IEnumerable<string> RequestUrls(HttpRequest request)
    {
        var pathAndQuery = $"{request.PathBase}{request.Path}{request.QueryString}";
        if (BaseUrl is { } b)
            yield return b + $"{request.Path}{request.QueryString}";
        yield return $"{request.Scheme}://{request.Host}{pathAndQuery}";
    }
}

namespace Leadline.Common;

public static class Websites
{
    /// <summary>The host of a typed web address ("www.Example.com/x" → "example.com"), or null if it is not one.</summary>
    public static string? Domain(string? typed)
    {
        if (string.IsNullOrWhiteSpace(typed) || typed.Contains(' ', StringComparison.Ordinal))
            return null;
        var text = typed.Trim();
        if (!text.Contains("://", StringComparison.Ordinal))
            text = "https://" + text;
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            return null;
        var host = uri.Host.ToLowerInvariant();
        if (host.StartsWith("www.", StringComparison.Ordinal))
            host = host[4..];
        return host.Contains('.', StringComparison.Ordinal) && !host.EndsWith('.') ? host : null;
    }
}

namespace Leadline.Common.Api;

/// <summary>
/// Optimistic concurrency over HTTP for any versioned row: its version as a strong ETag, and the version an If-Match
/// header names. Every feature answering with a versioned row (leads, the board's move, a merge) sets it through here.
/// </summary>
public static class ETags
{
    public static string Of(int version) => $"\"{version}\"";

    public static void Set(HttpContext http, int version)
    {
        ArgumentNullException.ThrowIfNull(http);
        http.Response.Headers.ETag = Of(version);
    }

    /// <summary>The version in an ETag we wrote (a weak one too: W/"3"); false for anything else.</summary>
    public static bool TryParse(string value, out int version)
    {
        ArgumentNullException.ThrowIfNull(value);
        var v = value.Trim();
        if (v.StartsWith("W/", StringComparison.Ordinal))
            v = v[2..];
        return int.TryParse(v.Trim('"'), out version);
    }
}

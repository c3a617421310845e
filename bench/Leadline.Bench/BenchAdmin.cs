using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Leadline.Bench;

/// <summary>The bench workspace's admin (<see cref="BenchDatabase.PrepareAsync"/>), and the two ways a client signs in as them.</summary>
internal static class BenchAdmin
{
    public const string Email = "bench-admin@example.com";
    public const string Password = "Bench-Passw0rd-1";

    /// <summary>As a browser does: the sign-in form with its antiforgery token; the client keeps the cookie.</summary>
    public static async Task SignInAsync(HttpClient browser, CancellationToken ct)
    {
        var page = await browser.GetStringAsync("/login", ct);
        var token = System.Text.RegularExpressions.Regex.Match(page, "name=\"__RequestVerificationToken\"[^>]*value=\"([^\"]+)\"").Groups[1].Value;
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "login", ["__RequestVerificationToken"] = token, ["Input.Email"] = Email, ["Input.Password"] = Password,
        });
        using var response = await browser.PostAsync("/login", form, ct);
        if ((int)response.StatusCode != 302 || response.Headers.Location?.OriginalString.Contains("login", StringComparison.Ordinal) == true)
            throw new InvalidOperationException($"The bench admin could not sign in: {(int)response.StatusCode} {response.Headers.Location}");
    }

    /// <summary>As an API client does: a bearer token from <c>/api/v1/auth/token</c>, set on the client.</summary>
    public static async Task AuthorizeAsync(HttpClient client, CancellationToken ct)
    {
        using var login = await client.PostAsJsonAsync("/api/v1/auth/token", new { email = Email, password = Password }, ct);
        login.EnsureSuccessStatusCode();
        var token = (await login.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("accessToken").GetString();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
    }
}

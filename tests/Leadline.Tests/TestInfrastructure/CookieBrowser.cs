using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Leadline.Tests.TestInfrastructure;

/// <summary>A browser-like client for the pages: cookies kept, redirects not followed, forms posted with their antiforgery token.</summary>
public static partial class CookieBrowser
{
    public static HttpClient Open(LeadlineApp app) =>
        app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

    /// <summary>The antiforgery token of a rendered form (the cookie half travels with the client).</summary>
    public static string AntiforgeryToken(string html) => Token().Match(html).Groups[1].Value;

    /// <summary>Signs in through the sign-in form and returns the signed-in client.</summary>
    public static async Task<HttpClient> SignInAsync(LeadlineApp app, string email, string password = TestWorkspace.Password)
    {
        var client = Open(app);
        var page = await client.GetStringAsync("/login");
        var response = await client.PostAsync("/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "login", ["__RequestVerificationToken"] = AntiforgeryToken(page), ["Input.Email"] = email, ["Input.Password"] = password,
        }));
        Assert.True(response.StatusCode == HttpStatusCode.Redirect && response.Headers.Location?.OriginalString.Contains("login", StringComparison.Ordinal) != true,
            $"sign-in of {email}: {(int)response.StatusCode} {response.Headers.Location}");
        return client;
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\"[^>]*value=\"([^\"]+)\"")]
    private static partial Regex Token();
}

using Leadline.EndToEnd.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Leadline.EndToEnd;

/// <summary>What every page shares: its assets, the front-end stack, and the not-found page.</summary>
public sealed class ShellTests(AdminServer server) : BrowserTest(server), IClassFixture<AdminServer>
{
    [Fact]
    public async Task Every_page_loads_all_its_stylesheets_and_scripts()
    {
        var page = await OpenPageAsync();
        var scripts = new List<string>();
        page.Request += (_, r) =>
        {
            if (r.ResourceType == "script")
                scripts.Add(r.Url);
        };

        await page.GotoAsync("/login");
        await ShotAsync(page, "1-login");
        await SubmitLoginAsync(page, AdminServer.AdminEmail, AdminServer.AdminPassword);
        foreach (var path in new[] { "/", "/settings", "/settings/users", "/settings/workspace" })
        {
            await page.GotoAsync(path);
            await Expect(page.Locator("nav.navbar")).ToBeVisibleAsync();
        }

        // static SSR + htmx + Bootstrap: no Blazor script, htmx and Bootstrap present
        Assert.DoesNotContain(scripts, s => s.Contains("blazor", StringComparison.OrdinalIgnoreCase));
        Assert.True(await page.EvaluateAsync<bool>("() => window.Blazor === undefined && typeof htmx === 'object' && typeof bootstrap === 'object'"));
        // the icon font is there (the navbar brand icon has a real width)
        Assert.True(await page.Locator(".navbar-brand .bi").EvaluateAsync<double>("e => e.getBoundingClientRect().width") > 0);

        AssertNothingBroke();
    }

    [Fact]
    public async Task An_unknown_address_shows_the_not_found_page()
    {
        var page = await OpenPageAsync();
        await SignInAsAdminAsync(page);

        var response = await page.APIRequest.GetAsync("/no-such-page");
        Assert.Equal(404, response.Status);
        var body = await response.TextAsync();
        Assert.True(body.Contains("This page does not exist", StringComparison.Ordinal),
            $"GET /no-such-page answered 404 with {body.Length} characters of body instead of the not-found page (Common/Pages/NotFound.razor).");

        await page.GotoAsync("/no-such-page");
        await Expect(page.Locator("h1")).ToHaveTextAsync("This page does not exist");
        await ShotAsync(page, "1-not-found");
    }

    [Fact]
    public async Task The_api_reference_renders_offline_under_the_content_security_policy()
    {
        var page = await OpenPageAsync();
        var requests = new List<string>();
        page.Request += (_, r) => requests.Add(r.Url);

        await page.GotoAsync("/api/docs");

        await Expect(page.GetByRole(Microsoft.Playwright.AriaRole.Heading, new() { Name = "Leadline | v1" })).ToBeVisibleAsync();
        // the groups after the first are collapsed: open the leads
        await page.GetByRole(Microsoft.Playwright.AriaRole.Link, new() { Name = "Leads", Exact = true }).First.ClickAsync();
        await Expect(page.GetByText("/api/v1/leads").First).ToBeAttachedAsync();
        await ShotAsync(page, "1-api-reference");
        // everything from the app itself: no CDN, no web fonts, no telemetry
        Assert.All(requests, url => Assert.StartsWith(Server.BaseUrl.TrimEnd('/'), url, StringComparison.Ordinal));
        AssertNothingBroke();
    }
}

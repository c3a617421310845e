using System.Text.RegularExpressions;
using Leadline.EndToEnd.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Leadline.EndToEnd;

/// <summary>An empty database: the one-time setup page creates the first workspace and admin.</summary>
public sealed class FirstRunSetupTests(EmptyServer server) : BrowserTest(server), IClassFixture<EmptyServer>
{
    [Fact]
    public async Task First_visit_goes_to_setup_which_validates_creates_the_admin_and_then_disappears()
    {
        var page = await OpenPageAsync();

        // 1 a fresh install has nobody to sign in: / -> /login -> /setup
        await page.GotoAsync("/");
        await Expect(page).ToHaveURLAsync(PathIs("/setup"));
        await Expect(page.Locator("h1")).ToHaveTextAsync("Welcome to Leadline");
        await ShotAsync(page, "1-empty");

        // 2 an empty form stays on /setup with an inline error under the workspace name
        await page.ClickAsync("#setup-submit");
        await Expect(page).ToHaveURLAsync(PathIs("/setup"));
        await Expect(page.Locator(".invalid-feedback[data-field=name]")).ToHaveTextAsync("Workspace name is required.");
        await Expect(page.Locator("#workspace-name")).ToHaveClassAsync(new Regex(@"\bis-invalid\b"));
        await ShotAsync(page, "2-empty-submitted");

        // 3 a mail host without a dot (passes the browser's type=email check) and a weak password: errors under both,
        //   what was typed stays (except the password)
        const string workspace = "Northwind Traders";
        await page.FillAsync("#workspace-name", workspace);
        await page.SelectOptionAsync("#workspace-time-zone", "Europe/Berlin");
        await page.SelectOptionAsync("#workspace-country", "DE");
        await page.FillAsync("#admin-name", "Ada Lovelace");
        await page.FillAsync("#admin-email", "ada@localhost");
        await page.FillAsync("#admin-password", "weak");
        await page.ClickAsync("#setup-submit");
        await Expect(page).ToHaveURLAsync(PathIs("/setup"));
        await Expect(page.Locator(".invalid-feedback[data-field=adminEmail]")).ToHaveTextAsync("Enter a valid e-mail address.");
        await Expect(page.Locator(".invalid-feedback[data-field=adminPassword]").First).ToBeVisibleAsync();
        await Expect(page.Locator(".invalid-feedback[data-field=name]")).ToHaveCountAsync(0);
        await Expect(page.Locator("#workspace-name")).ToHaveValueAsync(workspace);
        await Expect(page.Locator("#workspace-time-zone")).ToHaveValueAsync("Europe/Berlin");
        await Expect(page.Locator("#workspace-country")).ToHaveValueAsync("DE");
        await Expect(page.Locator("#admin-email")).ToHaveValueAsync("ada@localhost");
        await Expect(page.Locator("#admin-password")).ToHaveValueAsync("");
        await ShotAsync(page, "3-invalid-admin");

        // 4 valid: signed in as the new admin, on the start page of the new workspace
        await page.FillAsync("#admin-email", "ada@northwind.example.com");
        await page.FillAsync("#admin-password", "Analytical1Engine");
        await page.ClickAsync("#setup-submit");
        await Expect(page).ToHaveURLAsync(PathIs("/"));
        await Expect(page.Locator("nav #workspace-name")).ToHaveTextAsync(workspace);
        await Expect(page.Locator("#user-menu")).ToContainTextAsync("Ada Lovelace");
        await Expect(page.Locator("h1")).ToHaveTextAsync(new Regex("^Good (morning|afternoon|evening), Ada$"));
        await Expect(page.Locator("main")).ToContainTextAsync("(Europe/Berlin)");
        await Expect(page.Locator("[data-figure=active-users]")).ToHaveTextAsync("1");
        await Expect(page.Locator("[data-figure=role-admin]")).ToHaveTextAsync("1");
        await page.ClickAsync("#user-menu");
        await Expect(page.Locator("#user-role")).ToHaveTextAsync("Admin");
        await ShotAsync(page, "4-home");

        // 5 setup is one-time: signed in, /setup -> /login -> /; signed out (a new person), /setup -> /login
        await page.GotoAsync("/setup");
        await Expect(page).ToHaveURLAsync(PathIs("/"));
        var stranger = await OpenPageAsync();
        await stranger.GotoAsync("/setup");
        await Expect(stranger).ToHaveURLAsync(PathIs("/login"));
        await Expect(stranger.Locator("#login-form")).ToBeVisibleAsync();
        await ShotAsync(stranger, "5-setup-gone");

        // 6 the admin made at setup can sign in with the password chosen there
        await SubmitLoginAsync(stranger, "ada@northwind.example.com", "Analytical1Engine");
        await Expect(stranger).ToHaveURLAsync(PathIs("/"));
        await Expect(stranger.Locator("nav #workspace-name")).ToHaveTextAsync(workspace);

        AssertNothingBroke();
    }
}

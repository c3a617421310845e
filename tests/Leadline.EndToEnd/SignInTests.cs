using System.Globalization;
using System.Text.RegularExpressions;
using Leadline.EndToEnd.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Leadline.EndToEnd;

/// <summary>Sign-in, the shell and sign-out, with the first admin created from settings at start.</summary>
public sealed class SignInTests(AdminServer server) : BrowserTest(server), IClassFixture<AdminServer>
{
    [Fact]
    public async Task Wrong_password_shows_an_error_and_keeps_the_email()
    {
        var page = await OpenPageAsync();
        await page.GotoAsync("/login");
        await Expect(page.Locator("#login-email")).ToBeFocusedAsync();
        await page.FillAsync("#login-email", AdminServer.AdminEmail);
        await page.FillAsync("#login-password", "Not-the-Passw0rd");
        await page.ClickAsync("#login-submit");

        await Expect(page.Locator("#login-error")).ToContainTextAsync("Invalid e-mail or password.");
        await Expect(page).ToHaveURLAsync(LoginUrl());
        await Expect(page.Locator("#login-email")).ToHaveValueAsync(AdminServer.AdminEmail);
        await Expect(page.Locator("#login-password")).ToHaveValueAsync("");
        await Expect(page.Locator("nav.navbar, #user-menu")).ToHaveCountAsync(0);
        await ShotAsync(page, "1-error");

        // an unknown address gets the very same message (no account enumeration)
        await page.FillAsync("#login-email", NewEmail("nobody"));
        await page.FillAsync("#login-password", "Whatever12345");
        await page.ClickAsync("#login-submit");
        await Expect(page.Locator("#login-error")).ToContainTextAsync("Invalid e-mail or password.");

        AssertNothingBroke();
    }

    [Fact]
    public async Task Admin_signs_in_sees_the_shell_and_signs_out()
    {
        var page = await OpenPageAsync();

        // signed out, / goes to the sign-in page and remembers where it was going
        await page.GotoAsync("/");
        await Expect(page).ToHaveURLAsync(new Regex(@"/login\?ReturnUrl=%2F$"));
        await ShotAsync(page, "1-login");

        await SubmitLoginAsync(page, AdminServer.AdminEmail, AdminServer.AdminPassword);
        await Expect(page).ToHaveURLAsync(PathIs("/"));

        // the shell: navbar with brand, nav links, workspace name and the user menu
        await Expect(page.Locator("nav.navbar .navbar-brand")).ToContainTextAsync("Leadline");
        await Expect(page.Locator("#main-nav .nav-link", new() { HasText = "Home" })).ToBeVisibleAsync();
        await Expect(page.Locator("#main-nav .nav-link", new() { HasText = "Settings" })).ToBeVisibleAsync();
        await Expect(page.Locator("nav #workspace-name")).ToHaveTextAsync(AdminServer.WorkspaceName);
        await Expect(page.Locator("#user-menu")).ToContainTextAsync(AdminServer.AdminName);
        await Expect(page.Locator("#user-menu .avatar")).ToHaveTextAsync("GH");
        await Expect(page.Locator("h1")).ToHaveTextAsync(new Regex("^Good (morning|afternoon|evening), Grace$"));

        // home figures: at least this admin is active
        var active = page.Locator("[data-figure=active-users]");
        await Expect(active).ToHaveTextAsync(new Regex(@"^\d+$"));
        Assert.True(int.Parse(await active.InnerTextAsync(), CultureInfo.InvariantCulture) >= 1);
        await Expect(page.Locator("[data-figure=role-admin]")).ToHaveTextAsync(new Regex("^[1-9]"));
        await Expect(page.Locator("[data-figure=role-manager]")).ToBeVisibleAsync();
        await Expect(page.Locator("[data-figure=role-agent]")).ToBeVisibleAsync();
        await ShotAsync(page, "2-home");

        // the user menu holds the role and the sign-out button
        await page.ClickAsync("#user-menu");
        await Expect(page.Locator("#user-role")).ToHaveTextAsync("Admin");
        await Expect(page.Locator("#user-dropdown")).ToContainTextAsync(AdminServer.AdminEmail);
        await ShotAsync(page, "3-user-menu");
        await page.ClickAsync("#sign-out");
        await Expect(page).ToHaveURLAsync(new Regex(@"/login\?signedOut=1$"));
        await Expect(page.GetByRole(Microsoft.Playwright.AriaRole.Status)).ToHaveTextAsync("You are signed out.");
        await ShotAsync(page, "4-signed-out");

        // the session is really gone
        await page.GotoAsync("/");
        await Expect(page).ToHaveURLAsync(new Regex(@"/login\?ReturnUrl=%2F$"));
        await Expect(page.Locator("#user-menu")).ToHaveCountAsync(0);

        AssertNothingBroke();
    }

    [Fact]
    public async Task Sign_in_returns_to_the_page_that_was_asked_for()
    {
        var page = await OpenPageAsync();
        await page.GotoAsync("/settings/users");
        await Expect(page).ToHaveURLAsync(new Regex(@"/login\?ReturnUrl=%2Fsettings%2Fusers$"));

        await SubmitLoginAsync(page, AdminServer.AdminEmail, AdminServer.AdminPassword);
        await Expect(page).ToHaveURLAsync(PathIs("/settings/users"));
        await Expect(page.Locator("#users-table")).ToBeVisibleAsync();
        await Expect(UserRow(page, AdminServer.AdminEmail)).ToContainTextAsync("you");
        await ShotAsync(page, "1-users");

        AssertNothingBroke();
    }

    [Fact]
    public async Task Sign_in_ignores_a_return_url_to_another_site()
    {
        var page = await OpenPageAsync();
        await page.GotoAsync("/login?ReturnUrl=%2F%2Fevil.example.com%2Fphish");
        await SubmitLoginAsync(page, AdminServer.AdminEmail, AdminServer.AdminPassword);
        await Expect(page).ToHaveURLAsync(PathIs("/"));
        await ShotAsync(page, "1-home");

        AssertNothingBroke();
    }
}

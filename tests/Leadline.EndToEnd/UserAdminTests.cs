using System.Text.RegularExpressions;
using Leadline.EndToEnd.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Leadline.EndToEnd;

/// <summary>Settings → Users: creating users, changing roles, deactivating, and what an Agent may see.</summary>
public sealed class UserAdminTests(AdminServer server) : BrowserTest(server), IClassFixture<AdminServer>
{
    private const string Password = "Agent!Passw0rd#2";

    [Fact]
    public async Task Admin_creates_an_agent_who_cannot_open_settings()
    {
        var admin = await OpenPageAsync();
        await SignInAsAdminAsync(admin);
        await admin.ClickAsync("#main-nav .nav-link:has-text('Settings')");
        await Expect(admin).ToHaveURLAsync(PathIs("/settings"));
        await ShotAsync(admin, "1-settings");
        await admin.ClickAsync("a.settings-card[href='/settings/users']");
        await Expect(admin).ToHaveURLAsync(PathIs("/settings/users"));

        // the form is collapsed until asked for
        await Expect(admin.Locator("#new-user-form")).Not.ToBeVisibleAsync();
        await admin.ClickAsync("#new-user-toggle");
        await Expect(admin.Locator("#new-user-form")).ToBeVisibleAsync();
        await ShotAsync(admin, "2-form-open");

        // a weak password: inline error under the password, the form stays open with what was typed
        var email = NewEmail("agent");
        await admin.FillAsync("#new-user-name", "Alan Agent");
        await admin.FillAsync("#new-user-email", email);
        await admin.SelectOptionAsync("#new-user-role", "Agent");
        await admin.FillAsync("#new-user-password", "short");
        await admin.ClickAsync("#new-user-submit");
        await Expect(admin.Locator(".invalid-feedback[data-field=password]").First).ToBeVisibleAsync();
        await Expect(admin.Locator("#new-user-password")).ToHaveClassAsync(new Regex(@"\bis-invalid\b"));
        await Expect(admin.Locator("#new-user-form")).ToBeVisibleAsync();
        await Expect(admin.Locator("#new-user-name")).ToHaveValueAsync("Alan Agent");
        await Expect(admin.Locator("#new-user-email")).ToHaveValueAsync(email);
        await Expect(admin.Locator("#new-user-role")).ToHaveValueAsync("Agent");
        await Expect(admin.Locator("#user-created")).ToHaveCountAsync(0);
        await Expect(UserRow(admin, email)).ToHaveCountAsync(0);
        await ShotAsync(admin, "3-weak-password");

        // valid: confirmation, the form closes, the new row shows the role
        await admin.FillAsync("#new-user-password", Password);
        await admin.ClickAsync("#new-user-submit");
        await Expect(admin.Locator("#user-created")).ToHaveTextAsync($"{email} can now sign in.");
        await Expect(admin.Locator("#new-user-form")).Not.ToBeVisibleAsync();
        var row = UserRow(admin, email);
        await Expect(row).ToContainTextAsync("Alan Agent");
        await Expect(row.Locator("select[name=role]")).ToHaveValueAsync("Agent");
        await Expect(row).ToContainTextAsync("Active");
        await Expect(row).ToContainTextAsync("never");
        await ShotAsync(admin, "4-created");
        await SignOutAsync(admin);

        // the agent, in a browser of their own: no Settings link, and Settings pages are denied
        var agent = await OpenPageAsync();
        await SignInAsync(agent, email, Password);
        await Expect(agent).ToHaveURLAsync(PathIs("/"));
        await Expect(agent.Locator("#user-menu")).ToContainTextAsync("Alan Agent");
        await Expect(agent.Locator("#main-nav .nav-link", new() { HasText = "Home" })).ToBeVisibleAsync();
        await Expect(agent.Locator("#main-nav .nav-link", new() { HasText = "Settings" })).ToHaveCountAsync(0);
        await Expect(agent.Locator("a[href='/settings/users']")).ToHaveCountAsync(0);
        await agent.ClickAsync("#user-menu");
        await Expect(agent.Locator("#user-role")).ToHaveTextAsync("Agent");
        await ShotAsync(agent, "5-agent-home");

        await agent.GotoAsync("/settings/users");
        await Expect(agent).ToHaveURLAsync(new Regex(@"/access-denied(\?.*)?$"));
        await Expect(agent.Locator("h1")).ToHaveTextAsync("You do not have access to this page");
        await Expect(agent.Locator("#users-table")).ToHaveCountAsync(0);
        await ShotAsync(agent, "6-access-denied");

        await agent.GotoAsync("/settings/workspace");
        await Expect(agent.Locator("h1")).ToHaveTextAsync("You do not have access to this page");
        await Expect(agent.Locator("#workspace-form")).ToHaveCountAsync(0);

        AssertNothingBroke();
    }

    [Fact]
    public async Task Admin_changes_a_role_and_deactivates_a_user_who_then_cannot_sign_in()
    {
        var admin = await OpenPageAsync();
        await SignInAsAdminAsync(admin);
        var email = NewEmail("leaver");
        var row = await CreateUserAsync(admin, "Lee Leaver", email, "Agent", Password);

        // role: the select posts on change and the row is swapped in place
        var role = await admin.RunAndWaitForResponseAsync(
            () => row.Locator("select[name=role]").SelectOptionAsync("Manager"),
            r => r.Request.Method == "POST" && r.Url.EndsWith("/role", StringComparison.Ordinal));
        Assert.Equal(200, role.Status);
        await Expect(row.Locator("select[name=role]")).ToHaveValueAsync("Manager");
        await Expect(row.Locator("[role=alert]")).ToHaveCountAsync(0);
        await admin.ReloadAsync();
        await Expect(row.Locator("select[name=role]")).ToHaveValueAsync("Manager");
        await ShotAsync(admin, "1-role-changed");

        // deactivate: the browser asks first; accepting posts and re-renders the row
        string? question = null;
        admin.Dialog += (_, dialog) =>
        {
            question = dialog.Message;
            _ = dialog.AcceptAsync();
        };
        var deactivate = await admin.RunAndWaitForResponseAsync(
            () => row.GetByRole(AriaRole.Button, new() { Name = "Deactivate" }).ClickAsync(),
            r => r.Request.Method == "POST" && r.Url.EndsWith("/active", StringComparison.Ordinal));
        Assert.Equal(200, deactivate.Status);
        Assert.StartsWith("Deactivate Lee Leaver?", question, StringComparison.Ordinal);
        await Expect(row).ToContainTextAsync("Deactivated");
        await Expect(row.GetByRole(AriaRole.Button, new() { Name = "Reactivate" })).ToBeVisibleAsync();
        await admin.ReloadAsync();
        await Expect(row).ToContainTextAsync("Deactivated");
        await Expect(row).ToHaveClassAsync(new Regex(@"\btable-secondary\b"));
        await Expect(row.Locator("select[name=role]")).ToHaveValueAsync("Manager");
        await ShotAsync(admin, "2-deactivated");

        // the deactivated user's right password no longer works
        var leaver = await OpenPageAsync();
        await leaver.GotoAsync("/login");
        await leaver.FillAsync("#login-email", email);
        await leaver.FillAsync("#login-password", Password);
        await leaver.ClickAsync("#login-submit");
        await Expect(leaver.Locator("#login-error")).ToContainTextAsync("Invalid e-mail or password.");
        await Expect(leaver).ToHaveURLAsync(LoginUrl());
        await leaver.GotoAsync("/");
        await Expect(leaver).ToHaveURLAsync(LoginUrl());
        await ShotAsync(leaver, "3-login-refused");

        AssertNothingBroke();
    }

    [Fact]
    public async Task Admin_cannot_demote_or_deactivate_themselves()
    {
        var admin = await OpenPageAsync();
        await SignInAsAdminAsync(admin);
        await admin.GotoAsync("/settings/users");
        var self = UserRow(admin, AdminServer.AdminEmail);
        await Expect(self).ToContainTextAsync("you");
        await Expect(self.Locator("select[name=role]")).ToBeDisabledAsync();
        await Expect(self.GetByRole(AriaRole.Button)).ToHaveCountAsync(0);
        await ShotAsync(admin, "1-own-row");

        AssertNothingBroke();
    }
}

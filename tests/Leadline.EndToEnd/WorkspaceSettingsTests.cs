using Leadline.EndToEnd.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Leadline.EndToEnd;

/// <summary>Settings → Workspace: this workspace's settings, and a second workspace that is invisible from the first.</summary>
public sealed class WorkspaceSettingsTests(AdminServer server) : BrowserTest(server), IClassFixture<AdminServer>
{
    [Fact]
    public async Task Admin_changes_the_time_zone_and_it_is_kept()
    {
        var page = await OpenPageAsync();
        await SignInAsAdminAsync(page);
        await page.GotoAsync("/settings/workspace");
        var form = page.Locator("#workspace-form");
        await Expect(form.Locator("#workspace-name")).ToHaveValueAsync(AdminServer.WorkspaceName);
        await Expect(form.Locator("#workspace-time-zone")).ToHaveValueAsync("UTC");
        await Expect(form.Locator("#workspace-country")).ToHaveValueAsync("US");
        await ShotAsync(page, "1-before");

        await form.Locator("#workspace-time-zone").SelectOptionAsync("Europe/Berlin");
        await form.Locator("#workspace-country").SelectOptionAsync("DE");
        await page.ClickAsync("#workspace-save");
        await Expect(page.Locator("#workspace-saved")).ToHaveTextAsync("Saved.");
        await ShotAsync(page, "2-saved");

        // a fresh load (not the ?saved=1 redirect) reads the stored values
        await page.GotoAsync("/settings/workspace");
        await Expect(page.Locator("#workspace-saved")).ToHaveCountAsync(0);
        await Expect(form.Locator("#workspace-time-zone")).ToHaveValueAsync("Europe/Berlin");
        await Expect(form.Locator("#workspace-country")).ToHaveValueAsync("DE");
        await Expect(form.Locator("#workspace-name")).ToHaveValueAsync(AdminServer.WorkspaceName);

        // the start page follows the workspace's time zone
        await page.GotoAsync("/");
        await Expect(page.Locator("main")).ToContainTextAsync("(Europe/Berlin)");
        await ShotAsync(page, "3-home");

        AssertNothingBroke();
    }

    [Fact]
    public async Task Settings_form_rejects_an_empty_name_inline()
    {
        var page = await OpenPageAsync();
        await SignInAsAdminAsync(page);
        await page.GotoAsync("/settings/workspace");
        var form = page.Locator("#workspace-form");
        await form.Locator("#workspace-name").FillAsync("   ");
        await page.ClickAsync("#workspace-save");
        await Expect(form.Locator(".invalid-feedback[data-field=name]")).ToHaveTextAsync("Workspace name is required.");
        await Expect(page.Locator("#workspace-saved")).ToHaveCountAsync(0);
        await Expect(page.Locator("#new-workspace-form .invalid-feedback")).ToHaveCountAsync(0);
        await ShotAsync(page, "1-invalid");

        // nothing was stored
        await page.GotoAsync("/settings/workspace");
        await Expect(form.Locator("#workspace-name")).ToHaveValueAsync(AdminServer.WorkspaceName);

        AssertNothingBroke();
    }

    [Fact]
    public async Task A_second_workspace_has_its_own_admin_and_sees_only_its_own_users()
    {
        var admin = await OpenPageAsync();
        await SignInAsAdminAsync(admin);
        await admin.GotoAsync("/settings/workspace");

        var name = $"Globex {Guid.NewGuid().ToString("N")[..6]}";
        var email = NewEmail("hank");
        const string password = "Globex!Passw0rd#3";
        var form = admin.Locator("#new-workspace-form");
        await form.Locator("#workspace-name").FillAsync(name);
        await form.Locator("#workspace-time-zone").SelectOptionAsync("America/New_York");
        await form.Locator("#workspace-country").SelectOptionAsync("US");
        await admin.FillAsync("#new-admin-name", "Hank Scorpio");
        await admin.FillAsync("#new-admin-email", email);
        await admin.FillAsync("#new-admin-password", password);
        await admin.ClickAsync("#new-workspace-submit");
        await Expect(admin.Locator("#workspace-created")).ToContainTextAsync(name);
        // creating another workspace leaves this one as it was
        await Expect(admin.Locator("#workspace-form #workspace-name")).ToHaveValueAsync(AdminServer.WorkspaceName);
        await Expect(admin.Locator("nav #workspace-name")).ToHaveTextAsync(AdminServer.WorkspaceName);
        await ShotAsync(admin, "1-created");

        // the first workspace's users page does not list the other workspace's admin
        await admin.GotoAsync("/settings/users");
        await Expect(UserRow(admin, AdminServer.AdminEmail)).ToBeVisibleAsync();
        await Expect(UserRow(admin, email)).ToHaveCountAsync(0);

        // the new admin, in a browser of their own, is in the new workspace and sees only themselves
        var other = await OpenPageAsync();
        await SignInAsync(other, email, password);
        await Expect(other).ToHaveURLAsync(PathIs("/"));
        await Expect(other.Locator("nav #workspace-name")).ToHaveTextAsync(name);
        await Expect(other.Locator("main")).ToContainTextAsync("(America/New_York)");
        await Expect(other.Locator("[data-figure=active-users]")).ToHaveTextAsync("1");
        await ShotAsync(other, "2-other-home");

        await other.GotoAsync("/settings/users");
        await Expect(other.Locator("#users-table tbody tr")).ToHaveCountAsync(1);
        await Expect(UserRow(other, email)).ToContainTextAsync("Hank Scorpio");
        await Expect(UserRow(other, AdminServer.AdminEmail)).ToHaveCountAsync(0);
        await Expect(other.Locator("h1")).ToContainTextAsync("1");
        await ShotAsync(other, "3-other-users");

        await other.GotoAsync("/settings/workspace");
        await Expect(other.Locator("#workspace-form #workspace-name")).ToHaveValueAsync(name);
        await Expect(other.Locator("#workspace-form #workspace-time-zone")).ToHaveValueAsync("America/New_York");

        AssertNothingBroke();
    }

    [Fact]
    public async Task A_second_workspace_cannot_reuse_an_existing_email()
    {
        var admin = await OpenPageAsync();
        await SignInAsAdminAsync(admin);
        await admin.GotoAsync("/settings/workspace");
        var form = admin.Locator("#new-workspace-form");
        await form.Locator("#workspace-name").FillAsync("Initech");
        await admin.FillAsync("#new-admin-name", "Bill Lumbergh");
        await admin.FillAsync("#new-admin-email", AdminServer.AdminEmail);
        await admin.FillAsync("#new-admin-password", "Initech!Passw0rd#4");
        await admin.ClickAsync("#new-workspace-submit");
        await Expect(form.Locator(".invalid-feedback[data-field=adminEmail]")).ToHaveTextAsync("A user with this e-mail address already exists.");
        await Expect(admin.Locator("#workspace-created")).ToHaveCountAsync(0);
        await Expect(form.Locator("#workspace-name")).ToHaveValueAsync("Initech");
        await Expect(admin.Locator("#new-admin-password")).ToHaveValueAsync("");
        await ShotAsync(admin, "1-conflict");

        AssertNothingBroke();
    }
}

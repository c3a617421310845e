using Leadline.EndToEnd.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Leadline.EndToEnd;

/// <summary>A local number without area code is kept as typed, with a hint in the detail and the form; numbers show in one format.</summary>
public sealed class UnverifiedPhoneTests(AdminServer server) : BrowserTest(server), IClassFixture<AdminServer>
{
    [Fact]
    public async Task A_local_number_is_saved_with_a_hint_and_a_full_one_shows_in_the_workspace_format()
    {
        var page = await OpenPageAsync();
        await SignInAsAdminAsync(page);
        var name = "Lola " + Guid.NewGuid().ToString("N")[..6];

        await page.GotoAsync("/leads/new");
        await page.FillAsync("#lead-name", name);
        await page.FillAsync("#lead-phone", "265-3830");
        await page.FillAsync("#lead-mobile", "+1 202 555 0173");
        await page.ClickAsync("#save-lead");

        await Expect(page.Locator("#lead-saved")).ToHaveTextAsync("Lead created.");
        await Expect(page.Locator("#lead-detail-phone .phone-number")).ToHaveTextAsync("265-3830");
        await Expect(page.Locator("#lead-detail-phone .phone-unverified")).ToContainTextAsync("Could not verify this number: kept as typed; add the country code.");
        await Expect(page.Locator("#lead-detail-mobile .phone-number")).ToHaveTextAsync("(202) 555-0173");   // the workspace's country (US): national
        await Expect(page.Locator("#lead-detail-mobile .phone-unverified")).ToHaveCountAsync(0);
        await ShotAsync(page, "1-detail");

        await page.ClickAsync("#edit-lead");
        await Expect(page.Locator(".phone-unverified[data-field=phone]")).ToContainTextAsync("add the country code");
        await Expect(page.Locator(".phone-unverified[data-field=mobile]")).ToHaveCountAsync(0);
        await ShotAsync(page, "2-form");

        await page.GotoAsync("/leads?q=2653830");
        await Expect(page.Locator("#lead-table .lead-name")).ToHaveTextAsync([name]);
        await Expect(page.Locator("#lead-table .phone-number")).ToHaveTextAsync(["265-3830"]);
    }
}

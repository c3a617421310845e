using Leadline.EndToEnd.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Leadline.EndToEnd;

/// <summary>Archive from the lead page (after a confirmation), find the lead in the Archived view, restore it from there.</summary>
public sealed class LeadArchiveTests(AdminServer server) : BrowserTest(server), IClassFixture<AdminServer>
{
    [Fact]
    public async Task Archive_from_the_lead_page_and_restore_from_the_archived_view()
    {
        var name = "Archie " + Guid.NewGuid().ToString("N")[..6];
        var id = await CreateLeadAsync(name);
        var page = await OpenPageAsync();
        await SignInAsAdminAsync(page);

        await page.GotoAsync($"/leads/{id}");
        await page.ClickAsync("#archive-lead");
        await Expect(page.Locator("#archive-confirm")).ToBeVisibleAsync();
        await ShotAsync(page, "0-confirm");
        await page.ClickAsync("#confirm-archive");
        await Expect(page.Locator("#lead-archived")).ToBeVisibleAsync();
        await Expect(page.Locator("#restore-lead")).ToBeVisibleAsync();
        await Expect(page.Locator("#archive-lead")).ToHaveCountAsync(0);

        // gone from the list, found in the Archived view
        await page.GotoAsync($"/leads?q={Uri.EscapeDataString(name)}");
        await Expect(page.Locator("#no-leads")).ToBeVisibleAsync();
        await page.ClickAsync("[data-filter=archived]");
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("archived=true"));
        var row = page.Locator(".lead-row", new() { HasText = name });
        await Expect(row).ToBeVisibleAsync();
        await ShotAsync(page, "1-archived-view");
        await row.Locator(".restore-lead").ClickAsync();
        await Expect(page.Locator("#lead-notice")).ToContainTextAsync($"{name} is back in the lists.");
        await Expect(page.Locator(".lead-row", new() { HasText = name })).ToHaveCountAsync(0);

        await page.GotoAsync($"/leads?q={Uri.EscapeDataString(name)}");
        await Expect(page.Locator("#lead-table .lead-name")).ToHaveTextAsync([name]);
        await page.GotoAsync($"/leads/{id}?tab=history");
        await Expect(page.Locator("#history-list")).ToContainTextAsync("restored the lead");
        await Expect(page.Locator("#history-list")).ToContainTextAsync("archived the lead");
        await ShotAsync(page, "2-history");
        AssertNothingBroke();
    }
}

using Leadline.EndToEnd.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Leadline.EndToEnd;

/// <summary>
/// A phone's 390 px: no page scrolls sideways, the list's "New lead" stays on screen, the list shows cards, the board is a
/// sideways strip of columns. Screenshots of each page at 390 px and 1366 px go to artifacts/e2e for a look.
/// </summary>
public sealed class PhoneLayoutTests(AdminServer server) : BrowserTest(server), IClassFixture<AdminServer>
{
    [Fact]
    public async Task Main_pages_fit_a_phone_without_sideways_scrolling()
    {
        var leadId = await CreateLeadAsync("Phone Pham Thi Anh Ngoc with a long name " + Guid.NewGuid().ToString("N")[..4], "+49 30 1234567");
        await CreateLeadAsync("Second Sam " + Guid.NewGuid().ToString("N")[..4]);
        var page = await OpenPageAsync();
        await SignInAsAdminAsync(page);
        var paths = new[] { ("home", "/"), ("leads", "/leads"), ("lead", $"/leads/{leadId}"), ("queue", "/queue"), ("board", "/pipeline") };

        await page.SetViewportSizeAsync(390, 844);
        foreach (var (name, path) in paths)
        {
            await page.GotoAsync(path);
            await Expect(page.Locator("main")).ToBeVisibleAsync();
            var width = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth");
            await ShotAsync(page, $"390-{name}");
            Assert.True(width <= 390, $"{path} is {width} px wide at a 390 px viewport: something sticks out sideways.");
        }

        // the list: "New lead" on screen and working, the other actions in "More", the leads as cards
        await page.GotoAsync("/leads");
        await Expect(page.Locator("#import-csv")).ToBeHiddenAsync();
        await Expect(page.Locator(".lead-table-view")).ToBeHiddenAsync();
        await Expect(page.Locator(".lead-card-view .lead-card").First).ToBeVisibleAsync();
        await page.ClickAsync("#lead-actions-more");
        await Expect(page.Locator("#more-import")).ToBeVisibleAsync();
        await page.Keyboard.PressAsync("Escape");
        var newLead = page.Locator("#new-lead");
        await Expect(newLead).ToBeInViewportAsync();
        await newLead.ClickAsync();
        await Expect(page.Locator("#lead-modal #lead-name")).ToBeVisibleAsync();
        await Expect(page.Locator("#lead-modal")).ToHaveAttributeAsync("data-state", "shown");
        await ShotAsync(page, "390-new-lead");

        // the board: one column takes most of the screen, the rest are a swipe away inside the board
        await page.GotoAsync("/pipeline");
        var column = await page.Locator(".board-column-wrap").First.EvaluateAsync<double>("e => e.getBoundingClientRect().width");
        Assert.InRange(column, 390 * 0.6, 390 * 0.95);
        Assert.True(await page.Locator("#board").EvaluateAsync<bool>("b => b.scrollWidth > b.clientWidth"), "The board's columns should scroll sideways inside the board.");

        await page.SetViewportSizeAsync(1366, 900);
        foreach (var (name, path) in paths)
        {
            await page.GotoAsync(path);
            await Expect(page.Locator("main")).ToBeVisibleAsync();
            await ShotAsync(page, $"1366-{name}");
        }
        await page.GotoAsync("/leads");
        await Expect(page.Locator("#import-csv")).ToBeVisibleAsync();
        await Expect(page.Locator("#lead-actions-more")).ToBeHiddenAsync();
        AssertNothingBroke();
    }
}

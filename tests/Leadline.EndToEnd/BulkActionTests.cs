using Leadline.EndToEnd.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Leadline.EndToEnd;

/// <summary>
/// Bulk actions on the lead list: tick three rows, assign an owner, see it, undo it; then select every lead a search
/// matches and tag them all (a background job with a progress line). At 1366 and 390 px (phones tick the cards).
/// </summary>
public sealed class BulkActionTests(AdminServer server) : BrowserTest(server), IClassFixture<AdminServer>
{
    [Fact]
    public async Task Tick_three_rows_assign_an_owner_and_undo_then_tag_all_matching()
    {
        var run = Guid.NewGuid().ToString("N")[..6];
        var ids = new List<int>();
        for (var i = 0; i < 5; i++)
            ids.Add(await CreateLeadAsync($"Bulky {run} {i}"));
        var page = await OpenPageAsync();
        await page.SetViewportSizeAsync(1366, 900);
        await SignInAsAdminAsync(page);
        var list = $"/leads?q=Bulky%20{run}&sort=name";
        await page.GotoAsync(list);
        await Expect(page.Locator("#lead-table .lead-row")).ToHaveCountAsync(5);
        await Expect(page.Locator("#bulk-bar")).ToBeHiddenAsync();

        foreach (var id in ids.Take(3))
            await page.CheckAsync($"tr.lead-row[data-id='{id}'] .lead-select");
        await Expect(page.Locator("#bulk-count")).ToHaveTextAsync("3 selected");
        await Expect(page.Locator("#select-all-rows")).ToHaveJSPropertyAsync("indeterminate", true);
        await page.SelectOptionAsync("#bulk-action", "assignOwner");
        await Expect(page.Locator("#bulk-tag")).ToBeHiddenAsync();
        await page.SelectOptionAsync("#bulk-owner", new SelectOptionValue { Label = AdminServer.AdminName });
        await ShotAsync(page, "1366-0-selected");
        await page.ClickAsync("#bulk-apply");

        await Expect(page.Locator("#bulk-status")).ToContainTextAsync("Owner assigned: 3 changed");
        foreach (var id in ids.Take(3))
            await Expect(page.Locator($"tr.lead-row[data-id='{id}']")).ToContainTextAsync(AdminServer.AdminName);
        foreach (var id in ids.Skip(3))
            await Expect(page.Locator($"tr.lead-row[data-id='{id}']")).Not.ToContainTextAsync(AdminServer.AdminName);
        await ShotAsync(page, "1366-1-assigned");

        await page.ClickAsync("#bulk-undo");
        await Expect(page.Locator("#bulk-status")).ToContainTextAsync("Undone: 3 restored");
        await Expect(page.Locator("#bulk-undo")).ToHaveCountAsync(0);
        foreach (var id in ids)
            await Expect(page.Locator($"tr.lead-row[data-id='{id}']")).Not.ToContainTextAsync(AdminServer.AdminName);

        // every lead the search matches, not only the ticked one: a job, its progress polled until it is done
        await page.CheckAsync($"tr.lead-row[data-id='{ids[0]}'] .lead-select");
        await page.ClickAsync("#bulk-select-matching");
        await Expect(page.Locator("#bulk-count")).ToHaveTextAsync("All 5 matching selected");
        await page.SelectOptionAsync("#bulk-action", "addTag");
        await page.FillAsync("#bulk-tag", $"spring-{run}");
        await page.ClickAsync("#bulk-apply");
        await Expect(page.Locator("#bulk-status")).ToContainTextAsync("Tag added: 5 changed");
        await ShotAsync(page, "1366-2-tagged");
        await page.GotoAsync($"/leads?tag=spring-{run}");
        await Expect(page.Locator("#lead-table .lead-row")).ToHaveCountAsync(5);

        // a phone: the cards carry the boxes, the bar fits the screen
        await page.SetViewportSizeAsync(390, 844);
        await page.GotoAsync(list);
        await page.CheckAsync($".lead-card-view .lead-select[value='{ids[1]}']");
        await Expect(page.Locator("#bulk-count")).ToHaveTextAsync("1 selected");
        await page.SelectOptionAsync("#bulk-action", "moveToStage");
        await Expect(page.Locator("#bulk-apply")).ToBeInViewportAsync();
        await Expect(page.Locator("#bulk-stage")).ToBeInViewportAsync();
        var width = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth");
        Assert.True(width <= 390, $"The list with the selection bar is {width} px wide at 390 px.");
        await ShotAsync(page, "390-0-selected");
        await page.SelectOptionAsync("#bulk-action", "archive");
        await page.ClickAsync("#bulk-apply");
        await Expect(page.Locator("#bulk-status")).ToContainTextAsync("Archived: 1 changed");
        await Expect(page.Locator(".lead-card-view .lead-card")).ToHaveCountAsync(4);
        await ShotAsync(page, "390-1-archived");
        AssertNothingBroke();
    }
}

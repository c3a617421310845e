using Leadline.Data;
using Leadline.EndToEnd.Infrastructure;
using Leadline.Leads;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static Microsoft.Playwright.Assertions;

namespace Leadline.EndToEnd;

/// <summary>The lead pages with a few hundred realistic leads: paging, sorting and the detail; the screenshots feed docs/.</summary>
public sealed class DemoDataTests(DemoServer server) : BrowserTest(server), IClassFixture<DemoServer>
{
    [Fact]
    public async Task Pages_through_demo_leads_and_opens_one()
    {
        var page = await OpenPageAsync();
        await SignInAsAdminAsync(page);
        await ShotAsync(page, "home");
        await DocsShotAsync(page, "home");

        await page.GotoAsync("/leads");
        await Expect(page.Locator("#lead-total")).ToHaveTextAsync("300");
        await Expect(page.Locator("#lead-table .lead-row")).ToHaveCountAsync(50);
        await ShotAsync(page, "leads");
        await DocsShotAsync(page, "leads");
        var firstPage = await page.Locator("#lead-table .lead-name").AllInnerTextsAsync();
        await page.ClickAsync("#next-page");
        await Expect(page.Locator("#lead-table .lead-row")).ToHaveCountAsync(50);
        var secondPage = await page.Locator("#lead-table .lead-name").AllInnerTextsAsync();
        Assert.NotEqual(firstPage, secondPage);

        await page.GotoAsync("/leads?sort=-score");
        var scores = await page.Locator("#lead-table .score-value").AllInnerTextsAsync();
        Assert.Equal(scores.Select(int.Parse).OrderDescending(), scores.Select(int.Parse));

        // the activity column: the most recent first, then (clicked again) the leads never touched first
        await page.ClickAsync("#sort-activity");
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("sort=-lastActivity"));
        await Expect(page.Locator("#lead-table .lead-row").First.Locator(".lead-activity")).Not.ToContainTextAsync("no activity yet");
        await page.ClickAsync("#sort-activity");
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("sort=lastActivity"));
        await Expect(page.Locator("#lead-table .lead-row").First.Locator(".lead-activity")).ToContainTextAsync("no activity yet");
        // overdue follow-ups are red wherever the list is ordered (a tenth of the demo leads has one)
        await page.GotoAsync("/leads?followUp=overdue");
        await Expect(page.Locator("#lead-table .lead-row").First.Locator(".follow-up-overdue.text-danger")).ToContainTextAsync("ago");
        await Expect(page.Locator("#f-followUp")).ToHaveValueAsync("overdue");   // the filter shows, in the open panel
        await Expect(page.Locator("#f-followUp")).ToBeVisibleAsync();
        await ShotAsync(page, "leads-overdue");
        // by name, then Z to A
        await page.GotoAsync("/leads");
        await page.ClickAsync("#sort-name");
        var aToZ = await page.Locator("#lead-table .lead-name").First.InnerTextAsync();
        await page.ClickAsync("#sort-name");
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("sort=-name"));
        Assert.NotEqual(aToZ, await page.Locator("#lead-table .lead-name").First.InnerTextAsync());

        await page.GotoAsync("/leads?hot=true&status=working");
        await ShotAsync(page, "leads-hot-working");
        await page.Locator("#lead-table .lead-name").First.ClickAsync();
        await Expect(page.Locator("#stage-progress")).ToBeVisibleAsync();
        await Expect(page.Locator("#lead-status")).ToHaveTextAsync("Working");
        await ShotAsync(page, "lead-detail");
        await DocsShotAsync(page, "lead-detail");
        AssertNothingBroke();
    }

    /// <summary>A window-sized shot (artifacts/e2e/docs-*.png), the kind copied into docs/screenshots for the README.</summary>
    private static Task<byte[]> DocsShotAsync(Microsoft.Playwright.IPage page, string name) =>
        page.ScreenshotAsync(new() { Path = Artifacts.Screenshot("docs-" + name) });
}

/// <summary>The admin server with 300 demo leads in its workspace.</summary>
public sealed class DemoServer : AdminServer
{
    protected override async Task ArrangeAsync()
    {
        await using var scope = Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<LeadlineDb>();
        scope.ServiceProvider.GetRequiredService<WorkspaceScope>().Enter(await db.Workspaces.Select(w => w.Id).FirstAsync());
        await scope.ServiceProvider.GetRequiredService<DemoSeeder>().SeedAsync(300, TextWriter.Null, CancellationToken.None);
    }
}

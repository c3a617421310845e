using Leadline.EndToEnd.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Leadline.EndToEnd;

/// <summary>A workspace without leads: the list says how to begin, not "No leads match." (its own server: no test adds leads).</summary>
public sealed class EmptyWorkspaceTests(AdminServer server) : BrowserTest(server), IClassFixture<AdminServer>
{
    [Fact]
    public async Task An_empty_workspace_offers_first_steps_and_a_filter_still_says_nothing_matches()
    {
        var page = await OpenPageAsync();
        await SignInAsAdminAsync(page);

        await page.GotoAsync("/leads");
        await Expect(page.Locator("#first-steps")).ToContainTextAsync("No leads yet");
        await Expect(page.Locator("#no-leads")).ToHaveCountAsync(0);
        await ShotAsync(page, "1-first-steps");
        await page.ClickAsync("#first-steps-import");
        await Expect(page).ToHaveURLAsync(PathIs("/leads/import"));

        await page.GotoAsync("/leads?hot=true");
        await Expect(page.Locator("#no-leads")).ToContainTextAsync("No leads match.");
        await Expect(page.Locator("#first-steps")).ToHaveCountAsync(0);

        await page.GotoAsync("/leads");
        await page.ClickAsync("#first-steps-new");
        await Expect(page).ToHaveURLAsync(PathIs("/leads/new"));
        AssertNothingBroke();
    }
}

using Leadline.EndToEnd.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Leadline.EndToEnd;

/// <summary>Messages after a form post come from the server (a one-time cookie), never from text in the address.</summary>
public sealed class PageMessagesTests(AdminServer server) : BrowserTest(server), IClassFixture<AdminServer>
{
    private const string Crafted = "Your account is suspended. Call +1 900 555 0100.";

    [Fact]
    public async Task A_link_cannot_put_a_message_on_a_page_and_a_form_error_shows_once()
    {
        var lead = await CreateLeadAsync($"Message Mia {Guid.NewGuid():N}");
        var page = await OpenPageAsync();
        await SignInAsAdminAsync(page);
        var query = "error=" + Uri.EscapeDataString(Crafted) + "&notice=" + Uri.EscapeDataString(Crafted);

        foreach (var (path, alert) in new[] { ("/lists", "#lists-error"), ("/leads", "#lead-notice"), ($"/leads/{lead}", "#stage-error"), ("/settings/pipeline", "#pipeline-error") })
        {
            await page.GotoAsync($"{path}?{query}");
            await Expect(page.Locator("nav.navbar")).ToBeVisibleAsync();
            await Expect(page.Locator(alert)).ToHaveCountAsync(0);
            await Expect(page.Locator("main, body").First).Not.ToContainTextAsync("suspended");
        }

        // a refused form post: the message comes back with the redirect, the address stays clean, a reload drops it
        var name = $"Expo {Guid.NewGuid():N}"[..13];
        await page.GotoAsync("/lists");
        await page.FillAsync("#new-list-name", name);
        await page.ClickAsync("#create-list");
        await Expect(page.Locator($"#lists [data-list='{name}']")).ToBeVisibleAsync();
        await page.FillAsync("#new-list-name", name);
        await page.ClickAsync("#create-list");
        await Expect(page.Locator("#lists-error")).ToContainTextAsync("already exists");
        await Expect(page).ToHaveURLAsync(PathIs("/lists"));
        await ShotAsync(page, "flash-error");
        await page.ReloadAsync();
        await Expect(page.Locator("nav.navbar")).ToBeVisibleAsync();
        await Expect(page.Locator("#lists-error")).ToHaveCountAsync(0);
        AssertNothingBroke();
    }
}

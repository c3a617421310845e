using Leadline.EndToEnd.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Leadline.EndToEnd;

/// <summary>The small things: keyboard shortcuts, the note's length counter, dark mode, stale messages, board search, skip link.</summary>
public sealed class UsabilityTests(AdminServer server) : BrowserTest(server), IClassFixture<AdminServer>
{
    [Fact]
    public async Task Shortcuts_search_open_a_new_lead_and_show_help_but_not_while_typing()
    {
        await CreateLeadAsync("Shortcut Shira " + Guid.NewGuid().ToString("N")[..4]);
        var page = await OpenPageAsync();
        await SignInAsAdminAsync(page);
        await page.GotoAsync("/leads");

        await page.Keyboard.PressAsync("/");
        await Expect(page.Locator("#lead-search")).ToBeFocusedAsync();
        await page.Keyboard.TypeAsync("n?");   // typed into the search box, not taken as shortcuts
        await Expect(page.Locator("#lead-search")).ToHaveValueAsync("n?");
        await Expect(page.Locator("#shortcuts-help")).ToBeHiddenAsync();
        await Expect(page.Locator("#lead-modal")).ToBeHiddenAsync();
        await page.Locator("#lead-search").BlurAsync();

        await page.Keyboard.PressAsync("?");
        await Expect(page.Locator("#shortcuts-help")).ToBeVisibleAsync();
        await Expect(page.Locator("#shortcuts-help")).ToContainTextAsync("New lead");
        await Expect(page.Locator("#shortcuts-help")).ToHaveAttributeAsync("data-state", "shown");   // Bootstrap ignores Escape while opening
        await ShotAsync(page, "1-help");
        await page.Keyboard.PressAsync("Escape");
        await Expect(page.Locator("#shortcuts-help")).ToBeHiddenAsync();

        await page.Keyboard.PressAsync("n");
        await Expect(page.Locator("#lead-modal #lead-name")).ToBeVisibleAsync();

        // elsewhere "n" goes to the new-lead page, and "/" finds the board's search
        await page.GotoAsync("/pipeline");
        await page.Keyboard.PressAsync("/");
        await Expect(page.Locator("#board-search")).ToBeFocusedAsync();
        await page.Locator("#board-search").BlurAsync();
        await page.Keyboard.PressAsync("n");
        await Expect(page).ToHaveURLAsync(PathIs("/leads/new"));
        AssertNothingBroke();
    }

    [Fact]
    public async Task The_note_box_counts_to_the_servers_limit_and_says_when_text_was_cut()
    {
        var id = await CreateLeadAsync("Counter Cato " + Guid.NewGuid().ToString("N")[..4]);
        var page = await OpenPageAsync();
        await SignInAsAdminAsync(page);
        await page.GotoAsync($"/leads/{id}?tab=notes");

        var counter = page.Locator("#note-text-count");
        await Expect(counter).ToHaveTextAsync("0 / 4,000");
        Assert.Equal("4000", await page.Locator("#note-text").GetAttributeAsync("maxlength"));
        await page.FillAsync("#note-text", "Called, will send the offer.");
        await Expect(counter).ToHaveTextAsync("28 / 4,000");

        await page.FillAsync("#note-text", new string('x', 10_000));
        await Expect(counter).ToContainTextAsync("/ 4,000");
        await Expect(counter).ToContainTextAsync("limit reached");
        await Expect(counter).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("text-danger"));
        await ShotAsync(page, "1-note-full");
        AssertNothingBroke();
    }

    [Fact]
    public async Task A_dark_system_setting_turns_on_bootstraps_dark_mode()
    {
        var page = await OpenPageAsync();
        await page.EmulateMediaAsync(new() { ColorScheme = ColorScheme.Dark });
        await SignInAsAdminAsync(page);
        await page.GotoAsync("/leads");
        await Expect(page.Locator("html")).ToHaveAttributeAsync("data-bs-theme", "dark");
        await ShotAsync(page, "1-dark");

        await page.EmulateMediaAsync(new() { ColorScheme = ColorScheme.Light });
        await Expect(page.Locator("html")).ToHaveAttributeAsync("data-bs-theme", "light");
        AssertNothingBroke();
    }

    [Fact]
    public async Task The_name_message_goes_once_a_name_is_typed()
    {
        var page = await OpenPageAsync();
        await SignInAsAdminAsync(page);
        await page.GotoAsync("/leads/new");
        await page.FillAsync("#lead-email", "not-an-email");
        await page.ClickAsync("#save-lead");
        await Expect(page.Locator(".invalid-feedback[data-field=name]")).ToHaveTextAsync("Name is required.");
        // the message shows while the page is still parsing; site.js (which clears it) has run once the DOM is loaded
        await page.WaitForLoadStateAsync(Microsoft.Playwright.LoadState.DOMContentLoaded);

        await page.FillAsync("#lead-name", "Nia");
        await Expect(page.Locator(".invalid-feedback[data-field=name]")).ToHaveCountAsync(0);
        await Expect(page.Locator("#lead-name")).Not.ToHaveClassAsync(new System.Text.RegularExpressions.Regex("is-invalid"));
        // the e-mail was not touched: its message stays
        await Expect(page.Locator(".invalid-feedback[data-field=email]")).ToContainTextAsync("valid e-mail");
        AssertNothingBroke();
    }

    [Fact]
    public async Task The_board_searches_as_you_type()
    {
        var suffix = Guid.NewGuid().ToString("N")[..6];
        await CreateLeadAsync($"Board Bea {suffix}");
        await CreateLeadAsync($"Other Otto {suffix}");
        var page = await OpenPageAsync();
        await SignInAsAdminAsync(page);
        await page.GotoAsync("/pipeline");
        await Expect(page.Locator(".board-card", new() { HasText = $"Other Otto {suffix}" })).ToBeVisibleAsync();

        await page.Locator("#board-search").PressSequentiallyAsync($"Bea {suffix}");   // no Enter
        await Expect(page.Locator(".board-card", new() { HasText = $"Other Otto {suffix}" })).ToHaveCountAsync(0);
        await Expect(page.Locator(".board-card", new() { HasText = $"Board Bea {suffix}" })).ToBeVisibleAsync();
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("q=Bea"));
        await Expect(page.Locator("#board-search")).ToBeFocusedAsync();
        AssertNothingBroke();
    }

    [Fact]
    public async Task A_skip_link_leads_past_the_menu_and_search_boxes_have_names()
    {
        var page = await OpenPageAsync();
        await SignInAsAdminAsync(page);
        await page.GotoAsync("/leads");
        await page.Keyboard.PressAsync("Tab");
        await Expect(page.Locator("#skip-link")).ToBeFocusedAsync();
        await Expect(page.Locator("#skip-link")).ToBeVisibleAsync();
        // a solid focus ring, not only Bootstrap's faint glow
        Assert.Equal("3px", await page.Locator("#skip-link").EvaluateAsync<string>("e => getComputedStyle(e).outlineWidth"));
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.Locator("#main-content")).ToBeFocusedAsync();
        await Expect(page).ToHaveURLAsync(PathIs("/leads"));

        await Expect(page.GetByRole(AriaRole.Searchbox, new() { Name = "Search leads" })).ToBeVisibleAsync();
        await page.GotoAsync("/pipeline");
        await Expect(page.GetByRole(AriaRole.Searchbox, new() { Name = "Search the board" })).ToBeVisibleAsync();
        AssertNothingBroke();
    }

    [Fact]
    public async Task Open_shows_only_in_the_quick_look_where_it_leads_somewhere()
    {
        var name = "Peek Paula " + Guid.NewGuid().ToString("N")[..6];
        var id = await CreateLeadAsync(name);
        var page = await OpenPageAsync();
        await SignInAsAdminAsync(page);

        await page.GotoAsync($"/leads/{id}");
        await Expect(page.Locator("#edit-lead")).ToBeVisibleAsync();
        await Expect(page.Locator("#open-lead")).ToBeHiddenAsync();

        await page.GotoAsync($"/leads?q={Uri.EscapeDataString(name)}");
        await page.Locator($".lead-row[data-id='{id}'] .lead-peek").ClickAsync();
        await Expect(page.Locator("#lead-modal #open-lead")).ToBeVisibleAsync();
        await page.ClickAsync("#lead-modal #open-lead");
        await Expect(page).ToHaveURLAsync(PathIs($"/leads/{id}"));
        AssertNothingBroke();
    }
}

using Leadline.Data;
using Leadline.EndToEnd.Infrastructure;
using Leadline.Leads;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Leadline.EndToEnd;

/// <summary>The pipeline board in a real browser: drag and drop that persists, the lost-reason dialog, live updates across two browsers.</summary>
public sealed class BoardTests(AdminServer server) : BrowserTest(server), IClassFixture<AdminServer>
{
    private async Task<string> NewLeadAsync(string prefix)
    {
        var name = $"{prefix} {Guid.NewGuid().ToString("N")[..6]}";
        await CreateLeadAsync(name);
        return name;
    }

    /// <summary>A page wide enough to show all eight default columns, so drops land where a person would drop them.</summary>
    private async Task<IPage> OpenBoardPageAsync([System.Runtime.CompilerServices.CallerMemberName] string test = "")
    {
        var page = await OpenPageAsync(test);
        await page.SetViewportSizeAsync(2300, 900);
        return page;
    }

    private static ILocator Column(IPage page, string category) => page.Locator($"#board .board-column[data-category={category}]").First;

    private static ILocator Card(IPage page, string name) => page.Locator("#board .board-card", new() { HasText = name });

    [Fact]
    public async Task Drag_a_card_to_another_column_and_it_stays_there()
    {
        var name = await NewLeadAsync("Drag");
        var page = await OpenBoardPageAsync();
        await SignInAsAdminAsync(page);
        await page.ClickAsync("#nav-pipeline");
        await Expect(Card(page, name)).ToBeVisibleAsync();
        await ShotAsync(page, "1-board");

        var move = await page.RunAndWaitForResponseAsync(
            () => Card(page, name).DragToAsync(Column(page, "working")),
            r => r.Url.EndsWith("/pipeline/move", StringComparison.Ordinal));
        Assert.Equal(200, move.Status);
        await page.ReloadAsync();
        await Expect(Column(page, "working").Locator(".board-card", new() { HasText = name })).ToBeVisibleAsync();
        await ShotAsync(page, "2-moved");
        AssertNothingBroke();
    }

    [Fact]
    public async Task On_a_searched_board_a_card_lands_next_to_the_card_it_was_dropped_by()
    {
        // New, bottom up: … Other1, A, Other2, B, C; the search shows A, B, C only, so an index would count the others
        var token = "Sq" + Guid.NewGuid().ToString("N")[..6];
        await CreateLeadAsync($"Other {Guid.NewGuid():N}"[..12]);
        await CreateLeadAsync($"{token} A");
        await CreateLeadAsync($"Other {Guid.NewGuid():N}"[..12]);
        await CreateLeadAsync($"{token} B");
        await CreateLeadAsync($"{token} C");
        var page = await OpenBoardPageAsync();
        await SignInAsAdminAsync(page);
        await page.GotoAsync($"/pipeline?q={token}");
        var column = Column(page, "new");
        await Expect(column.Locator(".board-card")).ToHaveCountAsync(3);
        var a = await Card(page, $"{token} A").GetAttributeAsync("data-id");

        var move = await page.RunAndWaitForResponseAsync(
            () => Card(page, $"{token} C").DragToAsync(Card(page, $"{token} B")),
            r => r.Url.EndsWith("/pipeline/move", StringComparison.Ordinal));
        Assert.Equal(200, move.Status);
        Assert.Contains($"afterLeadId={a}", move.Request.PostData, StringComparison.Ordinal);

        await page.ReloadAsync();
        await Expect(column.Locator(".board-card .card-name")).ToHaveTextAsync([$"{token} A", $"{token} C", $"{token} B"]);
        await ShotAsync(page, "searched-board-drop");
        AssertNothingBroke();
    }

    [Fact]
    public async Task Dropping_on_lost_asks_for_a_reason_and_cancel_puts_the_card_back()
    {
        var name = await NewLeadAsync("Lost");
        var page = await OpenBoardPageAsync();
        await SignInAsAdminAsync(page);
        await page.GotoAsync("/pipeline");

        await Card(page, name).DragToAsync(Column(page, "lost"));
        await Expect(page.Locator("#lost-modal")).ToHaveAttributeAsync("data-state", "shown");
        await ShotAsync(page, "1-reason");
        await page.ClickAsync("#lost-cancel");
        await Expect(Column(page, "new").Locator(".board-card", new() { HasText = name })).ToBeVisibleAsync();

        await Card(page, name).DragToAsync(Column(page, "lost"));
        await page.FillAsync("#board-lost-reason", "Went with a competitor");
        var move = await page.RunAndWaitForResponseAsync(() => page.ClickAsync("#lost-confirm"), r => r.Url.EndsWith("/pipeline/move", StringComparison.Ordinal));
        Assert.Equal(200, move.Status);
        await page.ReloadAsync();
        await Expect(Column(page, "lost").Locator(".board-card", new() { HasText = name })).ToBeVisibleAsync();
        AssertNothingBroke();
    }

    [Fact]
    public async Task A_move_in_one_browser_appears_in_another_without_reload()
    {
        var name = await NewLeadAsync("Live");
        var watcher = await OpenBoardPageAsync();
        await SignInAsAdminAsync(watcher);
        await watcher.GotoAsync("/pipeline");
        await Expect(watcher.Locator("body")).ToHaveAttributeAsync("data-live", "on");
        await Expect(Column(watcher, "new").Locator(".board-card", new() { HasText = name })).ToBeVisibleAsync();

        var mover = await OpenBoardPageAsync();
        await SignInAsAdminAsync(mover);
        await mover.GotoAsync("/pipeline");
        await Card(mover, name).DragToAsync(Column(mover, "qualified"));

        await Expect(Column(watcher, "qualified").Locator(".board-card", new() { HasText = name })).ToBeVisibleAsync(new() { Timeout = 5000 });
        await ShotAsync(watcher, "watcher");
        AssertNothingBroke();
    }

    [Fact]
    public async Task Quick_edit_saves_and_refuses_a_stale_edit()
    {
        var name = await NewLeadAsync("Quick");
        var first = await OpenBoardPageAsync();
        await SignInAsAdminAsync(first);
        await first.GotoAsync("/pipeline");
        var second = await OpenBoardPageAsync();
        await SignInAsAdminAsync(second);
        await second.GotoAsync("/pipeline");

        // both open the same card; the first saves, then the second's save is refused, not silently applied
        await Card(first, name).ClickAsync();
        await Expect(first.Locator("#quick-edit")).ToBeVisibleAsync();
        await Card(second, name).ClickAsync();
        await Expect(second.Locator("#quick-edit")).ToBeVisibleAsync();
        await first.Locator("#quick-score").FillAsync("90");
        await first.ClickAsync("#quick-save");
        await Expect(first.Locator("#quick-message")).ToHaveTextAsync("Saved.");
        await ShotAsync(first, "1-saved");

        await second.SelectOptionAsync("#quick-stage", new SelectOptionValue { Label = "Working" });
        await second.ClickAsync("#quick-save");
        await Expect(second.Locator("#quick-message")).ToContainTextAsync("Someone else changed this lead");
        await Expect(second.Locator("#quick-score")).ToHaveValueAsync("90");   // the form now shows the other person's values
        await ShotAsync(second, "2-stale");
        AssertNothingBroke();
    }

    [Fact]
    public async Task A_follow_up_added_in_quick_edit_rings_the_bell_when_due()
    {
        var name = await NewLeadAsync("Bell");
        var page = await OpenBoardPageAsync();
        await SignInAsAdminAsync(page);
        await page.GotoAsync("/pipeline");
        await Expect(page.Locator("body")).ToHaveAttributeAsync("data-live", "on");

        await Card(page, name).ClickAsync();
        await Expect(page.Locator("#quick-reminders")).ToBeVisibleAsync();
        // one due tomorrow (blue bell on the card), then one already due (fires within a second, red bell, notification)
        var local = DateTime.UtcNow;   // the workspace is on UTC
        await page.FillAsync("#reminder-due", local.AddDays(1).ToString("yyyy-MM-ddTHH:mm"));
        await page.FillAsync("#reminder-message", "Send the quote");
        await page.ClickAsync("#reminder-add");
        await Expect(page.Locator("#quick-reminders .reminder-item")).ToHaveCountAsync(1);
        await Expect(Card(page, name).Locator(".follow-up-tomorrow")).ToBeVisibleAsync();
        await page.Locator("#quick-reminders .reminder-cancel").ClickAsync();
        await Expect(page.Locator("#quick-reminders .reminder-item")).ToHaveCountAsync(0);

        await page.FillAsync("#reminder-due", local.AddMinutes(-5).ToString("yyyy-MM-ddTHH:mm"));
        await page.FillAsync("#reminder-message", $"Call {name} back");
        await page.ClickAsync("#reminder-add");
        await Expect(Card(page, name).Locator(".follow-up-overdue")).ToBeVisibleAsync();
        await page.ClickAsync("#board-modal .btn-close");

        await Expect(page.Locator("#unread-count")).ToHaveTextAsync("1", new() { Timeout = 10_000 });
        await page.ClickAsync("#bell-button");
        await Expect(page.Locator("#notification-menu")).ToContainTextAsync($"Call {name} back");
        await ShotAsync(page, "bell");
        await page.ReloadAsync();
        await Expect(page.Locator("#unread-count")).ToHaveCountAsync(0);   // opening the menu read them
        AssertNothingBroke();
    }
}

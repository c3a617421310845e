using Leadline.EndToEnd.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Leadline.EndToEnd;

/// <summary>Settings → Pipeline in the browser: add, rename, reorder and delete a stage; the board follows.</summary>
public sealed class PipelineSettingsTests(AdminServer server) : BrowserTest(server), IClassFixture<AdminServer>
{
    [Fact]
    public async Task Admin_edits_stages_and_the_board_shows_them()
    {
        var page = await OpenPageAsync();
        await SignInAsAdminAsync(page);
        await page.GotoAsync("/settings");
        await page.ClickAsync("#settings-pipeline");
        var stage = "Demo " + Guid.NewGuid().ToString("N")[..4];

        await page.FillAsync("#stage-name", stage);
        await page.SelectOptionAsync("#stage-category", "Qualified");
        await page.FillAsync("#stage-rotting", "3");
        await page.ClickAsync("#add-stage");
        await Expect(page.Locator("#pipeline-saved")).ToBeVisibleAsync();
        var row = page.Locator($"#stages-table tr[data-stage='{stage}']");
        await Expect(row).ToBeVisibleAsync();

        // move it one step earlier (above Lost), then rename it
        await row.Locator("button[name=direction][value='-1']").ClickAsync();
        await Expect(page.Locator("#stages-table tr[data-stage-id]").Nth(8)).ToHaveAttributeAsync("data-stage", "Lost");
        await Expect(page.Locator("#stages-table tr[data-stage-id]").Nth(7)).ToHaveAttributeAsync("data-stage", stage);
        await page.Locator($"#stages-table tr[data-stage='{stage}'] input[name=name]").FillAsync(stage + " booked");
        await page.Locator($"#stages-table tr[data-stage='{stage}'] button[type=submit]:has-text('Save')").ClickAsync();
        await Expect(page.Locator($"#stages-table tr[data-stage='{stage} booked']")).ToBeVisibleAsync();
        await ShotAsync(page, "1-stages");

        await page.GotoAsync("/pipeline");
        await Expect(page.Locator(".board-column-header", new() { HasText = stage + " booked" })).ToBeVisibleAsync();

        await page.GotoAsync("/settings/pipeline");
        var renamed = page.Locator($"#stages-table tr[data-stage='{stage} booked']");
        await renamed.Locator("button[aria-label^='Delete']").ClickAsync();
        var id = await renamed.GetAttributeAsync("data-stage-id");
        await page.Locator($"#delete-{id} button[type=submit]").ClickAsync();
        await Expect(page.Locator("#pipeline-saved")).ToBeVisibleAsync();
        await Expect(page.Locator($"#stages-table tr[data-stage='{stage} booked']")).ToHaveCountAsync(0);

        // a bad colour or name comes back as a clear message, nothing changes
        await page.FillAsync("#stage-name", "   ");
        await page.EvaluateAsync("() => document.getElementById('stage-name').removeAttribute('required')");
        await page.ClickAsync("#add-stage");
        await Expect(page.Locator("#pipeline-error")).ToContainTextAsync("needs a name");
        AssertNothingBroke();
    }

    [Fact]
    public async Task Saving_one_row_keeps_the_unsaved_edit_of_another()
    {
        var page = await OpenPageAsync();
        await SignInAsAdminAsync(page);
        await page.GotoAsync("/settings/pipeline");
        var rows = page.Locator("#stages-table tr[data-stage-id]");
        var first = await rows.Nth(1).GetAttributeAsync("data-stage");
        var second = await rows.Nth(2).GetAttributeAsync("data-stage");
        var suffix = Guid.NewGuid().ToString("N")[..4];

        // two rows edited, only the first saved
        await rows.Nth(1).Locator("input[name=name]").FillAsync($"{first} {suffix}");
        await rows.Nth(2).Locator("input[name=name]").FillAsync($"{second} {suffix}");
        await rows.Nth(1).Locator("button[type=submit]:has-text('Save')").ClickAsync();
        await Expect(page.Locator($"#stages-table tr[data-stage='{first} {suffix}']")).ToBeVisibleAsync();
        await Expect(page.Locator("#pipeline-saved")).ToBeVisibleAsync();
        await Expect(rows.Nth(2).Locator("input[name=name]")).ToHaveValueAsync($"{second} {suffix}");

        await rows.Nth(2).Locator("button[type=submit]:has-text('Save')").ClickAsync();
        await Expect(page.Locator($"#stages-table tr[data-stage='{second} {suffix}']")).ToBeVisibleAsync();
        await page.ReloadAsync();
        await Expect(page.Locator($"#stages-table tr[data-stage='{first} {suffix}']")).ToBeVisibleAsync();
        await Expect(page.Locator($"#stages-table tr[data-stage='{second} {suffix}']")).ToBeVisibleAsync();

        // a refused row says why, in place, and the other row's unsaved edit stays
        await rows.Nth(2).Locator("input[name=name]").FillAsync($"kept {suffix}");
        var blank = rows.Nth(1).Locator("input[name=name]");
        await blank.EvaluateAsync("e => e.removeAttribute('required')");
        await blank.FillAsync("   ");
        await rows.Nth(1).Locator("button[type=submit]:has-text('Save')").ClickAsync();
        await Expect(page.Locator("#pipeline-error")).ToContainTextAsync("needs a name");
        await Expect(rows.Nth(1)).ToHaveAttributeAsync("data-stage", $"{first} {suffix}");
        await Expect(rows.Nth(2).Locator("input[name=name]")).ToHaveValueAsync($"kept {suffix}");

        // put the names back for the other tests of this class
        foreach (var (now, was) in new[] { ($"{first} {suffix}", first), ($"{second} {suffix}", second) })
        {
            var row = page.Locator($"#stages-table tr[data-stage='{now}']");
            await row.Locator("input[name=name]").FillAsync(was!);
            await row.Locator("button[type=submit]:has-text('Save')").ClickAsync();
            await Expect(page.Locator($"#stages-table tr[data-stage='{was}']")).ToBeVisibleAsync();
        }
        AssertNothingBroke();
    }
}

using Leadline.EndToEnd.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Leadline.EndToEnd;

/// <summary>A custom field end to end in the browser: defined in Settings, set in the lead form, filtered, shown as a column, exported.</summary>
public sealed class CustomFieldsTests(AdminServer server) : BrowserTest(server), IClassFixture<AdminServer>
{
    [Fact]
    public async Task A_choice_field_is_defined_set_filtered_shown_and_exported()
    {
        var page = await OpenPageAsync();
        await SignInAsAdminAsync(page);
        await page.GotoAsync("/settings");
        await page.ClickAsync("#settings-custom-fields");

        // a bad definition is refused in place
        await page.FillAsync("#cf-label", "Budget band");
        await page.FillAsync("#cf-key", "budget band");
        await page.SelectOptionAsync("#cf-type", "choice");
        await page.ClickAsync("#save-custom-field");
        await Expect(page.Locator(".invalid-feedback[data-field=key]")).ToContainTextAsync("start with a letter");
        await Expect(page.Locator(".invalid-feedback[data-field=options]")).ToContainTextAsync("options");

        await page.FillAsync("#cf-key", "budget_band");
        await page.FillAsync("#cf-options", "<1k\n1k-10k\n>10k");
        await page.ClickAsync("#save-custom-field");
        await Expect(page.Locator("#custom-fields-saved")).ToBeVisibleAsync();
        await Expect(page.Locator("#custom-field-list li[data-field=budget_band]")).ToContainTextAsync("Budget band");
        await Expect(page.Locator("#cf-label")).ToHaveValueAsync("");   // the form is ready for the next field
        await ShotAsync(page, "1-settings");

        // set it in the lead form; the detail page shows it
        var name = "Cf " + Guid.NewGuid().ToString("N")[..6];
        var other = await CreateLeadAsync("Cf other " + Guid.NewGuid().ToString("N")[..6]);
        await page.GotoAsync("/leads/new");
        await page.FillAsync("#lead-name", name);
        await page.SelectOptionAsync("#lead-cf-budget_band", ">10k");
        await page.ClickAsync("#save-lead");
        await Expect(page.Locator("#lead-title")).ToHaveTextAsync(name);
        await Expect(page.Locator("#lead-custom-fields")).ToContainTextAsync(">10k");

        // filter the list by it: the URL says cf.budget_band
        await page.GotoAsync("/leads");
        await page.ClickAsync("#advanced-toggle");
        // the panel fully open first: a click on Apply while the collapse still grew was lost once in CI
        await Expect(page.Locator("#advanced-filters")).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("\\bshow\\b"));
        await Expect(page.Locator("#advanced-filters")).Not.ToHaveClassAsync(new System.Text.RegularExpressions.Regex("\\bcollapsing\\b"));
        await page.SelectOptionAsync("#f-cf-budget_band", ">10k");
        await page.ClickAsync("#apply-filters");
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("cf\\.budget_band=%3E10k"));
        await Expect(page.Locator("#lead-table .lead-name")).ToHaveTextAsync([name]);
        Assert.NotEqual(0, other);

        // show it as a column, remembered on the next visit
        await page.ClickAsync("#column-chooser");
        await page.CheckAsync("#column-cf-budget_band");
        await page.ClickAsync("#save-columns");
        await Expect(page.Locator("#lead-table th[data-column='cf.budget_band']")).ToHaveTextAsync("Budget band");
        await page.GotoAsync("/leads");
        await Expect(page.Locator("#lead-table tr.lead-row", new() { HasText = name }).Locator("td[data-column='cf.budget_band']")).ToHaveTextAsync(">10k");
        await ShotAsync(page, "2-list");

        // export has it as a column headed by its label
        await page.GotoAsync("/leads?cf.budget_band=%3E10k");
        var download = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("#export-csv"));
        var csv = (await File.ReadAllTextAsync((await download.PathAsync())!)).Trim().Split('\n');
        Assert.EndsWith(",Budget band", csv[0].TrimEnd('\r'), StringComparison.Ordinal);
        Assert.Equal(2, csv.Length);
        Assert.EndsWith(",>10k", csv[1].TrimEnd('\r'), StringComparison.Ordinal);

        // the pages at desktop and phone width (artifacts/e2e)
        foreach (var width in new[] { 1366, 390 })
        {
            await page.SetViewportSizeAsync(width, 900);
            var settings = await page.GotoAsync("/settings/custom-fields");
            var html = await settings!.TextAsync();
            Assert.DoesNotContain("value=\"Budget band\"", html, StringComparison.Ordinal);
            await Expect(page.Locator("#cf-label")).ToHaveValueAsync("");
            await ShotAsync(page, $"3-settings-{width}");
            await page.GotoAsync("/leads/new");
            await page.Locator("[data-custom-field=budget_band]").ScrollIntoViewIfNeededAsync();
            await ShotAsync(page, $"4-form-{width}");
            await page.GotoAsync("/leads?cf.budget_band=%3E10k");
            await ShotAsync(page, $"5-list-{width}");
        }
        AssertNothingBroke();
    }
}

using Leadline.EndToEnd.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Leadline.EndToEnd;

/// <summary>
/// Every page on PostgreSQL. A request has one DbContext; on SQLite every query completes before the next component
/// starts, on PostgreSQL they are truly asynchronous, and components that loaded data at once (the layout, the bell, the
/// page) overlapped: "a second operation was started on this context", a 500 on most pages. The other browser tests run on
/// SQLite and could not see it.
/// </summary>
public sealed class PostgresPagesTests(PostgresAdminServer server) : BrowserTest(server), IClassFixture<PostgresAdminServer>
{
    [Fact]
    public async Task On_postgresql_every_page_renders_and_the_forms_save()
    {
        if (!server.OnPostgres)
            return; // no PostgreSQL configured here; CI always has one (the fixture refuses to run without it there)
        var page = await OpenPageAsync();
        await SignInAsAdminAsync(page);
        var lead = await CreateLeadAsync("Paula Postgres", "+44 20 7946 0000");

        foreach (var (path, shown) in new[]
        {
            ("/", "#lead-figures"), ("/leads", "#lead-search"), ("/leads?hasInfo=false", "#lead-search"), ("/leads?view=cards", "#lead-search"),
            ($"/leads/{lead}", "#lead-title"), ($"/leads/{lead}/edit", "#lead-form"), ("/leads/new", "#lead-form"), ("/leads/import", "h1"),
            ("/leads/duplicates", "h1"), ("/lists", "h1"), ("/pipeline", "#board"), ("/queue", "#queue-total"), ("/reports/lead-flow", "h1"),
            ("/settings", "h1"), ("/settings/workspace", "#workspace-form"), ("/settings/users", "#users-table"), ("/settings/pipeline", "h1"),
            ("/settings/queue", "h1"), ("/settings/note-templates", "h1"),
        })
        {
            var response = await page.GotoAsync(path);
            Assert.True(response?.Status == 200, $"{path}: {response?.Status}");
            await Expect(page.Locator(shown).First).ToBeVisibleAsync();
        }

        // the forms that load their model before the first render: new lead, edit, workspace settings
        await page.GotoAsync("/leads/new");
        await page.FillAsync("#lead-name", "Pedro Postgres");
        await page.ClickAsync("#save-lead");
        await Expect(page.Locator("#lead-saved")).ToHaveTextAsync("Lead created.");
        await page.GotoAsync($"/leads/{lead}/edit");
        await page.FillAsync("#lead-company", "Elephant Ltd");
        await page.ClickAsync("#save-lead");
        await Expect(page.Locator("#lead-saved")).ToHaveTextAsync("Saved.");
        await page.GotoAsync("/settings/workspace");
        await page.ClickAsync("#workspace-save");
        await Expect(page.Locator("#workspace-saved")).ToBeVisibleAsync();
        await ShotAsync(page, "workspace-saved");

        // bulk actions: ticked rows at once, "all matching" as a job whose status line is polled
        await page.GotoAsync("/leads?q=Postgres");
        await page.CheckAsync($"tr.lead-row[data-id='{lead}'] .lead-select");
        await page.SelectOptionAsync("#bulk-action", "addTag");
        await page.FillAsync("#bulk-tag", "elephant");
        await page.ClickAsync("#bulk-apply");
        await Expect(page.Locator("#bulk-status")).ToContainTextAsync("Tag added: 1 changed");
        // the list refreshes itself live after a bulk change (which clears the ticks): tick again until the bar offers "all matching"
        for (var attempt = 1; ; attempt++)
        {
            await page.CheckAsync($"tr.lead-row[data-id='{lead}'] .lead-select");
            try
            {
                await page.ClickAsync("#bulk-select-matching", new() { Timeout = 3_000 });
                break;
            }
            catch (TimeoutException) when (attempt < 5)
            {
            }
        }
        await page.SelectOptionAsync("#bulk-action", "removeTag");
        await page.FillAsync("#bulk-tag", "elephant");
        await page.ClickAsync("#bulk-apply");
        await Expect(page.Locator("#bulk-status")).ToContainTextAsync("Tag removed: 1 changed, 1 already so");
        await page.ClickAsync("#bulk-undo");
        await Expect(page.Locator("#bulk-status")).ToContainTextAsync("Undone: 1 restored");
        AssertNothingBroke();
    }
}

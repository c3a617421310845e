using Leadline.Data;
using Leadline.EndToEnd.Infrastructure;
using Leadline.Leads;
using Leadline.Workspaces;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static Microsoft.Playwright.Assertions;

namespace Leadline.EndToEnd;

/// <summary>The lead list's column chooser offers the catalog's optional fields beside the custom ones, remembered per user.</summary>
public sealed class LeadListColumnsTests(AdminServer server) : BrowserTest(server), IClassFixture<AdminServer>
{
    [Fact]
    public async Task A_built_in_column_chosen_in_the_list_stays_after_a_reload()
    {
        var page = await OpenPageAsync();
        await page.SetViewportSizeAsync(1366, 900);
        await SignInAsAdminAsync(page);
        var name = "Col " + Guid.NewGuid().ToString("N")[..6];
        await CreateLeadWithIndustryAsync(name, "Shipbuilding");

        await page.GotoAsync("/leads?q=" + Uri.EscapeDataString(name));
        await Expect(page.Locator("#lead-table th[data-column='industry']")).ToHaveCountAsync(0);
        await page.ClickAsync("#column-chooser");
        await Expect(page.Locator("#column-form")).ToContainTextAsync("Lead fields");
        await page.CheckAsync("#column-industry");
        await page.CheckAsync("#column-address-city");
        await ShotAsync(page, "0-chooser-1366");
        await page.ClickAsync("#save-columns");

        // back on the same filtered list, with the columns; a reload (a new visit) keeps them
        await Expect(page.Locator("#lead-table th[data-column='industry']")).ToHaveTextAsync("Industry");
        await page.ReloadAsync();
        var row = page.Locator("#lead-table tr.lead-row", new() { HasText = name });
        await Expect(row.Locator("td[data-column='industry']")).ToHaveTextAsync("Shipbuilding");
        await Expect(row.Locator("td[data-column='address.city']")).ToHaveTextAsync("—");
        await page.ClickAsync("#column-chooser");
        await Expect(page.Locator("#column-industry")).ToBeCheckedAsync();
        await page.Keyboard.PressAsync("Escape");
        await ShotAsync(page, "1-list-1366");

        // a phone shows cards: the chosen column is a line of the card
        await page.SetViewportSizeAsync(390, 844);
        await page.ReloadAsync();
        await Expect(page.Locator(".lead-card-view .lead-card-column[data-column='industry']")).ToHaveTextAsync("Industry: Shipbuilding");
        await ShotAsync(page, "2-list-390");
        await page.SetViewportSizeAsync(1366, 900);

        // unticking takes it away again
        await page.ClickAsync("#column-chooser");
        await page.UncheckAsync("#column-industry");
        await page.UncheckAsync("#column-address-city");
        await page.ClickAsync("#save-columns");
        await Expect(page.Locator("#lead-table tr.lead-row", new() { HasText = name })).ToBeVisibleAsync();
        await Expect(page.Locator("#lead-table th[data-column='industry']")).ToHaveCountAsync(0);
        AssertNothingBroke();
    }

    private async Task CreateLeadWithIndustryAsync(string name, string industry)
    {
        await using var scope = Server.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<LeadlineDb>();
        scope.ServiceProvider.GetRequiredService<WorkspaceScope>().Enter(await db.Workspaces.Select(w => w.Id).FirstAsync());
        var result = await scope.ServiceProvider.GetRequiredService<LeadService>()
            .CreateAsync(new LeadInput { Name = name, Industry = industry }, new HashSet<string> { "name", "industry" }, CancellationToken.None);
        Assert.True(result.Succeeded, string.Join(" ", result.Errors.All));
    }
}

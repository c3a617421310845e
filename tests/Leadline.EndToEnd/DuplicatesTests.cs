using Leadline.Data;
using Leadline.EndToEnd.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static Microsoft.Playwright.Assertions;

namespace Leadline.EndToEnd;

/// <summary>Duplicate protection in a real browser: warnings while typing, and merging two leads from the list.</summary>
public sealed class DuplicatesTests(AdminServer server) : BrowserTest(server), IClassFixture<AdminServer>
{
    [Fact]
    public async Task Typing_a_known_email_warns_in_red_and_a_similar_name_in_yellow()
    {
        var tag = Guid.NewGuid().ToString("N")[..6];
        await CreateLeadAsync($"Dora Dupont {tag}", "+49 30 5550123");
        var page = await OpenPageAsync();
        await SignInAsAdminAsync(page);
        await page.GotoAsync("/leads/new");

        await page.FillAsync("#lead-name", $"Dora Dupond {tag}");
        await page.FillAsync("#lead-phone", "+49 (30) 555-0123");
        var warning = page.Locator("#duplicate-warnings .duplicate-warning").First;
        await Expect(warning).ToContainTextAsync($"Dora Dupont {tag}");
        await Expect(warning).ToHaveAttributeAsync("data-level", "exact");   // the same number, typed another way
        await ShotAsync(page, "1-exact");

        // the national number without its country code, and a name with a typo: similar, in yellow
        await page.FillAsync("#lead-phone", "555 0123");
        await Expect(warning).ToHaveAttributeAsync("data-level", "similar");
        await Expect(warning).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("alert-warning"));
        await ShotAsync(page, "2-similar");
        await page.FillAsync("#lead-phone", "+49 30 5550199");
        await page.ClickAsync("#save-lead");   // a deliberate save is still possible
        await Expect(page.Locator("h1#lead-title")).ToHaveTextAsync($"Dora Dupond {tag}");
        AssertNothingBroke();
    }

    [Fact]
    public async Task Tick_two_leads_merge_them_and_the_survivor_keeps_the_chosen_values()
    {
        var tag = Guid.NewGuid().ToString("N")[..6];
        var first = await CreateLeadAsync($"Merle Merge {tag}");
        var second = await CreateLeadAsync($"Merle M. {tag}", "+49 30 5559876");
        await using (var scope = Server.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<LeadlineDb>();
            var admin = await db.Users.IgnoreQueryFilters().Where(u => u.Email == AdminServer.AdminEmail).Select(u => u.Id).SingleAsync();
            await db.Leads.IgnoreQueryFilters().Where(l => l.Id == second).ExecuteUpdateAsync(s => s.SetProperty(l => l.OwnerId, admin));
        }
        var page = await OpenPageAsync();
        await SignInAsAdminAsync(page);
        await page.GotoAsync($"/leads?q={tag}&sort=created");
        await page.CheckAsync($"tr.lead-row[data-id='{first}'] .lead-select");
        await page.CheckAsync($"tr.lead-row[data-id='{second}'] .lead-select");
        await page.ClickAsync("#merge-selected");
        await Expect(page.Locator("#merge-table")).ToBeVisibleAsync();
        // fields by their labels, the owner by name: never the API's "ownerId 1"
        var owner = page.Locator("#merge-table tr[data-field='ownerId']");
        await Expect(owner.Locator("th")).ToHaveTextAsync("Owner");
        await Expect(owner).ToContainTextAsync(AdminServer.AdminName);
        await Expect(page.Locator("#merge-table tbody th", new() { HasText = "ownerId" })).ToHaveCountAsync(0);
        await Expect(page.Locator("#merge-explained")).ToContainTextAsync("next follow-up");
        await page.CheckAsync($"#survivor-{first}");
        await page.CheckAsync($"#choice-phone-{second}");
        await ShotAsync(page, "1-merge");
        await page.ClickAsync("#merge-submit");

        await Expect(page.Locator("#lead-title")).ToHaveTextAsync($"Merle Merge {tag}");
        await Expect(page.Locator("#history-list")).ToContainTextAsync($"Merle M. {tag} (#{second})");
        await page.GotoAsync($"/leads/{first}");
        await Expect(page.Locator("#lead-details")).ToContainTextAsync("+49 30 5559876");
        await page.GotoAsync($"/leads?q={tag}");
        await Expect(page.Locator(".lead-row")).ToHaveCountAsync(1);
        AssertNothingBroke();
    }

    [Fact]
    public async Task A_sweep_shows_groups_and_not_a_duplicate_removes_one()
    {
        var tag = Guid.NewGuid().ToString("N")[..6];
        await CreateLeadAsync($"Sven Sweep {tag}", "+49 40 5551000");
        await CreateLeadAsync($"Sven Sweep {tag}", "+49 40 5551000");
        var page = await OpenPageAsync();
        await SignInAsAdminAsync(page);
        await page.GotoAsync("/leads");
        await page.ClickAsync("#find-duplicates");
        await page.ClickAsync("#run-sweep");
        var group = page.Locator(".duplicate-group", new() { HasText = $"Sven Sweep {tag}" });
        await Expect(group).ToBeVisibleAsync(new() { Timeout = 30_000 });   // the page polls until the background sweep is done
        await Expect(group).ToContainTextAsync("exact");
        // what matched, in words; an exact group carries no probability beside it
        await Expect(group.Locator(".group-reason")).ToContainTextAsync("same phone");
        await Expect(group.Locator(".group-reason")).Not.ToContainTextAsync("%");
        await ShotAsync(page, "1-groups");
        await group.Locator("button", new() { HasText = "Not a duplicate" }).ClickAsync();
        await Expect(page.Locator("#group-dismissed")).ToBeVisibleAsync();
        await Expect(page.Locator(".duplicate-group", new() { HasText = $"Sven Sweep {tag}" })).ToHaveCountAsync(0);
        AssertNothingBroke();
    }
}

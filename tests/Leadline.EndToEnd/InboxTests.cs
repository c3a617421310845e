using Leadline.Data;
using Leadline.EndToEnd.Infrastructure;
using Leadline.Leads;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Leadline.EndToEnd;

/// <summary>The Inbox page: its queues and counts, a breached lead in Recovery, keyboard navigation, live updates.</summary>
public sealed class InboxTests(AdminServer server) : BrowserTest(server), IClassFixture<AdminServer>
{
    /// <summary>A lead whose customer wrote <paramref name="wroteAgo"/> ago and is still waiting (through the lead write path).</summary>
    private async Task<(int Id, string Name)> WaitingLeadAsync(string prefix, TimeSpan wroteAgo, TimeSpan slaMinutes)
    {
        var name = $"{prefix} {Guid.NewGuid().ToString("N")[..4]}";
        var id = await CreateLeadAsync(name, "+972 50 123 4567");
        await using var scope = Server.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<LeadlineDb>();
        scope.ServiceProvider.GetRequiredService<WorkspaceScope>().Enter(await db.Workspaces.Select(w => w.Id).FirstAsync());
        var wrote = scope.ServiceProvider.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime - wroteAgo;
        var lead = await db.Leads.FirstAsync(l => l.Id == id);
        lead.RecordInbound(wrote, whatsapp: false);
        lead.Enquiry = $"{prefix} needs an answer";
        lead.AwaitReply(wrote, wrote + slaMinutes);
        await db.SaveChangesAsync();
        return (id, name);
    }

    [Fact]
    public async Task A_breached_lead_shows_in_Recovery_and_the_queue_is_walked_with_the_keyboard()
    {
        var breached = await WaitingLeadAsync("Breached Bea", TimeSpan.FromHours(3), TimeSpan.FromHours(1));
        var first = await WaitingLeadAsync("Waiting Wes", TimeSpan.FromMinutes(10), TimeSpan.FromHours(1));
        var second = await WaitingLeadAsync("Waiting Wanda", TimeSpan.FromMinutes(5), TimeSpan.FromHours(1));
        await WaitingLeadAsync("Waiting Walt", TimeSpan.FromMinutes(2), TimeSpan.FromHours(1));
        var page = await OpenPageAsync();
        await SignInAsAdminAsync(page);

        await page.Locator("#nav-inbox").First.ClickAsync();
        await Expect(page).ToHaveURLAsync(PathIs("/inbox"));
        var rows = page.Locator("#inbox-list .inbox-row");
        await Expect(rows.Filter(new() { HasText = first.Name })).ToHaveCountAsync(1);
        await Expect(rows.Filter(new() { HasText = breached.Name })).ToHaveCountAsync(0);
        await Expect(page.Locator("#queue-recovery .queue-count")).Not.ToHaveTextAsync("0");

        // keyboard: the first row (the longest due) is chosen; j / arrow down move on, k / arrow up back, Enter opens the lead
        await Expect(rows.Nth(0)).ToHaveClassAsync(new System.Text.RegularExpressions.Regex(@"\binbox-chosen\b"));
        await page.Keyboard.PressAsync("j");
        await Expect(rows.Nth(1)).ToHaveAttributeAsync("aria-selected", "true");
        await Expect(rows.Nth(0)).ToHaveAttributeAsync("aria-selected", "false");
        await page.Keyboard.PressAsync("ArrowDown");
        await Expect(rows.Nth(2)).ToHaveAttributeAsync("aria-selected", "true");
        await page.Keyboard.PressAsync("k");
        await page.Keyboard.PressAsync("ArrowUp");
        await Expect(rows.Nth(0)).ToHaveAttributeAsync("aria-selected", "true");
        await Expect(rows.Nth(0)).ToContainTextAsync(first.Name);
        await Artifacts.ShotsAsync(page, "inbox-now");

        // a customer writes meanwhile: the open Inbox shows the lead without a reload (live updates)
        var third = await WaitingLeadAsync("Live Lina", TimeSpan.Zero, TimeSpan.FromHours(1));
        await Expect(rows.Filter(new() { HasText = third.Name })).ToHaveCountAsync(1);
        await Expect(rows.Nth(0)).ToHaveAttributeAsync("aria-selected", "true");   // the choice stays on the same lead
        await Expect(rows.Nth(0)).ToContainTextAsync(first.Name);

        await page.Keyboard.PressAsync("Enter");
        await Expect(page).ToHaveURLAsync(PathIs($"/leads/{first.Id}"));
        await Expect(page.Locator("#next-action-current")).ToContainTextAsync("Reply");
        await Expect(page.Locator("#next-action .sla-badge")).ToHaveAttributeAsync("data-sla", "due");

        // Recovery: the breached lead, marked so
        await page.GotoAsync("/inbox?queue=recovery");
        var row = page.Locator("#inbox-list .inbox-row").Filter(new() { HasText = breached.Name });
        await Expect(row).ToHaveCountAsync(1);
        await Expect(row.Locator(".sla-badge")).ToHaveAttributeAsync("data-sla", "breached");
        await Expect(row).ToContainTextAsync("waiting since");
        await Artifacts.ShotsAsync(page, "inbox-recovery");
        Assert.NotEqual(first.Id, second.Id);
        AssertNothingBroke();
    }

}

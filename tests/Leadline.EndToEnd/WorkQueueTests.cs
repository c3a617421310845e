using System.Text.RegularExpressions;
using Leadline.EndToEnd.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Leadline.EndToEnd;

/// <summary>The operators' day in a real browser: a predefined note made in Settings, a call recorded from the work queue, the report moving.</summary>
public sealed class WorkQueueTests(AdminServer server) : BrowserTest(server), IClassFixture<AdminServer>
{
    [Fact]
    public async Task Record_a_call_from_the_queue_with_a_predefined_note_and_see_the_tag_and_the_report_change()
    {
        var suffix = Guid.NewGuid().ToString("N")[..6];
        var name = $"Queue Quinn {suffix}";
        var leadId = await CreateLeadAsync(name, "+49 30 1234567");
        var page = await OpenPageAsync();
        await SignInAsAdminAsync(page);

        // Settings → Note templates: a predefined note that tags and sets the outcome
        await page.GotoAsync("/settings/note-templates");
        await page.FillAsync("#new-title", $"Interested {suffix}");
        await page.FillAsync("#new-text", "Interested, send the price list.");
        await page.FillAsync("#new-tags", $"price-list-{suffix}");
        await page.SelectOptionAsync("#new-outcome", "Positive");
        await page.ClickAsync("#new-save");
        await Expect(page.Locator("#templates-saved")).ToBeVisibleAsync();
        await Expect(page.Locator($"#template-list [data-template='Interested {suffix}']")).ToContainTextAsync($"price-list-{suffix}");
        await ShotAsync(page, "1-templates");

        await page.ClickAsync("#nav-reports");
        var callsBefore = int.Parse((await page.Locator("#figure-calls").TextContentAsync())!.Replace(",", ""), System.Globalization.CultureInfo.InvariantCulture);

        await page.ClickAsync("#nav-queue");
        await page.FillAsync("#queue-q", name);
        await page.PressAsync("#queue-q", "Enter");
        await Expect(page.Locator("#queue-table .queue-row")).ToHaveCountAsync(1);
        await ShotAsync(page, "2-queue");
        await page.ClickAsync($"#queue-table a:has-text('{name}')");
        await Expect(page.Locator("#work-lead-name")).ToHaveTextAsync(name);

        // a few keystrokes: pick the template (it fills the note and the outcome), say how long, Ctrl+Enter
        await page.SelectOptionAsync("#queue-template", new SelectOptionValue { Label = $"Interested {suffix} (price-list-{suffix})" });
        await Expect(page.Locator("#queue-note")).ToHaveValueAsync("Interested, send the price list.");
        await Expect(page.Locator("#queue-outcome-positive")).ToBeCheckedAsync();
        await page.FillAsync("#queue-duration", "4");
        await page.ClickAsync("#queue-call-form h2");   // out of the text boxes, keys 1-4 choose the outcome
        await page.Keyboard.PressAsync("3");
        await Expect(page.Locator("#queue-outcome-partial")).ToBeCheckedAsync();
        await ShotAsync(page, "3-call-form");
        await page.Keyboard.PressAsync("Control+Enter");
        await Expect(page).Not.ToHaveURLAsync(new Regex($"/queue/work/{leadId}(\\?|$)"));

        await page.GotoAsync($"/leads/{leadId}?tab=activities");
        await Expect(page.Locator("#lead-title")).ToHaveTextAsync(name);
        await Expect(page.Locator("#lead-summary")).ToContainTextAsync($"price-list-{suffix}");
        await Expect(page.Locator("#lead-flow")).ToHaveTextAsync("In progress");
        await Expect(page.Locator("#activity-timeline [data-activity-type=Call]")).ToContainTextAsync("Partial");
        await Expect(page.Locator("#activity-timeline")).ToContainTextAsync("Interested, send the price list.");
        await ShotAsync(page, "4-lead-activities");

        await page.ClickAsync("#nav-reports");
        await Expect(page.Locator("#figure-calls")).ToHaveTextAsync((callsBefore + 1).ToString("N0", System.Globalization.CultureInfo.InvariantCulture));
        await Expect(page.Locator("#report-operators")).ToContainTextAsync(AdminServer.AdminName);
        await Expect(page.Locator("#chart-hours")).ToBeVisibleAsync();
        await page.WaitForFunctionAsync("() => window.Chart && Chart.getChart(document.getElementById('chart-outcomes'))");
        await ShotAsync(page, "5-report");
        var download = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("#report-csv"));
        var csv = await File.ReadAllTextAsync((await download.PathAsync())!);
        Assert.Contains($"{AdminServer.AdminName},", csv, StringComparison.Ordinal);
        AssertNothingBroke();
    }

    [Fact]
    public async Task A_note_with_markup_is_shown_as_text_and_comments_form_a_thread()
    {
        var name = $"Xss Xavier {Guid.NewGuid().ToString("N")[..6]}";
        var leadId = await CreateLeadAsync(name);
        var page = await OpenPageAsync();
        var dialogs = 0;
        page.Dialog += (_, d) => { dialogs++; _ = d.DismissAsync(); };
        await SignInAsAdminAsync(page);
        await page.GotoAsync($"/leads/{leadId}");
        await page.ClickAsync("#notes-tab");
        const string attack = "<script>window.pwned=1;alert(1)</script><img src=x onerror=\"window.pwned=2;alert(2)\"> **bold?**\nsecond line";
        await page.FillAsync("#note-text", attack);
        await page.ClickAsync("#save-note");
        var note = page.Locator("#notes-list .note").First;
        await Expect(note.Locator(".note-text").First).ToHaveTextAsync(attack);
        Assert.Equal(0, await page.Locator("#notes-list img").CountAsync());
        Assert.True(await page.EvaluateAsync<bool>("() => window.pwned === undefined"));

        await note.Locator("input[name=text]").FillAsync("Agreed, I will call her tomorrow.");
        await note.Locator(".reply-form button").ClickAsync();
        await Expect(page.Locator("#notes-list .note").First.Locator(".note-reply")).ToContainTextAsync("Agreed, I will call her tomorrow.");
        await ShotAsync(page, "notes-thread");
        Assert.Equal(0, dialogs);
        AssertNothingBroke();
    }

    [Fact]
    public async Task Create_a_marketing_list_add_the_filtered_leads_and_filter_by_it()
    {
        var tag = Guid.NewGuid().ToString("N")[..6];
        await CreateLeadAsync($"Listed Lia {tag}");
        await CreateLeadAsync($"Listed Leo {tag}");
        var page = await OpenPageAsync();
        await SignInAsAdminAsync(page);
        await page.GotoAsync("/lists");
        await page.FillAsync("#new-list-name", $"Expo {tag}");
        await page.ClickAsync("#create-list");
        await Expect(page.Locator($"#lists [data-list='Expo {tag}']")).ToContainTextAsync("0 leads");

        await page.GotoAsync($"/leads?q={tag}");
        await Expect(page.Locator("#lead-total")).ToHaveTextAsync("2");
        await page.ClickAsync("#add-to-list-menu");
        await page.SelectOptionAsync("#add-matching-list", new SelectOptionValue { Label = $"Expo {tag}" });
        await page.ClickAsync("#add-matching");
        await Expect(page.Locator("#lead-notice")).ToHaveTextAsync("2 leads added to the list.");
        await ShotAsync(page, "list-added");

        await page.GotoAsync("/lists");
        await page.ClickAsync($"#lists [data-list='Expo {tag}'] a");
        await Expect(page.Locator("#lead-total")).ToHaveTextAsync("2");
        await Expect(page.Locator(".lead-row")).ToHaveCountAsync(2);
        AssertNothingBroke();
    }
}

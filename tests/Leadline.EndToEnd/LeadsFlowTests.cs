using Leadline.EndToEnd.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Leadline.EndToEnd;

/// <summary>The lead's life on screen: form with validation, search, a smart filter by URL, detail, edit, stage bar, history.</summary>
public sealed class LeadsFlowTests(AdminServer server) : BrowserTest(server), IClassFixture<AdminServer>
{
    [Fact]
    public async Task Create_find_filter_edit_and_see_the_history()
    {
        var page = await OpenPageAsync();
        await SignInAsAdminAsync(page);
        var name = "Zara " + Guid.NewGuid().ToString("N")[..6];

        // the form: a validation message first, nothing saved
        await page.ClickAsync("#nav-leads");
        await page.ClickAsync("#new-lead");   // opens the form in a dialog over the list
        await Expect(page.Locator("#lead-modal #lead-form")).ToBeVisibleAsync();
        await Expect(page).ToHaveURLAsync(PathIs("/leads"));
        await ShotAsync(page, "0-dialog");
        await page.FillAsync("#lead-email", "not-an-email");
        await page.ClickAsync("#save-lead");
        await Expect(page.Locator(".invalid-feedback[data-field=name]")).ToHaveTextAsync("Name is required.");
        await Expect(page.Locator(".invalid-feedback[data-field=email]")).ToContainTextAsync("valid e-mail");
        await Expect(page.Locator("#lead-email")).ToHaveValueAsync("not-an-email");
        await ShotAsync(page, "1-validation");

        await page.FillAsync("#lead-name", name);
        await page.FillAsync("#lead-email", "zara@example.com");
        await page.FillAsync("#lead-company", "Zed Industries");
        await page.FillAsync("#lead-phone", "+44 20 7946 0958");
        await page.FillAsync("#lead-score", "82");
        await page.FillAsync("#lead-tags", "vip, expo");
        await page.ClickAsync("#generate-code");
        await Expect(page.Locator("#lead-code")).ToHaveValueAsync(new System.Text.RegularExpressions.Regex("^L-\\d{6}$"));
        await page.ClickAsync("#save-lead");
        await Expect(page.Locator("#lead-title")).ToHaveTextAsync(name);
        await Expect(page.Locator("#lead-saved")).ToHaveTextAsync("Lead created.");
        await ShotAsync(page, "2-detail");

        // search finds it as the user types
        await page.GotoAsync("/leads");
        await page.Locator("#lead-search").PressSequentiallyAsync(name[..7].ToLowerInvariant() + name[7..]);
        await Expect(page.Locator("#lead-table .lead-name")).ToHaveTextAsync([name]);
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("q=zara"));

        // a smart filter driven by the URL: Hot is active and the lead is listed
        await page.GotoAsync("/leads?hot=true");
        await Expect(page.Locator("[data-filter=hot]")).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("btn-danger"));
        await Expect(page.Locator("#lead-table .lead-name", new() { HasText = name })).ToBeVisibleAsync();
        await page.ClickAsync("[data-filter=status-qualified]");
        await Expect(page.Locator("#no-leads")).ToBeVisibleAsync();
        await ShotAsync(page, "3-filters");

        // card view is remembered
        await page.GotoAsync("/leads");
        await page.ClickAsync("#view-cards");
        await page.ReloadAsync();
        await Expect(page.Locator(".lead-card").First).ToBeVisibleAsync();
        await Expect(page.Locator("#lead-table")).Not.ToBeVisibleAsync();
        await ShotAsync(page, "4-cards");
        await page.ClickAsync("#view-table");

        // quick look in a dialog, then the detail → edit → history shows the change
        await page.Locator("#lead-table .lead-row", new() { HasText = name }).Locator(".lead-peek").ClickAsync();
        await Expect(page.Locator("#lead-modal #lead-summary")).ToContainTextAsync(name);
        await Expect(page.Locator("#lead-modal")).ToHaveAttributeAsync("data-state", "shown");
        await ShotAsync(page, "4b-quick-look");
        await page.ClickAsync("#lead-modal .btn-close");
        await Expect(page.Locator("#lead-modal")).ToBeHiddenAsync();
        await Expect(page.Locator(".modal-backdrop")).ToHaveCountAsync(0);
        await page.Locator("#lead-table .lead-name", new() { HasText = name }).ClickAsync();
        await page.ClickAsync("#edit-lead");
        await page.FillAsync("#lead-title", "Head of Buying");
        await page.ClickAsync("#save-lead");
        await Expect(page.Locator("#lead-saved")).ToHaveTextAsync("Saved.");

        // stage bar: a click moves the lead; Lost asks for a reason first
        await page.Locator("#stage-progress [data-stage=Working]").ClickAsync();
        await Expect(page.Locator("#lead-status")).ToHaveTextAsync("Working");
        await page.Locator("#stage-progress [data-stage=Lost]").ClickAsync();
        await Expect(page.Locator("#lost-reason")).ToBeVisibleAsync();
        await page.FillAsync("#lost-reason", "Chose a competitor");
        await page.ClickAsync("#confirm-lost");
        await Expect(page.Locator("#lead-status")).ToHaveTextAsync("Lost");

        await page.ClickAsync("#history-tab");
        var history = page.Locator("#history-list");
        await Expect(history).ToContainTextAsync("changed Title from — to Head of Buying");
        await Expect(history).ToContainTextAsync("changed Stage from Working to Lost");
        await Expect(history).ToContainTextAsync("changed Lost reason from — to Chose a competitor");
        await Expect(history).Not.ToContainTextAsync("lostReason");
        await Expect(history).ToContainTextAsync(AdminServer.AdminName);
        await ShotAsync(page, "5-history");
        AssertNothingBroke();
    }

    [Fact]
    public async Task Advanced_filters_and_export_follow_the_url()
    {
        var page = await OpenPageAsync();
        await SignInAsAdminAsync(page);
        await page.GotoAsync("/leads/new");
        var name = "Filter " + Guid.NewGuid().ToString("N")[..6];
        await page.FillAsync("#lead-name", name);
        await page.FillAsync("#lead-address-city", "Lisbon");
        await page.FillAsync("#lead-address-country", "PT");
        await page.ClickAsync("#save-lead");
        await Expect(page.Locator("#lead-title")).ToHaveTextAsync(name);

        await page.GotoAsync("/leads");
        await page.ClickAsync("#advanced-toggle");
        await Expect(page.Locator("#advanced-filters")).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("\\bshow\\b"));
        await page.FillAsync("#f-city", "Lisbon");
        await page.ClickAsync("#apply-filters");
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("city=Lisbon"));
        await Expect(page.Locator("#lead-table .lead-name")).ToHaveTextAsync([name]);
        await ShotAsync(page, "1-advanced");

        var download = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("#export-csv"));
        var csv = await File.ReadAllTextAsync((await download.PathAsync())!);
        Assert.Contains(name, csv, StringComparison.Ordinal);
        Assert.Equal(2, csv.Trim().Split('\n').Length);   // header + the one filtered lead
        AssertNothingBroke();
    }

    [Fact]
    public async Task Photo_upload_checks_the_file_and_shows_the_photo()
    {
        var page = await OpenPageAsync();
        await SignInAsAdminAsync(page);
        await page.GotoAsync("/leads/new");
        var name = "Photo " + Guid.NewGuid().ToString("N")[..6];
        await page.FillAsync("#lead-name", name);
        await page.ClickAsync("#save-lead");
        await Expect(page.Locator("#lead-title")).ToHaveTextAsync(name);

        // a text file with an image name is refused by its content
        var fake = Path.Combine(Path.GetTempPath(), $"fake-{Guid.NewGuid():N}.png");
        await File.WriteAllTextAsync(fake, "not really a picture");
        await page.SetInputFilesAsync("#photo-input", fake);
        await page.ClickAsync("#upload-photo");
        await Expect(page.Locator("#stage-error")).ToContainTextAsync("JPEG, PNG, GIF or WebP");
        await Expect(page.Locator("#lead-photo")).ToHaveCountAsync(0);

        // a real 1×1 PNG is stored and shown
        var png = Path.Combine(Path.GetTempPath(), $"dot-{Guid.NewGuid():N}.png");
        await File.WriteAllBytesAsync(png, Convert.FromBase64String("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="));
        await page.SetInputFilesAsync("#photo-input", png);
        await page.ClickAsync("#upload-photo");
        await Expect(page.Locator("#lead-photo")).ToBeVisibleAsync();
        // the element shows before its image has loaded (naturalWidth 0 until then): wait for the decoded picture
        await page.WaitForFunctionAsync("() => { const img = document.getElementById('lead-photo'); return img.complete && img.naturalWidth === 1; }");
        await page.ClickAsync("#history-tab");
        await Expect(page.Locator("#history-list")).ToContainTextAsync("changed Photo");
        await ShotAsync(page, "photo");
        AssertNothingBroke();
    }
}

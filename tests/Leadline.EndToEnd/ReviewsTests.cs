using System.Text.Json.Nodes;
using Leadline.EndToEnd.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Leadline.EndToEnd;

/// <summary>Settings → Reviews, marking a job won (the review request reaches the fake Graph API), and a note with a photo.</summary>
public sealed class ReviewsTests(ConversationServer server) : BrowserTest(server), IClassFixture<ConversationServer>
{
    private ConversationServer Conversations => (ConversationServer)Server;



    [Fact]
    public async Task Marking_a_job_won_sends_the_review_request_to_the_provider()
    {
        var name = $"Review Customer {Guid.NewGuid().ToString("N")[..5]}";
        var lead = await CreateLeadAsync(name, "+972 50 765 4321");
        var page = await OpenPageAsync();
        await SignInAsAdminAsync(page);

        // the workspace's review link, a template, and requests by themselves on a won job
        await page.GotoAsync("/settings/reviews");
        await page.FillAsync("#review-link", "https://reviews.example.com/acme");
        await page.CheckAsync("#review-auto");
        await page.FillAsync("#review-template", "review_request");
        await page.FillAsync("#review-parameters", "{{lead.name}}\n{{review.link}}");
        await page.ClickAsync("#review-settings-save");
        await Expect(page.Locator("#reviews-saved")).ToBeVisibleAsync();
        await Artifacts.ShotsAsync(page, "reviews-settings");

        await page.GotoAsync($"/leads/{lead}");
        await Expect(page.Locator("#review-status")).ToHaveTextAsync("not requested");
        await page.ClickAsync("#outcome-won");
        await Expect(page.Locator("#review-status")).ToHaveAttributeAsync("data-status", "sent");
        await Expect(page.Locator("#outcome-won")).ToHaveAttributeAsync("aria-pressed", "true");

        var sent = await Conversations.Graph.SentAsync(m => (string?)m["template"]?["name"] == "review_request");
        var parameters = sent["template"]!["components"]![0]!["parameters"]!.AsArray();
        Assert.Equal(name, (string?)parameters[0]!["text"]);
        var link = (string)parameters[1]!["text"]!;
        Assert.StartsWith(Server.BaseUrl.TrimEnd('/') + "/r/", link);
        await Artifacts.ShotsAsync(page, "reviews-lead-won");

        // the customer opens the link (another browser, nobody signed in): sent on to the review page; the lead says clicked
        var customer = await OpenPageAsync();
        var click = await customer.APIRequest.GetAsync(link, new() { MaxRedirects = 0 });
        Assert.Equal(302, click.Status);
        Assert.Equal("https://reviews.example.com/acme", click.Headers["location"]);
        await page.ReloadAsync();
        await Expect(page.Locator("#review-status")).ToHaveAttributeAsync("data-status", "clicked");
        await page.ClickAsync("#review-completed");
        await Expect(page.Locator("#review-status")).ToHaveAttributeAsync("data-status", "completed");
        await Artifacts.ShotsAsync(page, "reviews-lead-completed");
        AssertNothingBroke();
    }

    [Fact]
    public async Task A_note_with_a_photo_shows_its_thumbnail()
    {
        var lead = await CreateLeadAsync($"Photo Note {Guid.NewGuid().ToString("N")[..5]}");
        var page = await OpenPageAsync();
        await SignInAsAdminAsync(page);
        await page.GotoAsync($"/leads/{lead}?tab=notes");
        await page.FillAsync("#note-text", "The living room before the work");
        await page.SetInputFilesAsync("#note-files", [
            new FilePayload { Name = "living-room.png", MimeType = "image/png", Buffer = ConversationServer.RoomPhoto },
            new FilePayload { Name = "quote.pdf", MimeType = "application/pdf", Buffer = "%PDF-1.4\n%%EOF\n"u8.ToArray() },
        ]);
        await page.ClickAsync("#save-note");

        var thumb = page.Locator("#notes-list img.note-thumb");
        await Expect(thumb).ToBeVisibleAsync();
        await Expect(thumb).ToHaveAttributeAsync("alt", "living-room.png");
        Assert.Equal(240, await thumb.EvaluateAsync<int>("img => img.complete ? img.naturalWidth : new Promise(r => img.onload = () => r(img.naturalWidth))"));
        await Expect(page.Locator("#notes-list a.note-file")).ToContainTextAsync("quote.pdf");
        await Artifacts.ShotsAsync(page, "notes-photo");
        AssertNothingBroke();
    }

    [Fact]
    public async Task An_admin_adds_a_mailbox_on_the_channels_page_beside_the_whatsapp_number()
    {
        var page = await OpenPageAsync();
        await SignInAsAdminAsync(page);
        await page.GotoAsync("/settings/channels");
        await page.ClickAsync("#channel-add-email");
        await Expect(page.Locator("#channel-form-card")).ToContainTextAsync("New E-mail mailbox");
        await page.FillAsync("#ch-name", "Office mailbox");
        await page.FillAsync("#ch-fromAddress", "office@example.com");
        await page.FillAsync("#ch-smtpHost", "127.0.0.1");
        await page.FillAsync("#ch-smtpPort", "2525");
        await page.UncheckAsync("#ch-useTls");
        await page.FillAsync("#ch-username", "office");
        await page.FillAsync("#ch-password", "mailbox-password");
        await Artifacts.ShotsAsync(page, "channels-add-mailbox");
        await page.ClickAsync("#channel-save");

        var card = page.Locator("[data-kind=email]").Filter(new() { HasText = "Office mailbox" });
        await Expect(card).ToContainTextAsync("office@example.com · SMTP 127.0.0.1:2525");
        await Expect(card).ToContainTextAsync("not read: no IMAP server set");
        await Expect(page.Locator("#channels-flash")).ToContainTextAsync("Saved “Office mailbox”.");
        await Expect(page.Locator("[data-kind=whatsapp]").First).ToContainTextAsync("Webhook URL");
        Assert.DoesNotContain("mailbox-password", await page.ContentAsync(), StringComparison.Ordinal);
        await Artifacts.ShotsAsync(page, "channels");
        AssertNothingBroke();
    }
}

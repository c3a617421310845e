using System.Net;
using System.Text.Json.Nodes;
using Leadline.Channels;
using Leadline.Data;
using Leadline.EndToEnd.Infrastructure;
using Leadline.Leads;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Leadline.EndToEnd;

/// <summary>
/// A customer's website on another origin (a tiny Kestrel on another loopback port, with a strict CSP of its own) that embeds
/// the widget script from the app; two web forms: one that allows that site, one that does not.
/// </summary>
public sealed class WebformServer : AdminServer, IDisposable
{
    private WebApplication? _site;

    public string SiteUrl { get; private set; } = "";

    public string AllowedKey { get; private set; } = "";

    public string OtherKey { get; private set; } = "";

    /// <summary>The office mailbox's SMTP server: replies by e-mail arrive here.</summary>
    public Leadline.Tests.Conversations.Email.TestSmtpServer Smtp { get; } = new();

    protected override async Task ArrangeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        _site = builder.Build();
        _site.MapGet("/{key}", (string key, HttpResponse response) =>
        {
            // the host page's own policy: scripts and connections only to itself and the app, no inline styles
            response.Headers.ContentSecurityPolicy = $"default-src 'self'; script-src 'self' {BaseUrl}; connect-src {BaseUrl}; style-src 'self'";
            return Results.Content($"""
                <!DOCTYPE html>
                <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Plumbing Co</title></head>
                <body><h1>Plumbing Co</h1><p>Leaks, boilers, bathrooms. Ask us anything.</p>
                <script src="{BaseUrl}/f/{key}/widget.js" async></script></body></html>
                """, "text/html");
        });
        await _site.StartAsync();
        SiteUrl = _site.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();

        await using var scope = Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<LeadlineDb>();
        scope.ServiceProvider.GetRequiredService<WorkspaceScope>().Enter(await db.Workspaces.Select(w => w.Id).FirstAsync());
        var channels = scope.ServiceProvider.GetRequiredService<ChannelService>();
        var allowed = await channels.CreateAsync(new ChannelRequest("webform", "Plumbing Co enquiries",
            new JsonObject { ["allowedOrigins"] = new JsonArray(SiteUrl), ["thankYou"] = "Thanks! A plumber will call you today." }, null, true), CancellationToken.None);
        var other = await channels.CreateAsync(new ChannelRequest("webform", "Elsewhere",
            new JsonObject { ["allowedOrigins"] = new JsonArray("https://www.example.com") }, null, true), CancellationToken.None);
        Assert.True(allowed.Succeeded && other.Succeeded, string.Join(" ", allowed.Errors.All.Concat(other.Errors.All)));
        (AllowedKey, OtherKey) = (allowed.Value!.PublicKey!, other.Value!.PublicKey!);
        var mail = await channels.CreateAsync(new ChannelRequest("email", "Office mail",
            new JsonObject { ["smtpHost"] = "127.0.0.1", ["smtpPort"] = Smtp.Port, ["useTls"] = false, ["fromAddress"] = "office@plumbing.example" },
            new Dictionary<string, string?> { ["username"] = "office", ["password"] = "pw" }, true), CancellationToken.None);
        Assert.True(mail.Succeeded, string.Join(" ", mail.Errors.All));
    }

    public void Dispose()
    {
        _site?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        Smtp.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }
}

public sealed class WebformWidgetTests(WebformServer server) : BrowserTest(server), IClassFixture<WebformServer>
{
    private WebformServer Forms => (WebformServer)Server;

    private async Task<Lead?> LeadByEmailAsync(string email)
    {
        await using var scope = Server.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<LeadlineDb>();
        return await db.Leads.IgnoreQueryFilters().AsNoTracking().FirstOrDefaultAsync(l => l.Email == email);
    }

    [Fact]
    public async Task The_widget_on_another_sites_page_sends_an_enquiry_that_becomes_a_webform_lead()
    {
        var page = await OpenPageAsync();
        await page.GotoAsync($"{Forms.SiteUrl}/{Forms.AllowedKey}?utm_source=flyer");
        var widget = page.Locator("#leadline-widget");
        var open = widget.GetByRole(AriaRole.Button, new() { Name = "Send us a message" });
        await Expect(open).ToBeVisibleAsync();
        await ShotAsync(page, "1366-closed");
        await open.ClickAsync();
        await widget.Locator("#leadline-name").FillAsync("Wendy Widget");
        var email = NewEmail("wendy");
        await widget.Locator("#leadline-email").FillAsync(email);
        // a required field left empty: the server's error shows beside it
        await widget.GetByRole(AriaRole.Button, new() { Name = "Send", Exact = true }).ClickAsync();
        await Expect(widget.Locator("#leadline-message-error")).ToContainTextAsync("Message is required.");
        await widget.Locator("#leadline-message").FillAsync("Dripping tap in the <b>kitchen</b>, can you come tomorrow?");
        await page.SetViewportSizeAsync(1366, 768);
        await ShotAsync(page, "1366-open");
        await widget.GetByRole(AriaRole.Button, new() { Name = "Send", Exact = true }).ClickAsync();
        await Expect(widget.GetByRole(AriaRole.Status)).ToHaveTextAsync("Thanks! A plumber will call you today.");
        await ShotAsync(page, "1366-sent");

        Lead? lead = null;
        for (var i = 0; i < 100 && lead is null; i++)
        {
            lead = await LeadByEmailAsync(email);
            if (lead is null)
                await Task.Delay(100);
        }
        Assert.NotNull(lead);
        Assert.Equal(LeadIntakeMode.Webform, lead.IntakeMode);
        Assert.Equal("Dripping tap in the kitchen, can you come tomorrow?", lead.Enquiry);
        Assert.Equal("Wendy Widget", lead.Name);
        Assert.StartsWith("utm_source=flyer · " + Forms.SiteUrl, lead.SourceDetail, StringComparison.Ordinal);

        // a phone's width: the button and the form fit
        await page.SetViewportSizeAsync(390, 844);
        await page.ReloadAsync();
        await widget.GetByRole(AriaRole.Button, new() { Name = "Send us a message" }).ClickAsync();
        await Expect(widget.Locator("#leadline-message")).ToBeVisibleAsync();
        await ShotAsync(page, "390-open");
        var width = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth");
        Assert.True(width <= 390, $"the page is {width} px wide at 390 px");
        // the 400 of the first try is the widget's own inline error, not a fault
        Assert.All(BrowserProblems, p => Assert.Contains("400", p, StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_enquiry_from_the_widget_waits_in_the_inbox_is_answered_by_email_and_meets_the_sla()
    {
        // the customer, on the plumber's own site
        var site = await OpenPageAsync();
        await site.GotoAsync($"{Forms.SiteUrl}/{Forms.AllowedKey}");
        var widget = site.Locator("#leadline-widget");
        await widget.GetByRole(AriaRole.Button, new() { Name = "Send us a message" }).ClickAsync();
        var name = $"Ivy Inbox {Guid.NewGuid().ToString("N")[..6]}";
        var email = NewEmail("ivy");
        await widget.Locator("#leadline-name").FillAsync(name);
        await widget.Locator("#leadline-email").FillAsync(email);
        await widget.Locator("#leadline-message").FillAsync("The boiler is making a banging noise, can someone look at it?");
        await widget.GetByRole(AriaRole.Button, new() { Name = "Send", Exact = true }).ClickAsync();
        await Expect(widget.GetByRole(AriaRole.Status)).ToHaveTextAsync("Thanks! A plumber will call you today.");

        // the team: the enquiry waits in the Inbox's Now queue
        var page = await OpenPageAsync();
        await SignInAsAdminAsync(page);
        await page.GotoAsync("/inbox?queue=now");
        // the submission is stored first and read by the worker a moment later; the open Inbox refreshes itself when it lands
        var row = page.Locator(".inbox-row", new() { HasText = name });
        await Expect(row).ToBeVisibleAsync(new() { Timeout = 20_000 });
        await ShotAsync(page, "inbox-now");
        await row.ClickAsync();
        await Expect(page.Locator("h1")).ToContainTextAsync(name);
        await Expect(page.Locator(".sla-badge").First).ToHaveAttributeAsync("data-sla", "due");

        // the reply box offers e-mail (a web form cannot be answered), with a subject
        await page.ClickAsync("#messages-tab");
        var reply = page.Locator(".reply-form");
        await Expect(reply.Locator(".reply-channel-note, .reply-channel")).ToContainTextAsync("E-mail");
        await Expect(reply.Locator(".reply-subject")).ToBeVisibleAsync();
        await reply.Locator(".reply-subject").FillAsync("Your boiler");
        await reply.Locator(".reply-text").FillAsync("We can come on Thursday at 10 to look at the boiler.");
        await reply.Locator(".reply-send").ClickAsync();
        await Expect(page.Locator(".reply-notice")).ToBeVisibleAsync();

        // the office's SMTP server receives it, addressed to the customer
        Leadline.Tests.Conversations.Email.TestSmtpServer.Mail? sent = null;
        for (var i = 0; i < 60 && sent is null; i++)
        {
            sent = Forms.Smtp.Mails.FirstOrDefault(m => m.To.Contains(email));
            if (sent is null)
                await Task.Delay(250);
        }
        Assert.NotNull(sent);
        Assert.Contains("Subject: Your boiler", sent.Data, StringComparison.Ordinal);
        Assert.Contains("Thursday at 10", sent.Data, StringComparison.Ordinal);

        // answered in time: the SLA shows met, and the lead left the Now queue
        await page.ReloadAsync();
        await Expect(page.Locator(".sla-badge").First).ToHaveAttributeAsync("data-sla", "met");
        await ShotAsync(page, "sla-met");
        await page.GotoAsync("/inbox?queue=now");
        await Expect(page.Locator(".inbox-row", new() { HasText = name })).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task A_site_the_form_does_not_allow_gets_no_cors_headers_and_no_lead_is_made()
    {
        var page = await OpenPageAsync();
        var preflight = await page.APIRequest.FetchAsync($"{Server.BaseUrl}/f/{Forms.OtherKey}", new()
        {
            Method = "OPTIONS",
            Headers = new Dictionary<string, string> { ["Origin"] = Forms.SiteUrl, ["Access-Control-Request-Method"] = "POST", ["Access-Control-Request-Headers"] = "content-type" },
        });
        Assert.False(preflight.Headers.ContainsKey("access-control-allow-origin"));
        var allowedPreflight = await page.APIRequest.FetchAsync($"{Server.BaseUrl}/f/{Forms.AllowedKey}", new()
        {
            Method = "OPTIONS",
            Headers = new Dictionary<string, string> { ["Origin"] = Forms.SiteUrl, ["Access-Control-Request-Method"] = "POST", ["Access-Control-Request-Headers"] = "content-type" },
        });
        Assert.Equal(Forms.SiteUrl, allowedPreflight.Headers.GetValueOrDefault("access-control-allow-origin"));

        await page.GotoAsync($"{Forms.SiteUrl}/{Forms.OtherKey}");
        var widget = page.Locator("#leadline-widget");
        await widget.GetByRole(AriaRole.Button, new() { Name = "Send us a message" }).ClickAsync();
        await widget.Locator("#leadline-name").FillAsync("Mallory");
        var email = NewEmail("mallory");
        await widget.Locator("#leadline-email").FillAsync(email);
        await widget.Locator("#leadline-message").FillAsync("From a site that is not allowed");
        await widget.GetByRole(AriaRole.Button, new() { Name = "Send", Exact = true }).ClickAsync();
        await Expect(widget.GetByRole(AriaRole.Alert).Last).ToContainTextAsync("could not be sent");
        Assert.Null(await LeadByEmailAsync(email));
    }

    [Fact]
    public async Task The_hosted_form_works_without_script_at_both_widths()
    {
        var page = await OpenPageAsync();
        foreach (var width in new[] { 1366, 390 })
        {
            await page.SetViewportSizeAsync(width, width == 390 ? 844 : 768);
            await page.GotoAsync($"{Server.BaseUrl}/f/{Forms.AllowedKey}");
            await Expect(page.Locator("h1")).ToHaveTextAsync("Plumbing Co enquiries");
            await ShotAsync(page, $"{width}-hosted");
            Assert.True(await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth") <= width);
        }
        var email = NewEmail("hosted");
        await page.FillAsync("#wf-name", "Harry Hosted");
        await page.FillAsync("#wf-email", email);
        await page.FillAsync("#wf-message", "Bathroom refit quote please");
        await page.ClickAsync("#webform-send");
        await Expect(page.Locator("#webform-thanks")).ToHaveTextAsync("Thanks! A plumber will call you today.");
        await ShotAsync(page, "390-hosted-sent");
        AssertNothingBroke();
    }
}

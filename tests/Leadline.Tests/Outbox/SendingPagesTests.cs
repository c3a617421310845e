using System.Net;
using System.Net.Http.Json;
using Leadline.Outbox;
using Leadline.Tests.TestInfrastructure;
using Microsoft.EntityFrameworkCore;

namespace Leadline.Tests.Outbox;

public sealed class SendingPagesTests
{
    private static async Task<HttpResponseMessage> PostFormAsync(HttpClient browser, string page, string action, Dictionary<string, string> fields)
    {
        var html = await browser.GetStringAsync(page);
        fields["__RequestVerificationToken"] = CookieBrowser.AntiforgeryToken(html);
        return await browser.PostAsync(action, new FormUrlEncodedContent(fields));
    }

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task The_channels_page_adds_a_number_shows_its_webhook_and_sends_a_test_message_through_the_outbox(Db db)
    {
        await using var h = await SendingHarness.StartAsync(db);
        var browser = await CookieBrowser.SignInAsync(h.App, h.Workspace.AdminEmail);

        var saved = await PostFormAsync(browser, "/settings/channels?add=1", "/settings/channels/save", new()
        {
            ["kind"] = "whatsapp", ["name"] = "Support WhatsApp", ["phoneNumberId"] = "99887766", ["wabaId"] = "5566", ["displayPhone"] = "+852 5555 0000",
            ["accessToken"] = "page-token-secret", ["appSecret"] = "page-app-secret",
        });
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        var page = await browser.GetStringAsync("/settings/channels");
        Assert.Contains("Support WhatsApp", page, StringComparison.Ordinal);
        var id = await h.WithDbAsync(d => d.Channels.Where(c => c.Name == "Support WhatsApp").Select(c => c.Id).SingleAsync());
        Assert.Contains($"/webhooks/meta/{id}</code>", page, StringComparison.Ordinal);
        Assert.DoesNotContain("page-token-secret", page, StringComparison.Ordinal);
        Assert.DoesNotContain("page-app-secret", page, StringComparison.Ordinal);

        var test = await PostFormAsync(browser, "/settings/channels", $"/settings/channels/{id}/test", new() { ["to"] = "+852 9123 4567" });
        Assert.Equal(HttpStatusCode.Redirect, test.StatusCode);
        await h.DispatchAsync();
        var sent = Assert.Single(h.Graph.SentMessages);
        Assert.Equal("85291234567", sent["to"]!.GetValue<string>());
        Assert.Equal("hello_world", sent["template"]!["name"]!.GetValue<string>());
        Assert.Equal("Bearer page-token-secret", h.Graph.Requests.Last().Authorization);
        var after = await browser.GetStringAsync("/settings/channels");
        Assert.Matches("data-target=\"(\\+|&#x2B;)85291234567\" data-status=\"sent\"", after);   // Blazor writes + as &#x2B;

        // a failed send shows on the outbox page with Meta's reason, and Retry sends it
        h.Graph.FailNext(1, 400, 131047, "Re-engagement message");
        await PostFormAsync(browser, "/settings/channels", $"/settings/channels/{id}/test", new() { ["to"] = "+852 9123 4568" });
        await h.DispatchAsync();
        var outbox = await browser.GetStringAsync("/settings/outbox");
        Assert.Contains("(#131047) Re-engagement message", outbox, StringComparison.Ordinal);
        var failedId = await h.WithDbAsync(d => d.Outbox.Where(o => o.Status == OutboxStatus.Failed).Select(o => o.Id).SingleAsync());
        var retry = await PostFormAsync(browser, "/settings/outbox", $"/settings/outbox/{failedId}/retry", []);
        Assert.Equal(HttpStatusCode.Redirect, retry.StatusCode);
        await h.DispatchAsync();
        Assert.Equal(OutboxStatus.Sent, await h.WithDbAsync(d => d.Outbox.Where(o => o.Id == failedId).Select(o => o.Status).SingleAsync()));

        var (_, agentEmail, _) = await h.Workspace.AddUserAsync("Agent");
        var agent = await CookieBrowser.SignInAsync(h.App, agentEmail);
        Assert.NotEqual(HttpStatusCode.OK, (await agent.GetAsync("/settings/channels")).StatusCode);
        Assert.NotEqual(HttpStatusCode.OK, (await agent.GetAsync("/settings/outbox")).StatusCode);
    }
}

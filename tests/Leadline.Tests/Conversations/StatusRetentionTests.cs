using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Leadline.Channels;
using Leadline.Conversations;
using Leadline.Conversations.Inbound;
using Leadline.Tests.Outbox;
using Leadline.Tests.TestInfrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Leadline.Tests.Conversations;

/// <summary>Delivery statuses that arrive before the send's answer, and how long webhook deliveries are kept.</summary>
public sealed class StatusRetentionTests
{
    private const string Phone = "+85291234567";

    /// <summary>The outbox and the webhook worker both driven by the test; the retention too.</summary>
    private static Task<SendingHarness> StartAsync(Db db) => SendingHarness.StartAsync(db, settings: new Dictionary<string, string?>
    {
        ["Leadline:Webhooks:Enabled"] = "false",
        ["Leadline:Webhooks:CleanupEnabled"] = "false",
    });

    private static WhatsappKit Kit(SendingHarness h) => new(h.Workspace, h.ChannelId, SendingHarness.PhoneNumberId, SendingHarness.AppSecret);

    private static async Task<long> ReplyAsync(SendingHarness h, int leadId, string text)
    {
        var response = await h.Admin.PostAsJsonAsync($"/api/v1/leads/{leadId}/messages", new { text });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
    }

    private static async Task<int> RetainAsync(SendingHarness h)
    {
        await using var scope = h.App.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<WebhookRetention>().RunOnceAsync(CancellationToken.None);
    }

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task Statuses_that_arrive_before_the_send_is_recorded_are_held_and_applied_when_it_is(Db db)
    {
        await using var h = await StartAsync(db);
        var kit = Kit(h);
        var lead = await h.LeadAsync("Wong Ka Ming", Phone, wroteAgo: TimeSpan.FromHours(1));
        var messageId = await ReplyAsync(h, lead, "The flat is free on Sunday.");
        var now = h.App.Clock.GetUtcNow();

        // Meta's webhooks for the id its answer will give (the fake numbers its sends: wamid.fake.1), before that answer
        await kit.PostOkAsync(kit.Status("wamid.fake.1", "delivered", now));
        await kit.PostOkAsync(kit.Status("wamid.fake.1", "sent", now));
        await kit.PostOkAsync(kit.Status("wamid.fake.1", "read", now.AddSeconds(5)));
        await kit.PostOkAsync(kit.Status("wamid.elsewhere", "read", now));   // sent from another tool: never known
        await kit.ProcessAsync();
        Assert.Equal(MessageStatus.Queued, await h.WithDbAsync(d => d.Messages.Where(m => m.Id == messageId).Select(m => m.Status).SingleAsync()));
        Assert.Equal(4, await h.WithDbAsync(d => d.Set<PendingMessageStatus>().CountAsync()));

        Assert.Equal(1, await h.DispatchAsync());
        var message = await h.WithDbAsync(d => d.Messages.AsNoTracking().SingleAsync(m => m.Id == messageId));
        Assert.Equal(("wamid.fake.1", MessageStatus.Read), (message.ProviderMessageId, message.Status));
        Assert.Equal(["wamid.elsewhere"], await h.WithDbAsync(d => d.Set<PendingMessageStatus>().Select(p => p.ProviderMessageId).ToListAsync()));

        // a failure Meta reports before the answer is the message's state, with its reason
        var second = await ReplyAsync(h, lead, "And on Monday?");
        await kit.PostOkAsync(kit.Status("wamid.fake.2", "failed", now, new JsonObject
        {
            ["code"] = 131026, ["title"] = "Message undeliverable", ["message"] = "Message undeliverable",
            ["error_data"] = new JsonObject { ["details"] = "The recipient's phone number is not a WhatsApp number." },
        }));
        await kit.ProcessAsync();
        Assert.Equal(1, await h.DispatchAsync());
        var failed = await h.WithDbAsync(d => d.Messages.AsNoTracking().SingleAsync(m => m.Id == second));
        Assert.Equal(MessageStatus.Failed, failed.Status);
        Assert.Contains("not a WhatsApp number", failed.Error, StringComparison.Ordinal);

        // a status held for a message never known is dropped after a day
        h.App.Clock.Advance(TimeSpan.FromHours(23));
        await RetainAsync(h);
        Assert.Equal(1, await h.WithDbAsync(d => d.Set<PendingMessageStatus>().CountAsync()));
        h.App.Clock.Advance(TimeSpan.FromHours(2));
        await RetainAsync(h);
        Assert.Equal(0, await h.WithDbAsync(d => d.Set<PendingMessageStatus>().CountAsync()));
    }

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task Processed_deliveries_are_deleted_after_seven_days_failed_ones_after_thirty_unprocessed_never(Db db)
    {
        await using var h = await StartAsync(db);
        var clock = h.App.Clock;
        var start = clock.GetUtcNow().UtcDateTime;
        var ids = await h.WithDbAsync(async d =>
        {
            WebhookDelivery Delivery(string name, DateTime? processedAt, string? error = null) => new()
            {
                ChannelId = h.ChannelId, Body = $$"""{"name":"{{name}}"}""", ReceivedAt = start, ProcessedAt = processedAt, Attempts = 1, Error = error,
            };
            var rows = new Dictionary<string, WebhookDelivery>
            {
                ["processed"] = Delivery("processed", start),
                ["processedLater"] = Delivery("processedLater", start.AddDays(3)),
                ["failed"] = Delivery("failed", start, "InvalidOperationException: broken"),
                ["retrying"] = Delivery("retrying", null, "HttpRequestException: media not fetched"),
                ["waiting"] = Delivery("waiting", null),
            };
            d.WebhookDeliveries.AddRange(rows.Values);
            await d.SaveChangesAsync();
            return rows.ToDictionary(r => r.Key, r => r.Value.Id);
        });
        async Task<List<string>> LeftAsync() =>
            [.. (await h.WithDbAsync(d => d.WebhookDeliveries.Select(x => x.Id).ToListAsync())).Select(id => ids.Single(i => i.Value == id).Key).Order()];

        clock.Set(new DateTimeOffset(start.AddDays(7).AddMinutes(-1), TimeSpan.Zero));
        Assert.Equal(0, await RetainAsync(h));
        clock.Set(new DateTimeOffset(start.AddDays(7).AddMinutes(1), TimeSpan.Zero));
        // two instances at once: each delivery goes once, neither fails
        var runs = await Task.WhenAll(Task.Run(() => RetainAsync(h)), Task.Run(() => RetainAsync(h)));
        Assert.Equal(1, runs.Sum());
        Assert.Equal(["failed", "processedLater", "retrying", "waiting"], await LeftAsync());

        clock.Set(new DateTimeOffset(start.AddDays(10).AddMinutes(1), TimeSpan.Zero));
        await RetainAsync(h);
        Assert.Equal(["failed", "retrying", "waiting"], await LeftAsync());

        clock.Set(new DateTimeOffset(start.AddDays(30).AddMinutes(1), TimeSpan.Zero));
        await RetainAsync(h);
        Assert.Equal(["retrying", "waiting"], await LeftAsync());
        clock.Set(new DateTimeOffset(start.AddDays(400), TimeSpan.Zero));
        await RetainAsync(h);
        Assert.Equal(["retrying", "waiting"], await LeftAsync());
    }
}

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Leadline.Conversations;
using Leadline.Data;
using Leadline.Outbox;
using Leadline.Tests.TestInfrastructure;
using Microsoft.EntityFrameworkCore;

namespace Leadline.Tests.Outbox;

public sealed class OutboxTests
{
    private const string Phone = "+85291234567";

    private static async Task<JsonElement> SendAsync(SendingHarness h, int leadId, object body, HttpStatusCode expected = HttpStatusCode.Accepted)
    {
        var response = await h.Admin.PostAsJsonAsync($"/api/v1/leads/{leadId}/messages", body);
        Assert.True(response.StatusCode == expected, $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private static Task<Message> MessageAsync(SendingHarness h, long id) => h.WithDbAsync(db => db.Messages.AsNoTracking().FirstAsync(m => m.Id == id));

    private static Task<OutboxMessage> OutboxRowAsync(SendingHarness h, long messageId) =>
        h.WithDbAsync(db => db.Outbox.AsNoTracking().FirstAsync(o => o.MessageId == messageId));

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task A_reply_is_queued_then_sent_to_the_Graph_API_with_the_bearer_token_and_recorded_as_sent(Db db)
    {
        await using var h = await SendingHarness.StartAsync(db);
        var lead = await h.LeadAsync("Wong Ka Ming", Phone, wroteAgo: TimeSpan.FromHours(2));

        var queued = await SendAsync(h, lead, new { text = "Yes! Viewing tomorrow at 3pm?" });
        Assert.Equal("queued", queued.GetProperty("status").GetString());
        Assert.Equal("outbound", queued.GetProperty("direction").GetString());
        Assert.Equal("text", queued.GetProperty("type").GetString());
        Assert.Equal("whatsapp", queued.GetProperty("channel").GetString());
        Assert.Equal("Ada Admin", queued.GetProperty("userName").GetString());
        Assert.Empty(h.Graph.Requests);   // nothing leaves before the dispatcher runs

        Assert.Equal(1, await h.DispatchAsync());

        var request = Assert.Single(h.Graph.Requests);
        Assert.Equal($"/v25.0/{SendingHarness.PhoneNumberId}/messages", request.Path);
        Assert.Equal("Bearer " + SendingHarness.AccessToken, request.Authorization);
        var body = JsonDocument.Parse(request.Body).RootElement;
        Assert.Equal("whatsapp", body.GetProperty("messaging_product").GetString());
        Assert.Equal("individual", body.GetProperty("recipient_type").GetString());
        Assert.Equal("85291234567", body.GetProperty("to").GetString());
        Assert.Equal("text", body.GetProperty("type").GetString());
        Assert.Equal("Yes! Viewing tomorrow at 3pm?", body.GetProperty("text").GetProperty("body").GetString());

        var message = await MessageAsync(h, queued.GetProperty("id").GetInt64());
        Assert.Equal(MessageStatus.Sent, message.Status);
        Assert.Equal("wamid.fake.1", message.ProviderMessageId);
        Assert.Equal(OutboxStatus.Sent, (await OutboxRowAsync(h, message.Id)).Status);
        Assert.Equal(0, await h.DispatchAsync());   // sent once
        Assert.Single(h.Graph.Requests);
    }

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task Free_text_outside_the_24_hour_window_is_refused_and_a_template_is_allowed(Db db)
    {
        await using var h = await SendingHarness.StartAsync(db);
        var old = await h.LeadAsync("Chan Tai Man", Phone, wroteAgo: TimeSpan.FromHours(24));
        var never = await h.LeadAsync("Never Wrote", "+85298765432");

        foreach (var lead in new[] { old, never })
        {
            var response = await h.Admin.PostAsJsonAsync($"/api/v1/leads/{lead}/messages", new { text = "Are you still interested?" });
            Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal("windowClosed", problem.GetProperty("code").GetString());
            Assert.Contains("template", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }
        Assert.Equal(0, await h.WithDbAsync(d => d.Messages.CountAsync()));   // nothing half-written

        await SendAsync(h, old, new { template = new { name = "follow_up", language = "en", parameters = new[] { "{{lead.name}}" } } });
        Assert.Equal(1, await h.DispatchAsync());
        var sent = Assert.Single(h.Graph.SentMessages);
        Assert.Equal("template", sent["type"]!.GetValue<string>());
    }

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task A_template_is_hydrated_from_the_lead_its_custom_field_and_its_owner(Db db)
    {
        await using var h = await SendingHarness.StartAsync(db);
        h.Graph.Templates.Add(System.Text.Json.Nodes.JsonNode.Parse("""
            { "name": "payment_link", "language": "en_US", "status": "APPROVED", "category": "UTILITY",
              "components": [{ "type": "BODY", "text": "Hi {{1}}, {{2}} here: your payment link for unit {{3}} is {{4}}" }] }
            """)!.AsObject());
        var field = await h.Admin.PostAsJsonAsync("/api/v1/custom-fields", new { key = "unit", label = "Unit", type = "text" });
        Assert.Equal(HttpStatusCode.Created, field.StatusCode);
        var me = await h.Admin.GetFromJsonAsync<JsonElement>("/api/v1/me");
        var lead = await h.LeadAsync("Wong Ka Ming", Phone, extra: new { name = "Wong Ka Ming", phone = Phone, company = "Kowloon Flats", ownerId = me.GetProperty("id").GetInt32(), customFields = new { unit = "12B" } });

        var parameters = new[] { "{{lead.name}}", "{{owner.name}}", "{{lead.cf.unit}} ({{lead.company}})", "https://pay.example/abc" };
        var preview = await h.Admin.PostAsJsonAsync($"/api/v1/leads/{lead}/messages/preview", new { template = new { name = "payment_link", language = "en", parameters } });
        Assert.Equal(HttpStatusCode.OK, preview.StatusCode);
        const string expected = "Hi Wong Ka Ming, Ada Admin here: your payment link for unit 12B (Kowloon Flats) is https://pay.example/abc";
        Assert.Equal(expected, (await preview.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("text").GetString());   // synced on first use

        var queued = await SendAsync(h, lead, new { template = new { name = "payment_link", language = "en", parameters } });
        Assert.Equal(expected, queued.GetProperty("text").GetString());
        Assert.Equal("template", queued.GetProperty("type").GetString());
        await h.DispatchAsync();

        var sent = JsonDocument.Parse(h.Graph.Requests.Last().Body).RootElement;
        Assert.Equal("Bearer " + SendingHarness.AccessToken, h.Graph.Requests.Last().Authorization);
        var template = sent.GetProperty("template");
        Assert.Equal("payment_link", template.GetProperty("name").GetString());
        Assert.Equal("en_US", template.GetProperty("language").GetProperty("code").GetString());   // the synced template's language
        var component = Assert.Single(template.GetProperty("components").EnumerateArray().ToList());
        Assert.Equal("body", component.GetProperty("type").GetString());
        Assert.Equal(["Wong Ka Ming", "Ada Admin", "12B (Kowloon Flats)", "https://pay.example/abc"],
            component.GetProperty("parameters").EnumerateArray().Select(p => p.GetProperty("text").GetString()!).ToArray());
        Assert.All(component.GetProperty("parameters").EnumerateArray(), p => Assert.Equal("text", p.GetProperty("type").GetString()));
    }

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task Transient_errors_are_retried_within_the_attempt_then_the_message_is_sent(Db db)
    {
        await using var h = await SendingHarness.StartAsync(db);
        var lead = await h.LeadAsync("Retry Person", Phone, wroteAgo: TimeSpan.FromMinutes(5));
        h.Graph.FailNext(2);   // 500, code 131000

        var queued = await SendAsync(h, lead, new { text = "Hello again" });
        await h.DispatchAsync();

        Assert.Equal(3, h.Graph.Requests.Count);
        Assert.Equal(1, h.Graph.SentCount);
        var row = await OutboxRowAsync(h, queued.GetProperty("id").GetInt64());
        Assert.Equal(OutboxStatus.Sent, row.Status);
        Assert.Equal(1, row.Attempts);
        Assert.Equal(MessageStatus.Sent, (await MessageAsync(h, row.MessageId!.Value)).Status);
    }

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task After_the_last_attempt_the_message_is_a_dead_letter_with_Meta_s_error_and_a_retry_sends_it(Db db)
    {
        await using var h = await SendingHarness.StartAsync(db, maxAttempts: 3);
        var lead = await h.LeadAsync("Dead Letter", Phone, wroteAgo: TimeSpan.FromMinutes(5));
        h.Graph.FailNext(9, 503, 131000, "Service temporarily unavailable");   // 3 attempts of 3 quick tries each
        var queued = await SendAsync(h, lead, new { text = "Will this arrive?" });
        var messageId = queued.GetProperty("id").GetInt64();

        await h.DispatchAsync();
        var row = await OutboxRowAsync(h, messageId);
        Assert.Equal((OutboxStatus.Pending, 1), (row.Status, row.Attempts));
        Assert.True(row.NextAttemptAt > h.App.Clock.GetUtcNow().UtcDateTime, "backed off");
        Assert.Equal(0, await h.DispatchAsync());   // not due yet
        for (var attempt = 2; attempt <= 3; attempt++)
        {
            h.App.Clock.Advance(TimeSpan.FromHours(2));
            Assert.Equal(1, await h.DispatchAsync());
        }
        Assert.Equal(9, h.Graph.Requests.Count);
        Assert.Equal(0, h.Graph.SentCount);

        var failed = await h.Admin.GetFromJsonAsync<JsonElement>("/api/v1/outbox?status=failed");
        var item = Assert.Single(failed.GetProperty("items").EnumerateArray().ToList());
        Assert.Equal("whatsapp.message", item.GetProperty("kind").GetString());
        Assert.Equal(Phone, item.GetProperty("target").GetString());
        Assert.Equal(3, item.GetProperty("attempts").GetInt32());
        Assert.Equal("failed", item.GetProperty("status").GetString());
        Assert.Contains("131000", item.GetProperty("lastError").GetString(), StringComparison.Ordinal);
        Assert.Contains("Service temporarily unavailable", item.GetProperty("lastError").GetString(), StringComparison.Ordinal);
        var message = await MessageAsync(h, messageId);
        Assert.Equal(MessageStatus.Failed, message.Status);
        Assert.Contains("Service temporarily unavailable", message.Error, StringComparison.Ordinal);

        var retry = await h.Admin.PostAsync($"/api/v1/outbox/{item.GetProperty("id").GetInt64()}/retry", null);
        Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await h.Admin.PostAsync($"/api/v1/outbox/{item.GetProperty("id").GetInt64()}/retry", null)).StatusCode);
        Assert.Equal(1, await h.DispatchAsync());
        Assert.Equal(1, h.Graph.SentCount);
        Assert.Equal(MessageStatus.Sent, (await MessageAsync(h, messageId)).Status);
        Assert.Empty((await h.Admin.GetFromJsonAsync<JsonElement>("/api/v1/outbox?status=failed")).GetProperty("items").EnumerateArray());

        var (_, _, agent) = await h.Workspace.AddUserAsync("Agent");
        Assert.Equal(HttpStatusCode.Forbidden, (await agent.GetAsync("/api/v1/outbox?status=failed")).StatusCode);
    }

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task A_refusal_by_Meta_fails_at_once_with_its_reason_on_the_message(Db db)
    {
        await using var h = await SendingHarness.StartAsync(db);
        var lead = await h.LeadAsync("Refused", Phone, wroteAgo: TimeSpan.FromMinutes(5));
        h.Graph.FailNext(1, 400, 131026, "Message undeliverable");
        var queued = await SendAsync(h, lead, new { text = "Hi" });

        await h.DispatchAsync();

        Assert.Single(h.Graph.Requests);   // a 4xx is not retried
        var message = await MessageAsync(h, queued.GetProperty("id").GetInt64());
        Assert.Equal(MessageStatus.Failed, message.Status);
        Assert.Contains("(#131026) Message undeliverable", message.Error, StringComparison.Ordinal);
        Assert.Equal(OutboxStatus.Failed, (await OutboxRowAsync(h, message.Id)).Status);
    }

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task A_message_claimed_by_an_instance_that_died_is_sent_by_another_after_its_lease(Db db)
    {
        await using var h = await SendingHarness.StartAsync(db);
        var lead = await h.LeadAsync("Crash Case", Phone, wroteAgo: TimeSpan.FromMinutes(5));
        var claimed = await SendAsync(h, lead, new { text = "claimed when the instance died" });
        var waiting = await SendAsync(h, lead, new { text = "still pending" });
        var now = h.App.Clock.GetUtcNow().UtcDateTime;
        // the state a crash between the claim (or the send) and its commit leaves: Sending, held by a dead instance
        await h.WithDbAsync(d => d.Outbox.Where(o => o.MessageId == claimed.GetProperty("id").GetInt64())
            .ExecuteUpdateAsync(s => s.SetProperty(o => o.Status, OutboxStatus.Sending).SetProperty(o => o.ClaimedBy, "dead-instance")
                .SetProperty(o => o.Attempts, 1).SetProperty(o => o.LeaseUntil, now.AddMinutes(2))));

        Assert.Equal(1, await h.DispatchAsync());   // only the pending one: the claimed one is held by its lease
        Assert.Equal(["still pending"], h.Graph.SentMessages.Select(m => m["text"]!["body"]!.GetValue<string>()));

        h.App.Clock.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(1, await h.DispatchAsync());
        Assert.Equal(["still pending", "claimed when the instance died"], h.Graph.SentMessages.Select(m => m["text"]!["body"]!.GetValue<string>()));
        var row = await OutboxRowAsync(h, claimed.GetProperty("id").GetInt64());
        Assert.Equal((OutboxStatus.Sent, 2), (row.Status, row.Attempts));
        Assert.NotEqual("dead-instance", row.ClaimedBy);
        Assert.Equal(0, await h.WithDbAsync(d => d.Outbox.CountAsync(o => o.Status != OutboxStatus.Sent)));
    }

    [Fact]
    public async Task Two_instances_on_one_PostgreSQL_database_send_200_messages_exactly_once()
    {
        if (!TestDatabase.PostgresAvailable)
            return;
        await using var h = await SendingHarness.StartAsync(Db.Postgres);
        await using var second = new LeadlineApp(h.App.Database, SendingHarness.Settings(h.Graph), ownsDatabase: false);
        second.StartServer();
        var lead = await h.LeadAsync("Busy Lead", Phone, wroteAgo: TimeSpan.FromMinutes(5));
        for (var i = 0; i < 200; i++)
            await SendAsync(h, lead, new { text = $"message {i}" });

        var runs = Enumerable.Range(0, 4).Select(i => Task.Run(() => h.DispatchAsync(i % 2 == 0 ? h.App : second))).ToArray();
        var attempted = (await Task.WhenAll(runs)).Sum();
        attempted += await h.DispatchAsync();

        Assert.Equal(200, attempted);
        var texts = h.Graph.SentMessages.Select(m => m["text"]!["body"]!.GetValue<string>()).ToList();
        Assert.Equal(200, texts.Count);
        Assert.Equal(200, texts.Distinct().Count());
        var claimedBy = await h.WithDbAsync(d => d.Outbox.Where(o => o.Status == OutboxStatus.Sent).Select(o => o.ClaimedBy).Distinct().CountAsync());
        Assert.True(claimedBy >= 2, $"both instances took part ({claimedBy} claimers)");
        Assert.Equal(200, await h.WithDbAsync(d => d.Messages.CountAsync(m => m.Status == MessageStatus.Sent && m.ProviderMessageId != null)));
    }

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task Channel_secrets_are_never_returned_or_logged_and_a_patch_keeps_them(Db db)
    {
        await using var h = await SendingHarness.StartAsync(db);
        var list = await h.Admin.GetStringAsync("/api/v1/channels");
        var one = await h.Admin.GetStringAsync($"/api/v1/channels/{h.ChannelId}");
        var patched = await h.Admin.PatchAsJsonAsync($"/api/v1/channels/{h.ChannelId}", new { name = "Renamed", settings = new { displayPhone = "+972 1" } });
        Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
        var patchedBody = await patched.Content.ReadAsStringAsync();
        var channel = JsonDocument.Parse(one).RootElement;
        Assert.EndsWith($"/webhooks/meta/{h.ChannelId}", channel.GetProperty("webhookUrl").GetString(), StringComparison.Ordinal);
        Assert.StartsWith("http", channel.GetProperty("webhookUrl").GetString(), StringComparison.Ordinal);
        Assert.False(string.IsNullOrEmpty(channel.GetProperty("settings").GetProperty("verifyToken").GetString()));   // generated, shown
        Assert.Equal(["accessToken", "appSecret"], channel.GetProperty("secretsSet").EnumerateArray().Select(s => s.GetString()!).ToArray());

        var lead = await h.LeadAsync("Secret Keeper", Phone, wroteAgo: TimeSpan.FromMinutes(5));
        await SendAsync(h, lead, new { text = "after the patch" });
        await h.DispatchAsync();
        Assert.Equal("Bearer " + SendingHarness.AccessToken, h.Graph.Requests.Last().Authorization);   // the patch kept the token

        foreach (var text in new[] { list, one, patchedBody }.Concat(h.App.Logs))
        {
            Assert.DoesNotContain(SendingHarness.AccessToken, text, StringComparison.Ordinal);
            Assert.DoesNotContain(SendingHarness.AppSecret, text, StringComparison.Ordinal);
        }
        var missing = await h.Admin.PostAsJsonAsync("/api/v1/channels", new { kind = "whatsapp", name = "No ids", settings = new { }, secrets = new { accessToken = "x", appSecret = "y" } });
        var errors = await missing.ErrorsAsync();
        Assert.True(errors.TryGetProperty("settings.phoneNumberId", out _));
        Assert.True(errors.TryGetProperty("settings.wabaId", out _));
        var (_, _, agent) = await h.Workspace.AddUserAsync("Agent");
        Assert.Equal(HttpStatusCode.Forbidden, (await agent.GetAsync("/api/v1/channels")).StatusCode);
    }
}

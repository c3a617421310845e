using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Leadline.Channels;
using Leadline.Conversations;
using Leadline.Tests.TestInfrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Leadline.Tests.Conversations;

public sealed class MetaWebhookTests(WhatsappFixture fixture) : IClassFixture<WhatsappFixture>
{
    [Fact]
    public void Signature_vectors_verify_over_the_escaped_bytes_only()
    {
        using var vectors = JsonDocument.Parse(File.ReadAllText(Path.Combine(WhatsappKit.DataFolder, "x_hub_signature_256_vectors.json")));
        var cases = vectors.RootElement.GetProperty("cases").EnumerateArray().ToList();
        Assert.NotEmpty(cases);
        foreach (var c in cases)
        {
            var secret = c.GetProperty("app_secret").GetString()!;
            var signed = Encoding.UTF8.GetBytes(c.GetProperty("body_as_signed_escaped").GetString()!);
            var header = c.GetProperty("expected_header").GetString()!;
            Assert.Equal(c.GetProperty("valid").GetBoolean(), MetaSignature.Verify(secret, signed, header));
            Assert.Equal(header, MetaSignature.Sign(secret, signed));
            // the counter-example: the same text as decoded UTF-8 has another HMAC, and the header does not verify it
            var raw = Encoding.UTF8.GetBytes(c.GetProperty("body_text").GetString()!);
            Assert.False(MetaSignature.Verify(secret, raw, header));
            Assert.Equal("sha256=" + c.GetProperty("counter_example_hmac_over_raw_utf8").GetString(), MetaSignature.Sign(secret, raw));
            // a tampered body, a wrong secret, a malformed header
            var tampered = (byte[])signed.Clone();
            tampered[^1] ^= 1;
            Assert.False(MetaSignature.Verify(secret, tampered, header));
            Assert.False(MetaSignature.Verify("not-the-secret", signed, header));
            Assert.False(MetaSignature.Verify(secret, signed, "sha256=zz"));
            Assert.False(MetaSignature.Verify(secret, signed, null));
            Assert.False(MetaSignature.Verify(null, signed, header));
        }
    }

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task A_flood_of_deliveries_holds_processing_back_while_it_lasts_and_not_after(Db db)
    {
        var app = await fixture.For(db);
        var kit = await WhatsappKit.CreateAsync(await TestWorkspace.CreateAsync(app));
        // an inbox of its own with a low threshold, on the app's database (the app's own serves the other tests)
        var inbox = new WebhookInbox(app.Services.GetRequiredService<IServiceScopeFactory>(), new Leadline.Conversations.Inbound.WebhookDeliverySignal(),
            Microsoft.Extensions.Options.Options.Create(new Leadline.Conversations.Inbound.WebhookOptions { AcknowledgeFirstAbove = 20 }),
            Microsoft.Extensions.Logging.Abstractions.NullLogger<WebhookInbox>.Instance);
        await inbox.StartAsync(CancellationToken.None);
        try
        {
            Assert.False(inbox.Busy);
            await inbox.WaitWhileBusyAsync(TimeSpan.FromSeconds(5), CancellationToken.None);   // calm: returns at once
            var now = app.Clock.GetUtcNow();
            await Task.WhenAll(Enumerable.Range(0, 25).Select(i => inbox.StoreAsync(new WebhookDelivery
            {
                WorkspaceId = kit.Workspace.Id, ChannelId = kit.ChannelId, ReceivedAt = now.UtcDateTime,
                Body = kit.Text("85291230000", "Flood", $"Message {i}", $"wamid.flood.{i}", now).ToJsonString(),
            }, CancellationToken.None)));
            Assert.True(inbox.Busy);
            var held = System.Diagnostics.Stopwatch.StartNew();
            await inbox.WaitWhileBusyAsync(TimeSpan.FromMilliseconds(300), CancellationToken.None);
            Assert.True(held.ElapsedMilliseconds >= 250, $"held back {held.ElapsedMilliseconds} ms");   // at most the given wait, then it goes on
            // once nothing has arrived for a whole second the flood is over
            await Task.Delay(TimeSpan.FromSeconds(2.1));
            Assert.False(inbox.Busy);
        }
        finally
        {
            await inbox.StopAsync(CancellationToken.None);
        }
        await using var scope = kit.Workspace.Scope(out var stored);
        Assert.Equal(25, await stored.WebhookDeliveries.CountAsync(d => d.ChannelId == kit.ChannelId));
    }

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task The_verify_handshake_echoes_the_challenge_only_for_the_channels_token(Db db)
    {
        var kit = await WhatsappKit.CreateAsync(await TestWorkspace.CreateAsync(await fixture.For(db)), verifyToken: "verify-me");
        using var client = kit.Workspace.App.CreateClient();
        var ok = await client.GetAsync($"/webhooks/meta/{kit.ChannelId}?hub.mode=subscribe&hub.verify_token=verify-me&hub.challenge=8642");
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Equal("text/plain", ok.Content.Headers.ContentType?.MediaType);
        Assert.Equal("8642", await ok.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync($"/webhooks/meta/{kit.ChannelId}?hub.mode=subscribe&hub.verify_token=wrong&hub.challenge=1")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync($"/webhooks/meta/{kit.ChannelId}?hub.mode=unsubscribe&hub.verify_token=verify-me&hub.challenge=1")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/webhooks/meta/{kit.ChannelId + 100000}?hub.mode=subscribe&hub.verify_token=verify-me&hub.challenge=1")).StatusCode);
    }

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task A_delivery_is_stored_only_with_a_valid_signature_over_its_raw_bytes(Db db)
    {
        var app = await fixture.For(db);
        var kit = await WhatsappKit.CreateAsync(await TestWorkspace.CreateAsync(app));
        var body = WhatsappKit.Bytes(kit.Text("85291234567", "Wong Ka Ming", "價格多少?", "wamid.sig.1", app.Clock.GetUtcNow()));
        Assert.Contains("\\u", Encoding.UTF8.GetString(body), StringComparison.Ordinal);   // escaped, as Meta sends it

        var tampered = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(body).Replace("Wong", "Wang", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.Unauthorized, (await kit.PostAsync(tampered, MetaSignature.Sign(kit.AppSecret, body))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await kit.PostAsync(body, MetaSignature.Sign("not-the-secret", body))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await kit.PostAsync(body, "")).StatusCode);
        await using (var scope = kit.Workspace.Scope(out var before))
            Assert.Equal(0, await before.WebhookDeliveries.CountAsync());

        Assert.Equal(HttpStatusCode.OK, (await kit.PostAsync(body)).StatusCode);
        await using (var scope = kit.Workspace.Scope(out var after))
        {
            var stored = Assert.Single(await after.WebhookDeliveries.ToListAsync());
            Assert.Equal(Encoding.UTF8.GetString(body), stored.Body);   // exactly as it came
            Assert.Null(stored.ProcessedAt);
        }
        Assert.Equal(1, await kit.ProcessAsync());
        await using (var scope = kit.Workspace.Scope(out var processed))
        {
            Assert.NotNull((await processed.WebhookDeliveries.SingleAsync()).ProcessedAt);
            Assert.Equal("價格多少?", (await processed.Messages.SingleAsync()).Text);
        }

        // an unknown channel is not found, whatever the signature
        using var client = app.CreateClient();
        using var content = new ByteArrayContent(body);
        Assert.Equal(HttpStatusCode.NotFound, (await client.PostAsync($"/webhooks/meta/{kit.ChannelId + 100000}", content)).StatusCode);
    }

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task A_channel_saved_with_a_new_app_secret_or_turned_off_is_honoured_at_once_despite_the_kept_channel(Db db)
    {
        var app = await fixture.For(db);
        var kit = await WhatsappKit.CreateAsync(await TestWorkspace.CreateAsync(app));
        var body = WhatsappKit.Bytes(kit.Text("85291230000", "Chan", "Hi", "wamid.cache.1", app.Clock.GetUtcNow()));
        Assert.Equal(HttpStatusCode.OK, (await kit.PostAsync(body)).StatusCode);   // the channel is kept from here on

        var patched = await kit.Workspace.Admin.PatchAsync($"/api/v1/channels/{kit.ChannelId}",
            new StringContent("""{"secrets":{"appSecret":"the-new-secret"}}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await kit.PostAsync(body)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await kit.PostAsync(body, MetaSignature.Sign("the-new-secret", body))).StatusCode);

        var off = await kit.Workspace.Admin.PatchAsync($"/api/v1/channels/{kit.ChannelId}", new StringContent("""{"active":false}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, off.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await kit.PostAsync(body, MetaSignature.Sign("the-new-secret", body))).StatusCode);
    }

    /// <summary>The type each pywa body's message is stored as (file, example → type); echoes of replies are outbound.</summary>
    private static readonly Dictionary<string, MessageType> Expected = new()
    {
        ["message.text"] = MessageType.Text, ["message.image"] = MessageType.Image, ["message.media_with_url"] = MessageType.Image,
        ["message.video"] = MessageType.Video, ["message.document"] = MessageType.Document, ["message.audio"] = MessageType.Audio,
        ["message.voice"] = MessageType.Audio, ["message.static_sticker"] = MessageType.Sticker, ["message.animated_sticker"] = MessageType.Sticker,
        ["message.reaction"] = MessageType.Reaction, ["message.unreaction_empty"] = MessageType.Reaction, ["message.unreaction_no_emoji"] = MessageType.Reaction,
        ["message.current_location"] = MessageType.Location, ["message.chosen_location"] = MessageType.Location, ["message.contacts"] = MessageType.Contacts,
        ["message.order"] = MessageType.Order, ["message.unsupported"] = MessageType.Unknown, ["message.unsupported_with_type"] = MessageType.Unknown,
        ["message.reply"] = MessageType.Text, ["message.forwarded"] = MessageType.Text, ["message.forwarded_many_times"] = MessageType.Text,
        ["message.interactive_message_with_err"] = MessageType.Interactive, ["message.referral"] = MessageType.Text,
        ["deleted_message.revoke"] = MessageType.Delete, ["edited_message.image"] = MessageType.Edit,
        ["flow_completion.completion"] = MessageType.Interactive, ["flow_completion.without_flow_token"] = MessageType.Interactive,
        ["callback_button.button"] = MessageType.Interactive, ["callback_button.quick_reply"] = MessageType.Button,
        ["callback_button.quick_reply_without_context"] = MessageType.Button, ["callback_selection.callback"] = MessageType.Interactive,
        ["callback_selection.description"] = MessageType.Interactive, ["system.phone_number_change"] = MessageType.System,
        ["system.identity_change"] = MessageType.System,
        // a reply to a call permission request: an interactive message of a type kept with its JSON
        ["call_permission_update.accept"] = MessageType.Interactive, ["call_permission_update.reject"] = MessageType.Interactive,
    };

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task Every_pywa_body_is_accepted_and_its_messages_stored_as_their_type(Db db)
    {
        var kit = await WhatsappKit.CreateAsync(await TestWorkspace.CreateAsync(await fixture.For(db)));
        var files = Directory.GetFiles(Path.Combine(WhatsappKit.DataFolder, "pywa"), "*.json").Order(StringComparer.Ordinal).ToList();
        Assert.Equal(19, files.Count);
        var posted = 0;
        var ids = new Dictionary<string, string>();
        foreach (var file in files)
        {
            var name = Path.GetFileNameWithoutExtension(file);
            foreach (var (example, node) in JsonNode.Parse(File.ReadAllText(file))!.AsObject())
            {
                var body = node!.DeepClone();
                foreach (var change in body["entry"]!.AsArray().SelectMany(e => e!["changes"]!.AsArray()))
                {
                    if (change!["value"] is not JsonObject value)
                        continue;
                    if (value["metadata"] is JsonObject metadata)
                        metadata["phone_number_id"] = kit.PhoneNumberId;
                    foreach (var (message, i) in (value["messages"]?.AsArray() ?? []).Select((m, i) => (m!, i)))
                        message["id"] = ids[$"{name}.{example}"] = $"wamid.pywa.{name}.{example}.{i}";
                }
                await kit.PostOkAsync(body);
                posted++;
                await kit.ProcessAsync();   // one by one: an echo of a reply belongs to the lead an earlier body made
            }
        }
        Assert.Equal(74, posted);

        await using var scope = kit.Workspace.Scope(out var data);
        var deliveries = await data.WebhookDeliveries.ToListAsync();
        Assert.Equal(74, deliveries.Count);
        Assert.All(deliveries, d => Assert.True(d.ProcessedAt is not null && d.Error is null, $"delivery {d.Id}: {d.Error}"));
        var messages = await data.Messages.ToListAsync();
        foreach (var (example, type) in Expected)
        {
            var message = Assert.Single(messages, m => m.ProviderMessageId == ids[example]);
            Assert.True(type == message.Type, $"{example}: {message.Type}, expected {type}");
            Assert.Equal(MessageDirection.Inbound, message.Direction);
        }
        Assert.True(Expected.Count == messages.Count(m => m.Direction == MessageDirection.Inbound),
            string.Join(", ", messages.Where(m => m.Direction == MessageDirection.Inbound && !Expected.Keys.Any(k => ids[k] == m.ProviderMessageId)).Select(m => $"{m.ProviderMessageId}:{m.Type}")));
        // the WhatsApp Business app's echo of a reply: outbound, on the customer's lead
        var outbound = messages.Where(m => m.Direction == MessageDirection.Outbound).ToList();
        Assert.True(outbound.Count == 1, string.Join(" | ", outbound.Select(m => $"{m.ProviderMessageId} {m.Type} {m.Text} lead {m.LeadId}")));
        var echo = outbound[0];
        Assert.Equal(("Test message", MessageType.Text, MessageStatus.Sent), (echo.Text, echo.Type, echo.Status));

        Assert.Equal("Body Text", messages.Single(m => m.ProviderMessageId == ids["message.text"]).Text);
        Assert.Contains("Facebook HQ", messages.Single(m => m.ProviderMessageId == ids["message.chosen_location"]).Text, StringComparison.Ordinal);
        Assert.Equal("😮", messages.Single(m => m.ProviderMessageId == ids["message.reaction"]).Text);
        Assert.Contains("Chandler Bing", messages.Single(m => m.ProviderMessageId == ids["message.contacts"]).Text, StringComparison.Ordinal);
        Assert.Contains("HAMBURGER", messages.Single(m => m.ProviderMessageId == ids["message.order"]).Text, StringComparison.Ordinal);
        Assert.Equal("Updated image caption", messages.Single(m => m.ProviderMessageId == ids["edited_message.image"]).MediaCaption);
        Assert.Contains("not supported", messages.Single(m => m.ProviderMessageId == ids["message.unsupported"]).Error, StringComparison.Ordinal);
        Assert.Contains("Unsupported webhook payload", messages.Single(m => m.ProviderMessageId == ids["message.interactive_message_with_err"]).Error, StringComparison.Ordinal);
        var document = messages.Single(m => m.ProviderMessageId == ids["message.document"]);
        Assert.Equal(("application/pdf", "1234567890987654321", "caption"), (document.MediaMimeType, document.MediaProviderId, document.MediaCaption));

        // one lead for the pywa customer, found by wa_id whatever the message; the Flow replies are submissions
        var lead = await data.Leads.SingleAsync(l => l.PhoneDigits == "972987654321");
        Assert.Equal("Test Name", lead.Name);
        Assert.Equal(("ad or post", "ADID", "CTWA_CLID"), (lead.ReferralSource, lead.ReferralAdId, lead.ReferralCtwaClid));
        var submissions = await data.Submissions.Where(s => s.LeadId == lead.Id).OrderBy(s => s.Id).ToListAsync();
        Assert.Equal(2, submissions.Count);
        Assert.Equal("AQAAAAACS5FpgQ_cAAAAAD0QI3s.", submissions[0].Flow);
        Assert.Equal("flow", submissions[1].Flow);
        Assert.Equal("4", JsonDocument.Parse(submissions[0].Data).RootElement.GetProperty("delivery_rating").GetString());
        // the number change of system.json added the new number to its lead and kept the old
        var identities = await data.ChannelIdentities.Where(i => i.LeadId == lead.Id).Select(i => i.ExternalId).ToListAsync();
        Assert.Contains("972987654321", identities);
        Assert.Contains("972912345678", identities);
        Assert.Equal("US.13491208655302741918", (await data.ChannelIdentities.SingleAsync(i => i.ExternalId == "972987654321")).Bsuid);
    }
}

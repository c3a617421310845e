using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Leadline.Channels;
using Leadline.Conversations;
using Leadline.Conversations.Inbound;
using Leadline.Leads;
using Leadline.Tests.TestInfrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Leadline.Tests.Conversations;

public sealed class WhatsappInboundTests(WhatsappFixture fixture) : IClassFixture<WhatsappFixture>
{
    private async Task<WhatsappKit> KitAsync(Db db) => await WhatsappKit.CreateAsync(await TestWorkspace.CreateAsync(await fixture.For(db), defaultCountry: "HK"));

    private static async Task<JsonElement> LeadAsync(WhatsappKit kit, int id) => await kit.Workspace.Admin.GetFromJsonAsync<JsonElement>($"/api/v1/leads/{id}");

    private static async Task<List<JsonElement>> MessagesAsync(WhatsappKit kit, int leadId) =>
        (await kit.Workspace.Admin.GetFromJsonAsync<JsonElement>($"/api/v1/leads/{leadId}/messages")).GetProperty("items").EnumerateArray().ToList();

    private static async Task<int> LeadIdOfAsync(WhatsappKit kit, string waId)
    {
        await using var scope = kit.Workspace.Scope(out var db);
        return await db.ChannelIdentities.Where(i => i.ExternalId == waId).Select(i => i.LeadId).SingleAsync();
    }

    /// <summary>Runs <paramref name="workers"/> processors at once, as several instances would.</summary>
    private static Task<int[]> ProcessConcurrentlyAsync(WhatsappKit kit, int workers = 3) =>
        Task.WhenAll(Enumerable.Range(0, workers).Select(_ => Task.Run(kit.ProcessAsync)));

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task A_new_sender_becomes_a_whatsapp_lead_with_its_name_phone_enquiry_and_bsuid(Db db)
    {
        var kit = await KitAsync(db);
        var at = kit.Workspace.App.Clock.GetUtcNow().AddMinutes(-10);
        await kit.PostOkAsync(kit.Text("85291234567", "Wong Ka Ming", "Hi, is the flat in Mong Kok still available? 價格多少?", "wamid.new.1", at, bsuid: "US.852912345670001"));
        await kit.ProcessAsync();

        var leadId = await LeadIdOfAsync(kit, "85291234567");
        var lead = await LeadAsync(kit, leadId);
        Assert.Equal("Wong Ka Ming", lead.GetProperty("name").GetString());
        Assert.Equal("+85291234567", lead.GetProperty("phoneE164").GetString());
        Assert.Equal("whatsapp", lead.GetProperty("intakeMode").GetString());
        Assert.Equal("whatsapp", lead.GetProperty("source").GetString());
        Assert.Equal("Hi, is the flat in Mong Kok still available? 價格多少?", lead.GetProperty("enquiry").GetString());
        var identity = Assert.Single(lead.GetProperty("channelIdentities").EnumerateArray());
        Assert.Equal((kit.ChannelId, "whatsapp", "85291234567", "US.852912345670001"),
            (identity.GetProperty("channelId").GetInt32(), identity.GetProperty("kind").GetString(), identity.GetProperty("externalId").GetString(), identity.GetProperty("bsuid").GetString()));
        Assert.Equal(at.UtcDateTime, lead.GetProperty("lastInboundAt").GetDateTime());
        Assert.True(lead.GetProperty("whatsappWindow").GetProperty("open").GetBoolean());
        Assert.Equal(JsonValueKind.Null, lead.GetProperty("referral").ValueKind);

        var message = Assert.Single(await MessagesAsync(kit, leadId));
        Assert.Equal(("inbound", "text", "delivered", "wamid.new.1"), (message.GetProperty("direction").GetString(), message.GetProperty("type").GetString(),
            message.GetProperty("status").GetString(), message.GetProperty("providerMessageId").GetString()));
        Assert.Equal(at.UtcDateTime, message.GetProperty("at").GetDateTime());

        // the same customer again, by wa_id; and by BSUID alone when a later webhook gives no number
        await kit.PostOkAsync(kit.Text("85291234567", "Wong", "Second", "wamid.new.2", at.AddMinutes(1)));
        var bsuidOnly = kit.Text("85291234567", null, "By user id", "wamid.new.3", at.AddMinutes(2), bsuid: "US.852912345670001");
        bsuidOnly["entry"]![0]!["changes"]![0]!["value"]!["messages"]![0]!.AsObject().Remove("from");
        bsuidOnly["entry"]![0]!["changes"]![0]!["value"]!["contacts"]![0]!.AsObject().Remove("wa_id");
        await kit.PostOkAsync(bsuidOnly);
        await kit.ProcessAsync();
        Assert.Equal(["Hi, is the flat in Mong Kok still available? 價格多少?", "Second", "By user id"],
            (await MessagesAsync(kit, leadId)).Select(m => m.GetProperty("text").GetString()));
        await using var scope = kit.Workspace.Scope(out var data);
        Assert.Equal(1, await data.Leads.CountAsync());
        Assert.Equal("Hi, is the flat in Mong Kok still available? 價格多少?", (await data.Leads.SingleAsync()).Enquiry);   // the first text stays
    }

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task Ten_concurrent_redeliveries_of_one_message_store_it_once(Db db)
    {
        var kit = await KitAsync(db);
        var body = WhatsappKit.Bytes(kit.Text("85261112222", "Chan", "Once only", "wamid.dup.1", kit.Workspace.App.Clock.GetUtcNow()));
        var answers = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => Task.Run(() => kit.PostAsync(body))));
        Assert.All(answers, a => Assert.Equal(HttpStatusCode.OK, a.StatusCode));
        await ProcessConcurrentlyAsync(kit);

        await using var scope = kit.Workspace.Scope(out var data);
        Assert.Equal(10, await data.WebhookDeliveries.CountAsync(d => d.ProcessedAt != null && d.Error == null));
        Assert.Equal(1, await data.Messages.CountAsync(m => m.ProviderMessageId == "wamid.dup.1"));
        Assert.Equal(1, await data.Leads.CountAsync());
        Assert.Equal(1, await data.ChannelIdentities.CountAsync());
    }

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task Messages_of_new_senders_processed_at_once_make_one_lead_each(Db db)
    {
        var kit = await KitAsync(db);
        var now = kit.Workspace.App.Clock.GetUtcNow();
        var senders = Enumerable.Range(0, 5).Select(i => $"8526333000{i}").ToList();
        foreach (var sender in senders)
            for (var n = 0; n < 3; n++)
                await kit.PostOkAsync(kit.Text(sender, "Sender " + sender[^1], $"message {n}", $"wamid.par.{sender}.{n}", now.AddSeconds(n)));
        await ProcessConcurrentlyAsync(kit);

        await using var scope = kit.Workspace.Scope(out var data);
        Assert.Equal(5, await data.Leads.CountAsync());
        Assert.Equal(15, await data.Messages.CountAsync());
        foreach (var sender in senders)
        {
            var identity = await data.ChannelIdentities.SingleAsync(i => i.ExternalId == sender);
            Assert.Equal(3, await data.Messages.CountAsync(m => m.LeadId == identity.LeadId));
            // the lead's last inbound time is the latest message's, whatever order they were processed in
            Assert.Equal(now.AddSeconds(2).UtcDateTime, (await data.Leads.SingleAsync(l => l.Id == identity.LeadId)).LastInboundAt);
        }
        Assert.Equal(0, await data.Leads.CountAsync(l => !data.ChannelIdentities.Any(i => i.LeadId == l.Id)));   // no orphan
    }

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task The_window_opens_only_with_customer_messages_by_metas_time_and_closes_after_24_hours(Db db)
    {
        var kit = await KitAsync(db);
        var clock = kit.Workspace.App.Clock;
        var now = clock.GetUtcNow();
        // a system notice makes the lead but opens no window
        await kit.PostOkAsync(kit.Message("85264440000", "Lee", "wamid.win.sys", now.AddMinutes(-1),
            new JsonObject { ["type"] = "system", ["system"] = new JsonObject { ["body"] = "User identity changed", ["type"] = "customer_identity_changed" } }));
        await kit.ProcessAsync();
        var leadId = await LeadIdOfAsync(kit, "85264440000");
        var lead = await LeadAsync(kit, leadId);
        Assert.Equal(JsonValueKind.Null, lead.GetProperty("whatsappWindow").ValueKind);
        Assert.Equal(JsonValueKind.Null, lead.GetProperty("lastInboundAt").ValueKind);

        // an old message (received now, written three days ago): the window is closed, from Meta's timestamp
        await kit.PostOkAsync(kit.Text("85264440000", "Lee", "old enquiry", "wamid.win.old", now.AddDays(-3)));
        await kit.ProcessAsync();
        var window = (await LeadAsync(kit, leadId)).GetProperty("whatsappWindow");
        Assert.False(window.GetProperty("open").GetBoolean());
        Assert.Equal(now.AddDays(-2).UtcDateTime, window.GetProperty("closesAt").GetDateTime());

        // a status of one of our messages does not open it either
        await using (var scope = kit.Workspace.Scope(out var data))
        {
            data.Messages.Add(new Message { LeadId = leadId, ChannelId = kit.ChannelId, Direction = MessageDirection.Outbound, Type = MessageType.Text, Text = "Hello?",
                Status = MessageStatus.Sent, ProviderMessageId = "wamid.win.out", At = now.UtcDateTime });
            await data.SaveChangesAsync();
        }
        await kit.PostOkAsync(kit.Status("wamid.win.out", "read", now));
        await kit.ProcessAsync();
        Assert.False((await LeadAsync(kit, leadId)).GetProperty("whatsappWindow").GetProperty("open").GetBoolean());

        var written = now.AddHours(-2);
        await kit.PostOkAsync(kit.Text("85264440000", "Lee", "still interested", "wamid.win.new", written));
        await kit.ProcessAsync();
        window = (await LeadAsync(kit, leadId)).GetProperty("whatsappWindow");
        Assert.True(window.GetProperty("open").GetBoolean());
        Assert.Equal(written.AddHours(24).UtcDateTime, window.GetProperty("closesAt").GetDateTime());
        clock.Advance(TimeSpan.FromHours(22) - TimeSpan.FromSeconds(1));
        using var later = await TestWorkspace.ClientForAsync(kit.Workspace.App, kit.Workspace.AdminEmail, TestWorkspace.Password);   // the first token has expired
        async Task<bool> OpenAsync() => (await later.GetFromJsonAsync<JsonElement>($"/api/v1/leads/{leadId}")).GetProperty("whatsappWindow").GetProperty("open").GetBoolean();
        Assert.True(await OpenAsync());
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.False(await OpenAsync());
    }

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task A_number_change_adds_the_new_number_to_the_lead_and_keeps_the_old(Db db)
    {
        var kit = await KitAsync(db);
        var now = kit.Workspace.App.Clock.GetUtcNow();
        await kit.PostOkAsync(kit.Text("85265550000", "Ho", "hello", "wamid.num.1", now.AddMinutes(-5)));
        await kit.ProcessAsync();
        var change = kit.Message("85265550000", null, "wamid.num.2", now.AddMinutes(-4), new JsonObject
        {
            ["type"] = "system",
            ["system"] = new JsonObject { ["body"] = "User A changed from 85265550000 to 85265559999", ["wa_id"] = "85265559999", ["type"] = "user_changed_number" },
        });
        change["entry"]![0]!["changes"]![0]!["value"]!.AsObject().Remove("contacts");
        await kit.PostOkAsync(change);
        await kit.ProcessAsync();
        await kit.PostOkAsync(kit.Text("85265559999", "Ho", "from my new number", "wamid.num.3", now.AddMinutes(-3)));
        await kit.ProcessAsync();

        var leadId = await LeadIdOfAsync(kit, "85265550000");
        Assert.Equal(leadId, await LeadIdOfAsync(kit, "85265559999"));
        var messages = await MessagesAsync(kit, leadId);
        Assert.Equal(["text", "system", "text"], messages.Select(m => m.GetProperty("type").GetString()));
        Assert.Equal(now.AddMinutes(-3).UtcDateTime, (await LeadAsync(kit, leadId)).GetProperty("lastInboundAt").GetDateTime());
        await using var scope = kit.Workspace.Scope(out var data);
        Assert.Equal(1, await data.Leads.CountAsync());
    }

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task A_click_to_whatsapp_ad_is_kept_on_the_lead(Db db)
    {
        var kit = await KitAsync(db);
        var message = new JsonObject
        {
            ["type"] = "text", ["text"] = new JsonObject { ["body"] = "I saw your ad" },
            ["referral"] = new JsonObject { ["source_url"] = "https://fb.me/ad", ["source_id"] = "120210000000001", ["source_type"] = "ad", ["headline"] = "Flats", ["ctwa_clid"] = "ARAkLk-clid" },
        };
        await kit.PostOkAsync(kit.Message("85266660000", "Ng", "wamid.ref.1", kit.Workspace.App.Clock.GetUtcNow(), message));
        await kit.ProcessAsync();
        var referral = (await LeadAsync(kit, await LeadIdOfAsync(kit, "85266660000"))).GetProperty("referral");
        Assert.Equal(("ad", "120210000000001", "ARAkLk-clid"),
            (referral.GetProperty("source").GetString(), referral.GetProperty("adId").GetString(), referral.GetProperty("ctwaClid").GetString()));
    }

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task Media_is_fetched_through_the_graph_api_into_storage_and_streamed_to_the_api(Db db)
    {
        var kit = await KitAsync(db);
        var bytes = Enumerable.Range(0, 300).Select(i => (byte)i).ToArray();
        var mediaId = "media-" + Guid.NewGuid().ToString("N")[..8];
        fixture.Graph.Media[mediaId] = ("image/jpeg", bytes);
        await kit.PostOkAsync(kit.Message("85267770000", "Tam", "wamid.media.1", kit.Workspace.App.Clock.GetUtcNow(), new JsonObject
        {
            ["type"] = "image", ["image"] = new JsonObject { ["id"] = mediaId, ["mime_type"] = "image/jpeg", ["sha256"] = "x", ["caption"] = "The flat" },
        }));
        await kit.ProcessAsync();

        var message = Assert.Single(await MessagesAsync(kit, await LeadIdOfAsync(kit, "85267770000")));
        Assert.Equal("image", message.GetProperty("type").GetString());
        var media = message.GetProperty("media");
        Assert.Equal(("image/jpeg", "The flat", true), (media.GetProperty("mimeType").GetString(), media.GetProperty("caption").GetString(), media.GetProperty("available").GetBoolean()));
        var response = await kit.Workspace.Admin.GetAsync(media.GetProperty("url").GetString());
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("image/jpeg", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(bytes, await response.Content.ReadAsByteArrayAsync());
        // both Graph calls carried the channel's token: the media's URL, then its bytes
        var calls = fixture.Graph.Requests.Where(r => r.Path.EndsWith(mediaId, StringComparison.Ordinal)).ToList();
        Assert.Equal(2, calls.Count);
        Assert.All(calls, c => Assert.Equal("Bearer " + WhatsappKit.AccessToken, c.Authorization));
        // another workspace cannot read it
        var other = await TestWorkspace.CreateAsync(kit.Workspace.App);
        Assert.Equal(HttpStatusCode.NotFound, (await other.Admin.GetAsync(media.GetProperty("url").GetString())).StatusCode);
    }

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task Statuses_move_a_message_forward_only_and_an_unknown_id_fails_nothing(Db db)
    {
        var kit = await KitAsync(db);
        var now = kit.Workspace.App.Clock.GetUtcNow();
        var leadId = (await kit.Workspace.Admin.CreateLeadAsync(new { name = "Status Sam" })).GetProperty("id").GetInt32();
        await using (var scope = kit.Workspace.Scope(out var data))
        {
            foreach (var id in new[] { "wamid.st.1", "wamid.st.2" })
                data.Messages.Add(new Message { LeadId = leadId, ChannelId = kit.ChannelId, Direction = MessageDirection.Outbound, Type = MessageType.Text, Text = "Hi",
                    Status = MessageStatus.Sent, ProviderMessageId = id, At = now.UtcDateTime });
            await data.SaveChangesAsync();
        }
        async Task<(string Status, string? Error)> StateAsync(string id)
        {
            var m = (await MessagesAsync(kit, leadId)).Single(x => x.GetProperty("providerMessageId").GetString() == id);
            return (m.GetProperty("status").GetString()!, m.GetProperty("error").GetString());
        }

        await kit.PostOkAsync(kit.Status("wamid.st.1", "read", now));
        await kit.PostOkAsync(kit.Status("wamid.st.1", "delivered", now));   // late: read stays
        await kit.ProcessAsync();
        Assert.Equal(("read", null), await StateAsync("wamid.st.1"));
        await kit.PostOkAsync(kit.Status("wamid.st.1", "sent", now));
        await kit.PostOkAsync(kit.Status("wamid.st.1", "failed", now, new JsonObject { ["code"] = 131000, ["title"] = "Something went wrong" }));
        await kit.ProcessAsync();
        Assert.Equal(("read", null), await StateAsync("wamid.st.1"));

        await kit.PostOkAsync(kit.Status("wamid.st.2", "delivered", now));
        await kit.ProcessAsync();
        Assert.Equal(("delivered", null), await StateAsync("wamid.st.2"));
        await kit.PostOkAsync(kit.Status("wamid.st.2", "sent", now));
        await kit.ProcessAsync();
        Assert.Equal(("delivered", null), await StateAsync("wamid.st.2"));

        await using (var scope = kit.Workspace.Scope(out var data))
        {
            data.Messages.Add(new Message { LeadId = leadId, ChannelId = kit.ChannelId, Direction = MessageDirection.Outbound, Type = MessageType.Text, Text = "Hi",
                Status = MessageStatus.Sent, ProviderMessageId = "wamid.st.3", At = now.UtcDateTime });
            await data.SaveChangesAsync();
        }
        await kit.PostOkAsync(kit.Status("wamid.st.3", "failed", now, new JsonObject
        {
            ["code"] = 131047, ["title"] = "Re-engagement message", ["message"] = "Re-engagement message",
            ["error_data"] = new JsonObject { ["details"] = "More than 24 hours have passed since the recipient last replied." },
        }));
        await kit.PostOkAsync(kit.Status("wamid.st.unknown", "read", now));
        await kit.ProcessAsync();
        var failed = await StateAsync("wamid.st.3");
        Assert.Equal("failed", failed.Status);
        Assert.Contains("More than 24 hours", failed.Error, StringComparison.Ordinal);
        await using (var scope = kit.Workspace.Scope(out var data))
            Assert.Equal(0, await data.WebhookDeliveries.CountAsync(d => d.ProcessedAt == null || d.Error != null));
    }

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task A_customer_known_by_phone_keeps_their_lead_and_its_owner_is_notified_once(Db db)
    {
        var kit = await KitAsync(db);
        var (agentId, _, _) = await kit.Workspace.AddUserAsync("Agent", "Ann Agent");
        var leadId = (await kit.Workspace.Admin.CreateLeadAsync(new { name = "Known Kwan", phone = "+852 6888 0000", ownerId = agentId })).GetProperty("id").GetInt32();
        var now = kit.Workspace.App.Clock.GetUtcNow();
        await kit.PostOkAsync(kit.Text("85268880000", "K. Kwan", "It's me", "wamid.known.1", now.AddMinutes(-2)));
        await kit.ProcessAsync();
        await kit.PostOkAsync(kit.Text("85268880000", "K. Kwan", "Again", "wamid.known.2", now.AddMinutes(-1)));
        await kit.ProcessAsync();

        Assert.Equal(leadId, await LeadIdOfAsync(kit, "85268880000"));
        var lead = await LeadAsync(kit, leadId);
        Assert.Equal("Known Kwan", lead.GetProperty("name").GetString());   // a known lead keeps its name
        Assert.Equal("api", lead.GetProperty("intakeMode").GetString());
        Assert.Equal("It's me", lead.GetProperty("enquiry").GetString());
        Assert.Equal(2, (await MessagesAsync(kit, leadId)).Count);
        await using var scope = kit.Workspace.Scope(out var data);
        Assert.Equal(1, await data.Leads.CountAsync());
        var notification = await data.Notifications.SingleAsync(n => n.LeadId == leadId);
        Assert.Equal(agentId, notification.UserId);
    }

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task The_api_records_how_a_lead_came_in(Db db)
    {
        var kit = await KitAsync(db);
        var admin = kit.Workspace.Admin;
        Assert.Equal("api", (await admin.CreateLeadAsync(new { name = "By API" })).GetProperty("intakeMode").GetString());
        Assert.Equal("walkIn", (await admin.CreateLeadAsync(new { name = "Walked in", intakeMode = "walkIn" })).GetProperty("intakeMode").GetString());
        Assert.Equal("phone", (await admin.CreateLeadAsync(new { name = "Called", intakeMode = "phone" })).GetProperty("intakeMode").GetString());
        var refused = await (await admin.PostAsJsonAsync("/api/v1/leads", new { name = "Claims WhatsApp", intakeMode = "whatsapp" })).ErrorsAsync();
        Assert.True(refused.TryGetProperty("intakeMode", out _));
        var lead = await admin.CreateLeadAsync(new { name = "Plain" });
        Assert.Empty(lead.GetProperty("channelIdentities").EnumerateArray());
        Assert.Equal(JsonValueKind.Null, lead.GetProperty("whatsappWindow").ValueKind);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync("/api/v1/leads/999999/messages")).StatusCode);
        var other = await TestWorkspace.CreateAsync(kit.Workspace.App);
        Assert.Equal(HttpStatusCode.NotFound, (await other.Admin.GetAsync($"/api/v1/leads/{lead.GetProperty("id").GetInt32()}/messages")).StatusCode);
    }

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task The_enquiry_is_the_earliest_text_by_metas_time_whatever_order_they_are_processed_in(Db db)
    {
        var kit = await KitAsync(db);
        var at = kit.Workspace.App.Clock.GetUtcNow().AddMinutes(-30);
        // the second text is processed first (deliveries are processed in parallel) and makes the lead
        await kit.PostOkAsync(kit.Text("85264440000", "Lam", "Also, is parking included?", "wamid.enq.2", at.AddSeconds(20)));
        await kit.ProcessAsync();
        var leadId = await LeadIdOfAsync(kit, "85264440000");
        Assert.Equal("Also, is parking included?", (await LeadAsync(kit, leadId)).GetProperty("enquiry").GetString());
        // the first one, processed later, replaces it; a still later text and an earlier image do not
        await kit.PostOkAsync(kit.Text("85264440000", "Lam", "Is the flat in Tai Koo still for rent?", "wamid.enq.1", at));
        await kit.ProcessAsync();
        await kit.PostOkAsync(kit.Text("85264440000", "Lam", "Hello?", "wamid.enq.3", at.AddMinutes(5)));
        await kit.PostOkAsync(kit.Message("85264440000", "Lam", "wamid.enq.0", at.AddSeconds(-30),
            new JsonObject { ["type"] = "location", ["location"] = new JsonObject { ["latitude"] = 22.28, ["longitude"] = 114.22 } }));
        await kit.ProcessAsync();
        Assert.Equal("Is the flat in Tai Koo still for rent?", (await LeadAsync(kit, leadId)).GetProperty("enquiry").GetString());

        // an enquiry that is not the thread's first text (given another way) is never replaced by an earlier message
        await using (var scope = kit.Workspace.Scope(out var data))
        {
            var lead = await data.Leads.SingleAsync(l => l.Id == leadId);
            lead.Enquiry = "Wants a 2-bedroom flat near the MTR (from the open day)";
            await data.SaveChangesAsync();
        }
        await kit.PostOkAsync(kit.Text("85264440000", "Lam", "Earliest of all", "wamid.enq.-1", at.AddMinutes(-1)));
        await kit.ProcessAsync();
        Assert.Equal("Wants a 2-bedroom flat near the MTR (from the open day)", (await LeadAsync(kit, leadId)).GetProperty("enquiry").GetString());
    }
}

public sealed class WhatsappSimulatorTests(WhatsappFixture fixture) : IClassFixture<WhatsappFixture>
{
    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task The_simulator_posts_signed_webhooks_that_make_a_lead_with_its_messages(Db db)
    {
        var kit = await WhatsappKit.CreateAsync(await TestWorkspace.CreateAsync(await fixture.For(db)));
        using var client = kit.Workspace.App.CreateClient();
        var output = new StringWriter();
        var options = new Dictionary<string, string>
        {
            ["channel"] = kit.ChannelId.ToString(System.Globalization.CultureInfo.InvariantCulture), ["secret"] = kit.AppSecret,
            ["from"] = "85291234567", ["name"] = "Wong", ["text"] = "Hi from the simulator", ["image"] = "true",
        };
        Assert.Equal(0, await MetaSimulator.RunAsync(ChannelKind.Whatsapp, options, output, client, CancellationToken.None));
        await kit.ProcessAsync();
        await using (var scope = kit.Workspace.Scope(out var data))
        {
            var lead = await data.Leads.SingleAsync();
            Assert.Equal(("Wong", "Hi from the simulator"), (lead.Name, lead.Enquiry));
            // two deliveries, processed in parallel: in either order
            Assert.Equal([MessageType.Text, MessageType.Image], (await data.Messages.Select(m => m.Type).ToListAsync()).Order());
        }
        // a wrong secret is refused, and the command says so
        options["secret"] = "not-the-secret";
        Assert.Equal(1, await MetaSimulator.RunAsync(ChannelKind.Whatsapp, options, output, client, CancellationToken.None));
        Assert.Contains("401", output.ToString(), StringComparison.Ordinal);
    }
}

using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Leadline.Channels;
using Leadline.Conversations;
using Leadline.Conversations.Inbound;
using Leadline.Leads;
using Leadline.Tests.TestInfrastructure;
using Microsoft.EntityFrameworkCore;

namespace Leadline.Tests.Conversations;

/// <summary>Messenger and Instagram on Meta's webhook: PSID/IGSID leads, echoes, ticks, and replies through the Send API with Meta's windows.</summary>
public sealed class MetaMessagingTests(ChannelFixture fixture) : IClassFixture<ChannelFixture>
{
    private const string AppSecret = "meta-app-secret-for-tests";

    private sealed record Kit(ChannelKit Channel, string AccountId, string Kind)
    {
        public string Object => Kind == "instagram" ? "instagram" : "page";
    }

    private async Task<Kit> KitAsync(Db db, string kind = "messenger")
    {
        var ws = await TestWorkspace.CreateAsync(await fixture.For(db));
        var id = Random.Shared.NextInt64(100_000_000_000, 999_999_999_999).ToString(System.Globalization.CultureInfo.InvariantCulture);
        object settings = kind == "instagram" ? new { accountId = id } : new { pageId = id };
        var channel = await ChannelKit.CreateAsync(ws, kind, settings, new { accessToken = "page-token", appSecret = AppSecret });
        return new Kit(channel, id, kind);
    }

    private static string NewId() => Random.Shared.NextInt64(1_000_000_000_000_000, 9_000_000_000_000_000).ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static long Ms(DateTimeOffset at) => at.ToUnixTimeMilliseconds();

    private static async Task PostAsync(Kit kit, params JsonObject[] events)
    {
        var body = new JsonObject
        {
            ["object"] = kit.Object,
            ["entry"] = new JsonArray(new JsonObject { ["id"] = kit.AccountId, ["time"] = Ms(kit.Channel.App.Clock.GetUtcNow()), ["messaging"] = new JsonArray(events) }),
        };
        var bytes = Encoding.UTF8.GetBytes(body.ToJsonString());
        using var client = kit.Channel.App.CreateClient();
        using var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/webhooks/meta/{kit.Channel.ChannelId}") { Content = content };
        request.Headers.Add(MetaSignature.Header, MetaSignature.Sign(AppSecret, bytes));
        var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await kit.Channel.ProcessAsync();
    }

    private static JsonObject From(Kit kit, string user, DateTimeOffset at, string member, JsonNode value) => new()
    {
        ["sender"] = new JsonObject { ["id"] = user }, ["recipient"] = new JsonObject { ["id"] = kit.AccountId }, ["timestamp"] = Ms(at), [member] = value,
    };

    private static JsonObject Text(Kit kit, string user, string text, DateTimeOffset at, string? mid = null) =>
        From(kit, user, at, "message", new JsonObject { ["mid"] = mid ?? "m_" + Guid.NewGuid().ToString("N"), ["text"] = text });

    private static async Task<int?> LeadOfAsync(Kit kit, string user) =>
        await kit.Channel.WithDbAsync(db => db.ChannelIdentities.Where(i => i.ExternalId == user).Select(i => (int?)i.LeadId).SingleOrDefaultAsync());

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task A_messenger_customer_becomes_a_lead_named_from_the_profile_with_the_psid_and_their_picture_kept(Db db)
    {
        var kit = await KitAsync(db);
        var psid = NewId();
        fixture.Graph.Profiles[psid] = new JsonObject { ["first_name"] = "Maria", ["last_name"] = "Lopez", ["id"] = psid };
        var png = Convert.FromBase64String("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==");
        var mediaId = "att" + Guid.NewGuid().ToString("N");
        fixture.Graph.Media[mediaId] = ("image/png", png);
        var root = fixture.Graph.BaseUrl[..fixture.Graph.BaseUrl.LastIndexOf('/')];
        var at = kit.Channel.App.Clock.GetUtcNow().AddMinutes(-5);
        await PostAsync(kit,
            Text(kit, psid, "Hi! Do you deliver to Valencia?", at, "m_first"),
            From(kit, psid, at.AddSeconds(5), "message", new JsonObject
            {
                ["mid"] = "m_photo", ["attachments"] = new JsonArray(new JsonObject { ["type"] = "image", ["payload"] = new JsonObject { ["url"] = $"{root}/media-bytes/{mediaId}" } }),
            }),
            From(kit, psid, at.AddSeconds(9), "postback", new JsonObject { ["mid"] = "m_postback", ["title"] = "Get a quote", ["payload"] = "QUOTE" }),
            From(kit, psid, at.AddSeconds(12), "message", new JsonObject { ["mid"] = "m_quick", ["text"] = "Tomorrow", ["quick_reply"] = new JsonObject { ["payload"] = "DAY_1" } }));

        var leadId = await LeadOfAsync(kit, psid);
        Assert.NotNull(leadId);
        var lead = await kit.Channel.LeadAsync(leadId.Value);
        Assert.Equal(("Maria Lopez", "messenger", "messenger", "Hi! Do you deliver to Valencia?"), (lead.GetProperty("name").GetString(),
            lead.GetProperty("intakeMode").GetString(), lead.GetProperty("source").GetString(), lead.GetProperty("enquiry").GetString()));
        var identity = Assert.Single(lead.GetProperty("channelIdentities").EnumerateArray());
        Assert.Equal((kit.Channel.ChannelId, "messenger", psid), (identity.GetProperty("channelId").GetInt32(), identity.GetProperty("kind").GetString(), identity.GetProperty("externalId").GetString()));
        var messages = await kit.Channel.MessagesAsync(leadId.Value);
        Assert.Equal(["text", "image", "button", "interactive"], messages.Select(m => m.GetProperty("type").GetString()));
        Assert.Equal(at.UtcDateTime, messages[0].GetProperty("at").GetDateTime());
        Assert.True(messages[1].GetProperty("media").GetProperty("available").GetBoolean());
        Assert.Equal(png, await kit.Channel.Workspace.Admin.GetByteArrayAsync($"/api/v1/messages/{messages[1].GetProperty("id").GetInt64()}/media"));
        Assert.Equal(("Get a quote", "Tomorrow"), (messages[2].GetProperty("text").GetString(), messages[3].GetProperty("text").GetString()));

        // the same delivery again stores nothing twice
        await PostAsync(kit, Text(kit, psid, "Hi! Do you deliver to Valencia?", at, "m_first"));
        Assert.Equal(4, (await kit.Channel.MessagesAsync(leadId.Value)).Count);
    }

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task The_simulators_post_signed_messenger_and_instagram_webhooks_that_make_leads_with_the_photo(Db db)
    {
        foreach (var (kind, command) in new[] { ("messenger", ChannelKind.Messenger), ("instagram", ChannelKind.Instagram) })
        {
            var kit = await KitAsync(db, kind);
            var user = NewId();
            using var client = kit.Channel.App.CreateClient();
            var output = new StringWriter();
            var options = new Dictionary<string, string>
            {
                ["channel"] = kit.Channel.ChannelId.ToString(System.Globalization.CultureInfo.InvariantCulture), ["secret"] = AppSecret, ["from"] = user,
                ["text"] = "Is it still for sale?", ["image"] = "true", ["media-base"] = fixture.Graph.BaseUrl[..fixture.Graph.BaseUrl.LastIndexOf('/')],
            };
            Assert.Equal(0, await MetaSimulator.RunAsync(command, options, output, client, CancellationToken.None));
            await kit.Channel.ProcessAsync();
            var leadId = await LeadOfAsync(kit, user);
            Assert.NotNull(leadId);
            Assert.Equal(kind, (await kit.Channel.LeadAsync(leadId.Value)).GetProperty("intakeMode").GetString());
            var messages = await kit.Channel.MessagesAsync(leadId.Value);
            Assert.Equal(["image", "text"], messages.Select(m => m.GetProperty("type").GetString()).Order());
            var photo = messages.Single(m => m.GetProperty("type").GetString() == "image");
            Assert.Equal(Leadline.Channels.FakeGraphApi.SimulatedPhoto, await kit.Channel.Workspace.Admin.GetByteArrayAsync($"/api/v1/messages/{photo.GetProperty("id").GetInt64()}/media"));

            options["secret"] = "not-the-secret";
            Assert.Equal(1, await MetaSimulator.RunAsync(command, options, output, client, CancellationToken.None));
            Assert.Contains("401", output.ToString(), StringComparison.Ordinal);
        }
    }

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task An_echo_is_stored_as_sent_on_a_known_customer_and_makes_no_lead_for_a_stranger(Db db)
    {
        var kit = await KitAsync(db);
        var known = NewId();
        var stranger = NewId();
        var at = kit.Channel.App.Clock.GetUtcNow().AddMinutes(-3);
        await PostAsync(kit, Text(kit, known, "Hello?", at));
        JsonObject Echo(string to, string text) => new()
        {
            ["sender"] = new JsonObject { ["id"] = kit.AccountId }, ["recipient"] = new JsonObject { ["id"] = to }, ["timestamp"] = Ms(at.AddMinutes(1)),
            ["message"] = new JsonObject { ["mid"] = "m_echo_" + Guid.NewGuid().ToString("N"), ["is_echo"] = true, ["app_id"] = 263902037430900, ["text"] = text },
        };
        var leadsBefore = await kit.Channel.WithDbAsync(d => d.Leads.CountAsync());
        await PostAsync(kit, Echo(stranger, "Hi from the Page inbox"), Echo(known, "Yes, we are open"));

        Assert.Null(await LeadOfAsync(kit, stranger));
        Assert.Equal(leadsBefore, await kit.Channel.WithDbAsync(d => d.Leads.CountAsync()));
        var messages = await kit.Channel.MessagesAsync((await LeadOfAsync(kit, known))!.Value);
        var echo = messages.Single(m => m.GetProperty("direction").GetString() == "outbound");
        Assert.Equal(("Yes, we are open", "sent"), (echo.GetProperty("text").GetString(), echo.GetProperty("status").GetString()));
    }

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task A_reply_inside_24_hours_is_a_response_then_human_agent_until_7_days_then_the_window_is_closed(Db db)
    {
        var kit = await KitAsync(db);
        var psid = NewId();
        var now = kit.Channel.App.Clock.GetUtcNow();
        await PostAsync(kit, Text(kit, psid, "Is the sofa still for sale?", now.AddHours(-2)));
        var leadId = (await LeadOfAsync(kit, psid))!.Value;

        var queued = await kit.Channel.ReplyAsync(leadId, "Yes it is!");
        Assert.Equal(HttpStatusCode.Accepted, queued.StatusCode);
        var messageId = (await queued.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
        Assert.Equal(1, await kit.Channel.DispatchAsync());
        var (sender, body) = fixture.Graph.SendApiMessages.Last(m => (string?)m.Body["recipient"]?["id"] == psid);
        Assert.Equal(kit.AccountId, sender);
        Assert.Equal(("RESPONSE", "Yes it is!", null), ((string?)body["messaging_type"], (string?)body["message"]?["text"], (string?)body["tag"]));
        var sent = await kit.Channel.WithDbAsync(d => d.Messages.SingleAsync(m => m.Id == messageId));
        Assert.Equal(MessageStatus.Sent, sent.Status);
        Assert.StartsWith("m_fake.", sent.ProviderMessageId, StringComparison.Ordinal);

        // its echo is not a second message; Meta's delivery, then the read watermark, move its ticks
        await PostAsync(kit, new JsonObject
        {
            ["sender"] = new JsonObject { ["id"] = kit.AccountId }, ["recipient"] = new JsonObject { ["id"] = psid }, ["timestamp"] = Ms(now),
            ["message"] = new JsonObject { ["mid"] = sent.ProviderMessageId, ["is_echo"] = true, ["metadata"] = "leadline", ["text"] = "Yes it is!" },
        });
        await PostAsync(kit, From(kit, psid, now, "delivery", new JsonObject { ["mids"] = new JsonArray(sent.ProviderMessageId), ["watermark"] = Ms(now) }));
        Assert.Equal(MessageStatus.Delivered, (await kit.Channel.WithDbAsync(d => d.Messages.SingleAsync(m => m.Id == messageId))).Status);
        await PostAsync(kit, From(kit, psid, now.AddMinutes(1), "read", new JsonObject { ["watermark"] = Ms(now.AddMinutes(1)) }));
        Assert.Equal(MessageStatus.Read, (await kit.Channel.WithDbAsync(d => d.Messages.SingleAsync(m => m.Id == messageId))).Status);
        Assert.Equal(2, (await kit.Channel.MessagesAsync(leadId)).Count);

        // 30 hours after the customer's last message: a person answering, tagged HUMAN_AGENT
        var other = NewId();
        await PostAsync(kit, Text(kit, other, "Price?", now.AddHours(-30)));
        var otherLead = (await LeadOfAsync(kit, other))!.Value;
        Assert.Equal(HttpStatusCode.Accepted, (await kit.Channel.ReplyAsync(otherLead, "Sorry for the wait: 120 EUR.")).StatusCode);
        await kit.Channel.DispatchAsync();
        var tagged = fixture.Graph.SendApiMessages.Last(m => (string?)m.Body["recipient"]?["id"] == other).Body;
        Assert.Equal(("MESSAGE_TAG", "HUMAN_AGENT"), ((string?)tagged["messaging_type"], (string?)tagged["tag"]));

        // 8 days: closed
        var late = NewId();
        await PostAsync(kit, Text(kit, late, "Anyone there?", now.AddDays(-8)));
        var lateLead = (await LeadOfAsync(kit, late))!.Value;
        var refused = await kit.Channel.ReplyAsync(lateLead, "Hello!");
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Contains("windowClosed", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task An_instagram_customer_becomes_a_lead_with_the_igsid_and_is_answered_through_the_account(Db db)
    {
        var kit = await KitAsync(db, "instagram");
        var igsid = NewId();
        fixture.Graph.Profiles[igsid] = new JsonObject { ["name"] = "", ["username"] = "sunny.days", ["id"] = igsid };
        var at = kit.Channel.App.Clock.GetUtcNow().AddMinutes(-1);
        await PostAsync(kit, Text(kit, igsid, "Saw your reel, how much for a cut?", at),
            From(kit, igsid, at.AddSeconds(2), "reaction", new JsonObject { ["mid"] = "m_ours", ["action"] = "react", ["reaction"] = "love", ["emoji"] = "\u2764" }));

        var leadId = (await LeadOfAsync(kit, igsid))!.Value;
        var lead = await kit.Channel.LeadAsync(leadId);
        Assert.Equal(("sunny.days", "instagram", "Saw your reel, how much for a cut?"), (lead.GetProperty("name").GetString(), lead.GetProperty("intakeMode").GetString(),
            lead.GetProperty("enquiry").GetString()));
        Assert.Equal("instagram", Assert.Single(lead.GetProperty("channelIdentities").EnumerateArray()).GetProperty("kind").GetString());
        var reaction = (await kit.Channel.MessagesAsync(leadId)).Single(m => m.GetProperty("type").GetString() == "reaction");
        Assert.Equal("m_ours", reaction.GetProperty("refersTo").GetString());

        Assert.Equal(HttpStatusCode.Accepted, (await kit.Channel.Workspace.Admin.PostAsJsonAsync($"/api/v1/leads/{leadId}/messages", new { text = "30 EUR, walk in any time" })).StatusCode);
        await kit.Channel.DispatchAsync();
        var (sender, body) = fixture.Graph.SendApiMessages.Last(m => (string?)m.Body["recipient"]?["id"] == igsid);
        Assert.Equal((kit.AccountId, "RESPONSE", "30 EUR, walk in any time"), (sender, (string?)body["messaging_type"], (string?)body["message"]?["text"]));

        // Instagram's read event names the message
        var mid = (await kit.Channel.WithDbAsync(d => d.Messages.SingleAsync(m => m.LeadId == leadId && m.Direction == MessageDirection.Outbound))).ProviderMessageId!;
        await PostAsync(kit, From(kit, igsid, at.AddMinutes(1), "read", new JsonObject { ["mid"] = mid }));
        Assert.Equal(MessageStatus.Read, (await kit.Channel.WithDbAsync(d => d.Messages.SingleAsync(m => m.ProviderMessageId == mid))).Status);
        Assert.Equal(LeadIntakeMode.Instagram, (await kit.Channel.WithDbAsync(d => d.Leads.SingleAsync(l => l.Id == leadId))).IntakeMode);
    }
}

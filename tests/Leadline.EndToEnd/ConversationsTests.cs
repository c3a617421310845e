using System.Text.Json.Nodes;
using Leadline.Channels;
using Leadline.Common.Files;
using Leadline.Common.Live;
using Leadline.Conversations;
using Leadline.Data;
using Leadline.EndToEnd.Infrastructure;
using Leadline.Submissions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Leadline.EndToEnd;

/// <summary>The admin server with its Graph API pointed at a local fake, a WhatsApp number and one approved template.</summary>
public sealed class ConversationServer : AdminServer, IDisposable
{
    // a 240×160 picture of a room (a flat photo stand-in), so the preview and the thumbnail look like what agents see
    public static readonly byte[] RoomPhoto = Convert.FromBase64String(""
        + "iVBORw0KGgoAAAANSUhEUgAAAPAAAACgCAIAAAC9uXYyAAADR0lEQVR42u3SyW0cVxhG0YrOQTgSReJIFIRFiux5bs6DLWqjEMTV2wso9P/w1Q"
        + "FuBBdn+Pl+lmIaLBDQEtDSBUB/vJ+lmIaPt7MU0yfokxQT0MoC/ePtJMUEtMJAv56kmIBWFuj/X49STEALaKlf0C9HKabhv5ejFBPQSgN9kGIC"
        + "Wlmg358PUkxAC2gJaOkSoN+e91JMw9vTXoqpEvTX3a+kYAIaaI0N+vVpX1UY6MKTagENdBjox11VaaDrTqoFNNBZoF8ed1WFgS48qRbQQAMNNN"
        + "D9gn7YVZUGuu6kWsPzw7aqMNCFJ9UCGmiggQYaaKB1CdBP99uqwkAXnlQLaKDTQG+qigO9UXlAA50F+vF+U1UY6MKTag2Pd5uq0kDXnVQLaKCB"
        + "BhrobkE/3K2rCgNdeFItoIEOA31eV5UGuu6kWkADnQX6/ryuKgx04Um1gAY6DfSqqjjQK5U33J9WVaWBrjup1nB3WlUVBrrwpFpAAw000EADDb"
        + "QuAfp8XFYVBrrwpFpAAw000EADDbQuAfp0XFYVBrrwpFrD6bCsKg103Um1PkEvqooDvVB5QAOdBfp4WFQVBrrwpFpAAx0Ger+oKg103Um1gAY6"
        + "C/RhP68qDHThSbWABhpooIHuF/RuXlUa6LqTag373byqMNCFJ9UCGug00LOq4kDPVB7QQGeB3m1nVYWBLjypFtBAAw000EADrUuA3m5vqwoDXX"
        + "hSrWG7uZViAlpAS92C3mxupZiAVhjo9Y0UE9DKAr1e30gxAS2gpX5Br26kmIbV6rt66Mvff022ETcCDTTQAhpoAX0J0Mvld/XQlEGPuBFooNNA"
        + "X6uHpg16tI1AA50FerG8Vg9NGfSIG4fF4lo9NGnQ420EGmigBXS3oOeLK/XQlEGPuBFooMNAz6/UQ5MGPd5GoIHOAj2bX6mHpgx6xI1AA50G+p"
        + "t6aNqgR9s4zGbf1EOTBj3exuHfr/+oh6YMesSNQAMNtIAGWkADDTTQQAMNtIAGWkADLaCBBhpooIEGWkADLaCBFtBAAw000EADLaCBFtBAC2ig"
        + "JaAFtAS0BLQEtAS0gJaAloCWgJaAFtAS0BLQEtAS0AJaAloCWgJaQLsgoCWgJaClP+g36pUBC157X7gAAAAASUVORK5CYII=");

    public FakeGraphApi Graph { get; } = FakeGraphApi.StartAsync().GetAwaiter().GetResult();

    public int ChannelId { get; private set; }

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>(base.Settings)
    {
        ["Leadline:Channels:Meta:GraphBaseUrl"] = Graph.BaseUrl,
        ["Leadline:Outbox:QuickRetryDelayMilliseconds"] = "1",
    };

    protected override async Task ArrangeAsync()
    {
        Graph.Templates.Add(JsonNode.Parse("""
            { "name": "follow_up", "language": "en_US", "status": "APPROVED", "category": "MARKETING",
              "components": [{ "type": "BODY", "text": "Hi {{1}}, any questions about the flat? {{2}}" }] }
            """)!.AsObject());
        await using var scope = Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<LeadlineDb>();
        scope.ServiceProvider.GetRequiredService<WorkspaceScope>().Enter(await db.Workspaces.Select(w => w.Id).FirstAsync());
        var result = await scope.ServiceProvider.GetRequiredService<ChannelService>().CreateAsync(new ChannelRequest("whatsapp", "Sales WhatsApp",
            new JsonObject { ["phoneNumberId"] = "1122334455667", ["wabaId"] = "1234567890987654321", ["displayPhone"] = "+972 12-345-6789" },
            new Dictionary<string, string?> { ["accessToken"] = "graph-token", ["appSecret"] = "app-secret" }, true), CancellationToken.None);
        Assert.True(result.Succeeded, string.Join(" ", result.Errors.All));
        ChannelId = result.Value!.Id;
    }

    public void Dispose() => Graph.DisposeAsync().AsTask().GetAwaiter().GetResult();
}

/// <summary>The Messages tab, the WhatsApp window on the board and list, replies and templates to the fake Graph API, the review queue.</summary>
public sealed class ConversationsTests(ConversationServer server) : BrowserTest(server), IClassFixture<ConversationServer>
{

    private ConversationServer Conversations => (ConversationServer)Server;

    private async Task<T> InWorkspaceAsync<T>(Func<IServiceProvider, LeadlineDb, Task<T>> work)
    {
        await using var scope = Server.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<LeadlineDb>();
        scope.ServiceProvider.GetRequiredService<WorkspaceScope>().Enter(await db.Workspaces.Select(w => w.Id).FirstAsync());
        return await work(scope.ServiceProvider, db);
    }

    /// <summary>A lead whose customer last wrote on WhatsApp <paramref name="wroteAgo"/> ago (through the lead write path).</summary>
    private async Task<(int Id, string Name)> LeadAsync(string prefix, TimeSpan? wroteAgo)
    {
        var name = $"{prefix} {Guid.NewGuid().ToString("N")[..5]}";
        var id = await CreateLeadAsync(name, "+972 50 123 4567");
        if (wroteAgo is { } ago)
        {
            await InWorkspaceAsync<int>(async (sp, db) =>
            {
                var lead = await db.Leads.FirstAsync(l => l.Id == id);
                lead.WhatsappInboundAt = lead.LastInboundAt = sp.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime - ago;
                return await db.SaveChangesAsync();
            });
        }
        return (id, name);
    }

    private Task<Message> MessageAsync(int leadId, MessageDirection direction, MessageType type, TimeSpan ago, string? text,
        MessageStatus status = MessageStatus.Delivered, bool byAdmin = false, string? error = null, byte[]? png = null, string? payload = null, string? providerId = null) =>
        InWorkspaceAsync(async (sp, db) =>
        {
            var now = sp.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime;
            var m = new Message
            {
                WorkspaceId = db.CurrentWorkspaceId, LeadId = leadId, ChannelId = Conversations.ChannelId, Direction = direction, Type = type, Text = text,
                Status = status, Error = error, At = now - ago, ProviderMessageId = providerId ?? $"wamid.e2e.{Guid.NewGuid():N}", Payload = payload,
                UserId = byAdmin ? await db.Users.Where(u => u.Email == AdminServer.AdminEmail).Select(u => (int?)u.Id).FirstAsync() : null,
            };
            if (png is not null)
            {
                m.MediaMimeType = "image/png";
                m.MediaKey = $"messages/e2e/{Guid.NewGuid():N}.png";
                await sp.GetRequiredService<IFileStorage>().SaveAsync(m.MediaKey, new MemoryStream(png), CancellationToken.None);
            }
            db.Messages.Add(m);
            await db.SaveChangesAsync();
            return m;
        });

    /// <summary>What helper A's worker does after storing messages: tells open pages which lead's timeline changed.</summary>
    private Task<int> AnnounceAsync(int leadId) => InWorkspaceAsync(async (sp, db) =>
    {
        await sp.GetRequiredService<ILiveEventBus>().PublishAsync(new LiveEvent(db.CurrentWorkspaceId, "messages-changed", leadId.ToString()), CancellationToken.None);
        return 0;
    });



    [Fact]
    public async Task The_messages_tab_shows_ticks_and_an_image_updates_live_and_a_reply_reaches_the_provider()
    {
        var (lead, name) = await LeadAsync("Wong", TimeSpan.FromHours(1));
        await MessageAsync(lead, MessageDirection.Inbound, MessageType.Text, TimeSpan.FromMinutes(70), "Hello, is the flat in Mong Kok still free?");
        await MessageAsync(lead, MessageDirection.Inbound, MessageType.Image, TimeSpan.FromMinutes(65), null, png: ConversationServer.RoomPhoto);
        var visit = $"wamid.e2e.visit.{lead}";
        await MessageAsync(lead, MessageDirection.Outbound, MessageType.Text, TimeSpan.FromMinutes(62), "Yes! When would you like to visit?", MessageStatus.Read, byAdmin: true, providerId: visit);
        await MessageAsync(lead, MessageDirection.Outbound, MessageType.Text, TimeSpan.FromMinutes(61), "Here is the floor plan", MessageStatus.Failed, byAdmin: true,
            error: "131047: Re-engagement message: more than 24 hours have passed");

        await MessageAsync(lead, MessageDirection.Inbound, MessageType.Reaction, TimeSpan.FromMinutes(60), null,
            payload: "{\"type\":\"reaction\",\"reaction\":{\"message_id\":\"" + visit + "\",\"emoji\":\"👍\"}}");
        await MessageAsync(lead, MessageDirection.Inbound, MessageType.Location, TimeSpan.FromMinutes(59), null,
            payload: """{"type":"location","location":{"latitude":22.3193,"longitude":114.1694,"name":"Mong Kok MTR","address":"Nathan Road, Kowloon"}}""");

        var page = await OpenPageAsync();
        await SignInAsAdminAsync(page);
        await page.GotoAsync($"/leads/{lead}");
        await page.ClickAsync("#messages-tab");
        var thread = page.Locator($"#message-thread-{lead}");
        await Expect(thread.Locator(".message-row")).ToHaveCountAsync(5);   // the reaction sits on the message it answers
        await Expect(thread.Locator(".message-row", new() { HasText = "Yes! When" }).Locator(".message-reactions")).ToHaveTextAsync("👍");
        await Expect(thread.Locator("a.message-location")).ToHaveAttributeAsync("href", new System.Text.RegularExpressions.Regex("openstreetmap.org/\\?mlat=22.3193"));
        await Expect(thread.Locator(".message-row.inbound").First).ToContainTextAsync("Mong Kok");
        var image = thread.Locator("img.message-image");
        await Expect(image).ToBeVisibleAsync();
        Assert.True(await image.EvaluateAsync<bool>("i => i.complete && i.naturalWidth > 0"), "the image preview loaded");
        await Expect(thread.Locator(".message-row.outbound .tick-read")).ToHaveCountAsync(1);
        await Expect(thread.Locator(".message-row.outbound", new() { HasText = "Yes! When" })).ToContainTextAsync(AdminServer.AdminName);
        await Expect(thread.Locator(".message-error")).ToContainTextAsync("131047");
        await Expect(page.Locator(".messages-panel .window-badge.window-open")).ToContainTextAsync("left");
        await Artifacts.ShotsAsync(page, "conversations-messages-tab");

        // a message stored while the page is open appears without a reload
        await Expect(page.Locator("body")).ToHaveAttributeAsync("data-live", "on");
        await MessageAsync(lead, MessageDirection.Inbound, MessageType.Text, TimeSpan.Zero, "Saturday at 10 works for me");
        await AnnounceAsync(lead);
        await Expect(thread.Locator(".message-row.inbound").Last).ToContainTextAsync("Saturday at 10");

        // the agent replies; the outbox sends it to the (fake) provider
        await page.FillAsync($"#reply-text-{lead}", "Great, see you on Saturday!");
        await page.ClickAsync(".reply-send");
        await Expect(page.Locator(".reply-notice")).ToBeVisibleAsync();
        var reply = page.Locator($"#message-thread-{lead} .message-row.outbound", new() { HasText = "see you on Saturday" });
        await Expect(reply).ToBeVisibleAsync();
        var sent = await Conversations.Graph.SentAsync(m => (string?)m["text"]?["body"] == "Great, see you on Saturday!");
        Assert.Equal("whatsapp", (string?)sent["messaging_product"]);

        // the customer read it (a status webhook in the real flow): the ticks turn blue live
        await InWorkspaceAsync(async (_, db) =>
        {
            var m = await db.Messages.Where(x => x.LeadId == lead && x.Text == "Great, see you on Saturday!").SingleAsync();
            m.Status = MessageStatus.Read;
            return await db.SaveChangesAsync();
        });
        await AnnounceAsync(lead);
        await Expect(page.Locator($"#message-thread-{lead} .message-row.outbound", new() { HasText = "see you on Saturday" }).Locator(".tick-read")).ToBeVisibleAsync();
        await Artifacts.ShotsAsync(page, "conversations-after-reply");
        AssertNothingBroke();
    }

    [Fact]
    public async Task A_closed_window_offers_templates_and_a_template_with_a_parameter_is_previewed_and_sent()
    {
        var (lead, name) = await LeadAsync("Chan", TimeSpan.FromHours(30));
        var page = await OpenPageAsync();
        await SignInAsAdminAsync(page);
        await page.GotoAsync($"/leads/{lead}?tab=messages");
        await Expect(page.Locator($"#window-closed-note-{lead}")).ToContainTextAsync("closed");
        await Expect(page.Locator(".reply-form")).ToHaveCountAsync(0);

        await page.SelectOptionAsync($"#template-choice-{lead}", "follow_up|en_US");
        await Expect(page.Locator($"#template-param-{lead}-1")).ToHaveValueAsync("{{lead.name}}");
        await page.FillAsync($"#template-param-{lead}-2", "Call us any time.");
        await page.ClickAsync(".template-preview-button");
        await Expect(page.Locator($"#template-preview-{lead}")).ToHaveTextAsync($"Hi {name}, any questions about the flat? Call us any time.");
        await Artifacts.ShotsAsync(page, "conversations-template-preview");
        await page.ClickAsync(".template-send");
        await Expect(page.Locator(".reply-notice")).ToContainTextAsync("follow_up");
        var sent = await Conversations.Graph.SentAsync(m => (string?)m["template"]?["name"] == "follow_up" && m.ToJsonString().Contains(name, StringComparison.Ordinal));
        Assert.Equal(name, (string?)sent["template"]!["components"]![0]!["parameters"]![0]!["text"]);
        await Expect(page.Locator($"#message-thread-{lead} .message-row.outbound")).ToContainTextAsync($"Hi {name}");
        AssertNothingBroke();
    }

    /// <summary>Posts a customer's text as Meta would: signed with the channel's app secret, to the channel's webhook URL.</summary>
    private async Task PostWebhookAsync(string waId, string profileName, string text, string messageId)
    {
        var body = new JsonObject
        {
            ["object"] = "whatsapp_business_account",
            ["entry"] = new JsonArray(new JsonObject
            {
                ["id"] = "1234567890987654321",
                ["changes"] = new JsonArray(new JsonObject
                {
                    ["field"] = "messages",
                    ["value"] = new JsonObject
                    {
                        ["messaging_product"] = "whatsapp",
                        ["metadata"] = new JsonObject { ["display_phone_number"] = "972123456789", ["phone_number_id"] = "1122334455667" },
                        ["contacts"] = new JsonArray(new JsonObject { ["profile"] = new JsonObject { ["name"] = profileName }, ["wa_id"] = waId }),
                        ["messages"] = new JsonArray(new JsonObject
                        {
                            ["from"] = waId, ["id"] = messageId, ["type"] = "text", ["text"] = new JsonObject { ["body"] = text },
                            ["timestamp"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture),
                        }),
                    },
                }),
            }),
        };
        var bytes = System.Text.Encoding.UTF8.GetBytes(body.ToJsonString());
        using var client = new HttpClient { BaseAddress = new Uri(Server.BaseUrl) };
        using var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/webhooks/meta/{Conversations.ChannelId}") { Content = content };
        request.Headers.Add(MetaSignature.Header, MetaSignature.Sign("app-secret", bytes));
        using var response = await client.SendAsync(request);
        Assert.True(response.IsSuccessStatusCode, $"the webhook answered {(int)response.StatusCode}");
    }

    [Fact]
    public async Task A_simulated_inbound_message_creates_a_lead_that_appears_live_on_the_board()
    {
        var page = await OpenPageAsync();
        await SignInAsAdminAsync(page);
        await page.GotoAsync("/pipeline");
        await Expect(page.Locator("#board")).ToBeVisibleAsync();
        await Expect(page.Locator("body")).ToHaveAttributeAsync("data-live", "on");

        // a number the workspace has never seen writes in: the webhook makes a lead, and the open board shows its card
        var suffix = Random.Shared.Next(1000, 9999).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var name = $"Lam Siu Fung {suffix}";
        await PostWebhookAsync($"8529876{suffix}", name, "Hi! Is the 2-bedroom flat in Tai Koo still available?", $"wamid.e2e.live.{suffix}");
        var card = page.Locator("#board .board-card", new() { HasText = name });
        await Expect(card).ToBeVisibleAsync();
        await Expect(card.Locator(".window-badge")).ToContainTextAsync("left");   // the customer wrote just now: the window is open
        await Artifacts.ShotsAsync(page, "conversations-board-live-lead");

        // it is a WhatsApp lead with the customer's first text as its enquiry, and the message is in its thread
        await card.ClickAsync();
        await Expect(page.Locator("#board-modal-body .message-row.inbound")).ToContainTextAsync("2-bedroom flat in Tai Koo");
        AssertNothingBroke();
    }

    [Fact]
    public async Task The_quick_edit_schedules_whatsapp_template_follow_ups_by_date_and_by_birthday()
    {
        var (lead, name) = await LeadAsync("Birgit", TimeSpan.FromHours(2));
        await InWorkspaceAsync(async (_, db) =>
        {
            var entity = await db.Leads.FirstAsync(l => l.Id == lead);
            entity.DateOfBirth = new DateOnly(1990, 5, 17);
            return await db.SaveChangesAsync();
        });
        var page = await OpenPageAsync();
        await SignInAsAdminAsync(page);
        await page.GotoAsync("/pipeline?q=" + Uri.EscapeDataString(name));
        await page.Locator("#board .board-card", new() { HasText = name }).ClickAsync();
        var modal = page.Locator("#board-modal-body");
        await Expect(modal.Locator("#quick-edit")).ToBeVisibleAsync();

        // "Happy birthday" each year on the date of birth: the template's parameter is filled for the lead when it is sent
        await modal.Locator("#template-reminder summary").ClickAsync();
        await modal.Locator("#reminder-template").SelectOptionAsync("follow_up|en_US");
        await Expect(modal.Locator("#reminder-param-1")).ToHaveValueAsync("{{lead.name}}");
        await Expect(modal.Locator(".reminder-template-body")).ToContainTextAsync("any questions about the flat?");
        await modal.Locator("#reminder-param-2").FillAsync("Happy birthday!");
        await modal.Locator("#reminder-when-birthday").CheckAsync();
        await modal.Locator("#template-reminder-add").ClickAsync();
        var yearly = modal.Locator(".reminder-item", new() { HasText = "follow_up" });
        await Expect(yearly).ToContainTextAsync("every year");
        await Expect(yearly).ToContainTextAsync("17 May 09:00");

        // and one on a date
        await modal.Locator("#template-reminder summary").ClickAsync();
        await modal.Locator("#reminder-template").SelectOptionAsync("follow_up|en_US");
        await Expect(modal.Locator("#reminder-param-1")).ToBeVisibleAsync();
        var due = DateTime.UtcNow.AddDays(3).Date.AddHours(15);
        await modal.Locator("#reminder-template-due").FillAsync(due.ToString("yyyy-MM-dd'T'HH:mm", System.Globalization.CultureInfo.InvariantCulture));
        await modal.Locator("#template-reminder-add").ClickAsync();
        await Expect(modal.Locator(".reminder-item", new() { HasText = "follow_up" })).ToHaveCountAsync(2);
        await Expect(modal.Locator(".reminder-item", new() { HasText = due.ToString("d MMM 15:00", System.Globalization.CultureInfo.InvariantCulture) })).ToContainTextAsync("follow_up");
        await modal.Locator("#template-reminder summary").ClickAsync();
        await modal.Locator("#reminder-when-birthday").ScrollIntoViewIfNeededAsync();
        await Artifacts.ShotsAsync(page, "conversations-quick-edit-template-reminders");

        var stored = await InWorkspaceAsync((_, db) => db.Reminders.Where(r => r.LeadId == lead).OrderBy(r => r.Id).ToListAsync());
        Assert.Equal(2, stored.Count);
        Assert.All(stored, r => Assert.Equal((Leadline.Reminders.ReminderKind.WhatsappTemplate, "follow_up", "en_US"), (r.Kind, r.TemplateName, r.Language)));
        Assert.Equal(["{{lead.name}}", "Happy birthday!"], stored[0].Parameters);
        Assert.Contains("dateOfBirth", stored[0].DueRule, StringComparison.Ordinal);
        Assert.Null(stored[1].DueRule);
        AssertNothingBroke();
    }

    [Fact]
    public async Task The_board_card_shows_the_window_and_the_list_filters_by_it()
    {
        var (open, openName) = await LeadAsync("Olga", TimeSpan.FromHours(21));
        var (_, closedName) = await LeadAsync("Carl", TimeSpan.FromHours(25));
        var page = await OpenPageAsync();
        await SignInAsAdminAsync(page);
        await page.SetViewportSizeAsync(2300, 900);
        await page.GotoAsync("/pipeline?q=" + Uri.EscapeDataString(openName));
        var card = page.Locator("#board .board-card", new() { HasText = openName });
        await Expect(card.Locator(".window-badge")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^WA [23]h left$"));   // 3 h, less the seconds the test took
        await Artifacts.ShotsAsync(page, "conversations-board-badge");
        await page.GotoAsync("/pipeline?q=" + Uri.EscapeDataString(closedName));
        await Expect(page.Locator("#board .board-card", new() { HasText = closedName }).Locator(".window-badge")).ToHaveTextAsync("WA closed");

        // the quick edit shows the conversation too
        await page.GotoAsync("/pipeline?q=" + Uri.EscapeDataString(openName));
        await page.Locator("#board .board-card", new() { HasText = openName }).ClickAsync();
        await Expect(page.Locator($"#board-modal-body #messages-panel-{open}")).ToBeVisibleAsync();

        await page.GotoAsync("/leads?whatsappWindow=open");
        await Expect(page.Locator("#f-whatsappWindow")).ToHaveValueAsync("open");
        await Expect(page.Locator("#lead-results")).ToContainTextAsync(openName);
        await Expect(page.Locator("#lead-results")).Not.ToContainTextAsync(closedName);
        await page.GotoAsync("/leads?whatsappWindow=closed");
        await Expect(page.Locator("#lead-results")).ToContainTextAsync(closedName);
        await Expect(page.Locator("#lead-results")).Not.ToContainTextAsync(openName);
        AssertNothingBroke();
    }

    [Fact]
    public async Task A_submission_is_approved_from_the_review_queue()
    {
        var (lead, name) = await LeadAsync("Pia", null);
        var flow = "payment_proof_" + Guid.NewGuid().ToString("N")[..4];
        var id = await InWorkspaceAsync(async (sp, db) =>
        {
            var key = $"submissions/e2e/{Guid.NewGuid():N}.png";
            await sp.GetRequiredService<IFileStorage>().SaveAsync(key, new MemoryStream(ConversationServer.RoomPhoto), CancellationToken.None);
            var now = sp.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime;
            var s = new Submission
            {
                WorkspaceId = db.CurrentWorkspaceId, LeadId = lead, Flow = flow, Data = """{"transaction_id":"TX-20931","amount":"1250.00","bank":"HSBC"}""",
                Files = $$"""[{"name":"receipt.png","key":"{{key}}","mimeType":"image/png"}]""", Status = SubmissionStatus.Pending, CreatedAt = now, UpdatedAt = now,
            };
            db.Submissions.Add(s);
            await db.SaveChangesAsync();
            return s.Id;
        });

        var page = await OpenPageAsync();
        await SignInAsAdminAsync(page);
        await page.GotoAsync("/settings/submissions");
        await page.FillAsync("#new-flow", flow);
        await page.FillAsync("#new-fields", "$.transaction_id = TransactionID\n$.amount = Amount");
        await page.ClickAsync("#add-flow-mapping");
        await Expect(page.Locator($".flow-mapping[data-flow='{flow}']")).ToBeVisibleAsync();

        await page.ClickAsync("#nav-submissions");
        var card = page.Locator($".submission-card[data-submission-id='{id}']");
        await Expect(card.Locator("dd[data-label='TransactionID']")).ToHaveTextAsync("TX-20931");
        await Expect(card.Locator("dd[data-label='Amount']")).ToHaveTextAsync("1250.00");
        await Expect(card.Locator(".submission-lead")).ToHaveTextAsync(name);
        // the thumbnail loads (waited for: the image may still be on its way when the card shows)
        await page.WaitForFunctionAsync("id => { const i = document.querySelector(`.submission-card[data-submission-id='${id}'] img.submission-thumb`); return !!i && i.complete && i.naturalWidth > 0; }",
            id, new() { Timeout = 10_000 });
        await Artifacts.ShotsAsync(page, "conversations-review-queue");

        await card.Locator(".review-note").FillAsync("Matches the bank statement");
        await card.Locator(".review-approve").ClickAsync();
        await Expect(page.Locator("#submission-flash")).ToContainTextAsync("approved");
        await Expect(page.Locator($".submission-card[data-submission-id='{id}']")).ToHaveCountAsync(0);
        await page.ClickAsync("#submissions-approved");
        await Expect(page.Locator($".submission-card[data-submission-id='{id}'] .submission-review")).ToContainTextAsync("Approved by " + AdminServer.AdminName);

        await page.GotoAsync($"/leads/{lead}");
        await Expect(page.Locator("#lead-submissions .submission-status")).ToHaveTextAsync("approved");
        AssertNothingBroke();
    }
}

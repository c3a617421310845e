using System.Net;
using System.Text.RegularExpressions;
using Leadline.Conversations;
using Leadline.Tests.TestInfrastructure;

namespace Leadline.Tests.Conversations;

public sealed partial class MessagesPageTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task The_messages_tab_shows_the_thread_oldest_first_with_media_ticks_senders_and_local_times(Db db)
    {
        var app = await fixture.For(db);
        var ws = await TestWorkspace.CreateAsync(app, timeZone: "Europe/Berlin");
        var lead = (await ws.Admin.CreateLeadAsync(new { name = "Wong Ka Ming" })).GetProperty("id").GetInt32();
        var channel = await ws.WhatsappChannelAsync();
        var t0 = new DateTime(2026, 11, 2, 8, 0, 0, DateTimeKind.Utc);   // 09:00 in Berlin
        var adminId = await AdminIdAsync(ws);

        // written out of order: the thread sorts by the provider's time
        var read = await ws.MessageAsync(lead, channel, MessageDirection.Outbound, MessageType.Text, t0.AddMinutes(5), "Thanks, here is our offer", MessageStatus.Read, adminId, providerId: "wamid.out.1");
        var first = await ws.MessageAsync(lead, channel, MessageDirection.Inbound, MessageType.Text, t0, "Hello, is the flat still free?");
        var image = await ws.MessageAsync(lead, channel, MessageDirection.Inbound, MessageType.Image, t0.AddMinutes(2), media: ("image/png", ConversationSeed.Png));
        await ws.MessageAsync(lead, channel, MessageDirection.Outbound, MessageType.Text, t0.AddMinutes(6), "Queued one", MessageStatus.Queued, adminId);
        await ws.MessageAsync(lead, channel, MessageDirection.Outbound, MessageType.Text, t0.AddMinutes(7), "Delivered one", MessageStatus.Delivered);
        await ws.MessageAsync(lead, channel, MessageDirection.Outbound, MessageType.Text, t0.AddMinutes(8), "Failed one", MessageStatus.Failed, adminId,
            error: "131047: Re-engagement message");
        await ws.MessageAsync(lead, channel, MessageDirection.Inbound, MessageType.Reaction, t0.AddMinutes(9),
            payload: """{"type":"reaction","reaction":{"message_id":"wamid.out.1","emoji":"👍"}}""");
        await ws.MessageAsync(lead, channel, MessageDirection.Inbound, MessageType.Location, t0.AddMinutes(10),
            payload: """{"type":"location","location":{"latitude":22.3193,"longitude":114.1694,"name":"Mong Kok","address":"Nathan Road"}}""");
        await ws.MessageAsync(lead, channel, MessageDirection.Inbound, MessageType.Unknown, t0.AddMinutes(11), payload: """{"type":"poll"}""");

        var browser = await CookieBrowser.SignInAsync(app, ws.AdminEmail);
        var html = WebUtility.HtmlDecode(await browser.GetStringAsync($"/leads/{lead}?tab=messages"));

        var ids = MessageIds().Matches(html).Select(m => long.Parse(m.Groups[1].Value)).ToList();
        Assert.Equal(8, ids.Count);   // the reaction sits on the message it refers to, not as a row of its own
        Assert.Equal([first.Id, image.Id, read.Id], ids.Take(3));
        Assert.Contains("Hello, is the flat still free?", html);
        Assert.Contains($"src=\"/leads/{lead}/messages/{image.Id}/media\"", html);
        Assert.Matches(@"data-message-id=""" + read.Id + @"""[\s\S]*?message-reactions[^>]*>👍<[\s\S]*?Ada Admin[\s\S]*?>09:05</time>[\s\S]*?tick-read", html);
        Assert.Contains("tick-queued", html);
        Assert.Contains("tick-delivered", html);
        Assert.Contains("tick-failed", html);
        Assert.Contains("131047: Re-engagement message", html);
        Assert.Contains("Automated", html);   // an outbound message without a user
        Assert.Contains("https://www.openstreetmap.org/?mlat=22.3193&mlon=114.1694", html);
        Assert.Contains("Unsupported message: poll", html);
        Assert.Contains(">09:00</time>", html);   // the workspace's time zone

        // the live fragment is the same thread
        var thread = await browser.GetStringAsync($"/leads/{lead}/messages/thread");
        Assert.Equal(ids, MessageIds().Matches(thread).Select(m => long.Parse(m.Groups[1].Value)));

        // the media, for a user who can see the lead; nobody else
        var media = await browser.GetAsync($"/leads/{lead}/messages/{image.Id}/media");
        Assert.Equal(HttpStatusCode.OK, media.StatusCode);
        Assert.Equal("image/png", media.Content.Headers.ContentType?.MediaType);
        Assert.Equal(ConversationSeed.Png, await media.Content.ReadAsByteArrayAsync());
        Assert.Equal(HttpStatusCode.NotFound, (await browser.GetAsync($"/leads/{lead}/messages/{first.Id}/media")).StatusCode);   // no media
        Assert.Equal(HttpStatusCode.NotFound, (await browser.GetAsync($"/leads/{lead + 100000}/messages/{image.Id}/media")).StatusCode);
        var other = await TestWorkspace.CreateAsync(app);
        var stranger = await CookieBrowser.SignInAsync(app, other.AdminEmail);
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetAsync($"/leads/{lead}/messages/{image.Id}/media")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetAsync($"/leads/{lead}/messages/thread")).StatusCode);
        var anonymous = CookieBrowser.Open(app);
        Assert.NotEqual(HttpStatusCode.OK, (await anonymous.GetAsync($"/leads/{lead}/messages/{image.Id}/media")).StatusCode);
    }

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task The_window_shows_on_the_stats_board_and_reply_box_and_filters_the_list(Db db)
    {
        var app = await fixture.For(db);
        var ws = await TestWorkspace.CreateAsync(app);
        var now = app.Clock.GetUtcNow().UtcDateTime;
        // customers who wrote on WhatsApp: the reply box offers their number
        var open = (await ws.Admin.CreateLeadAsync(new { name = "Olga Open", phone = "+44 7700 900101" })).GetProperty("id").GetInt32();
        var closed = (await ws.Admin.CreateLeadAsync(new { name = "Carl Closed", phone = "+44 7700 900102" })).GetProperty("id").GetInt32();
        await ws.Admin.CreateLeadAsync(new { name = "Nina Never" });
        await ws.WhatsappChannelAsync();
        await ws.SetWhatsappInboundAsync(open, now.AddHours(-21));
        await ws.SetWhatsappInboundAsync(closed, now.AddHours(-24).AddSeconds(-1));

        var browser = await CookieBrowser.SignInAsync(app, ws.AdminEmail);
        var detail = WebUtility.HtmlDecode(await PageAsync(app, browser, $"/leads/{open}"));
        Assert.Contains("id=\"lead-stats\"", detail);
        Assert.Contains("Window open · 3h left", detail);
        Assert.Contains("data-closes-at=\"" + now.AddHours(3).ToString("O") + "\"", detail);
        Assert.Contains("Window closed", WebUtility.HtmlDecode(await PageAsync(app, browser, $"/leads/{closed}")));

        var openPanel = await PageAsync(app, browser, $"/leads/{open}/messages/panel?compact=1");
        Assert.Contains("reply-form", openPanel);
        Assert.DoesNotContain("window-closed-note", openPanel);
        var closedPanel = await PageAsync(app, browser, $"/leads/{closed}/messages/panel");
        Assert.DoesNotContain("reply-form", closedPanel);
        Assert.Contains("The 24-hour window is closed", closedPanel);

        var board = WebUtility.HtmlDecode(await PageAsync(app, browser, "/pipeline"));
        Assert.Matches(@"Olga Open[\s\S]*?WA 3h left", board);
        Assert.Matches(@"Carl Closed[\s\S]*?WA closed", board);
        Assert.DoesNotMatch(@"Nina Never(?:(?!board-card)[\s\S])*window-badge", board);   // never wrote: no badge

        Assert.Equal(["Olga Open"], await ws.Admin.LeadNamesAsync("whatsappWindow=open"));
        Assert.Equal(["Carl Closed", "Nina Never"], (await ws.Admin.LeadNamesAsync("whatsappWindow=closed")).Order());
        Assert.Contains("Olga Open", await PageAsync(app, browser, "/leads?whatsappWindow=open"));
        Assert.DoesNotContain("Carl Closed", await PageAsync(app, browser, "/leads?whatsappWindow=open"));
        Assert.True((await (await ws.Admin.GetAsync("/api/v1/leads?whatsappWindow=maybe")).ErrorsAsync()).TryGetProperty("whatsappWindow", out _));

        // the window runs out by the clock
        app.Clock.Advance(TimeSpan.FromHours(3).Add(TimeSpan.FromSeconds(1)));
        try
        {
            Assert.Empty(await ws.Admin.LeadNamesAsync("whatsappWindow=open"));
        }
        finally
        {
            app.Clock.Advance(-TimeSpan.FromHours(3).Add(TimeSpan.FromSeconds(1)));
        }
    }

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task The_bell_links_a_new_message_to_the_lead_s_messages_tab(Db db)
    {
        var app = await fixture.For(db);
        var ws = await TestWorkspace.CreateAsync(app);
        var lead = (await ws.Admin.CreateLeadAsync(new { name = "Bella Bell" })).GetProperty("id").GetInt32();
        var adminId = await AdminIdAsync(ws);
        await using (var scope = ws.Scope(out var data))
        {
            data.Notifications.Add(new Leadline.Reminders.Notification
            {
                WorkspaceId = ws.Id, UserId = adminId, LeadId = lead, Text = "New WhatsApp message from Bella Bell", CreatedAt = app.Clock.GetUtcNow().UtcDateTime,
            });
            await data.SaveChangesAsync();
        }
        var browser = await CookieBrowser.SignInAsync(app, ws.AdminEmail);
        Assert.Contains("id=\"unread-count\">1<", await PageAsync(app, browser, "/"));
        var menu = await PageAsync(app, browser, "/notifications/menu");
        Assert.Matches($@"href=""/leads/{lead}\?tab=messages""[^>]*>\s*<i class=""bi bi-whatsapp[^""]*""></i>New WhatsApp message from Bella Bell", menu);
    }

    /// <summary>A page's HTML; a failure says what the server logged (an exception, not just "500").</summary>
    private static async Task<string> PageAsync(LeadlineApp app, HttpClient browser, string url)
    {
        var response = await browser.GetAsync(url);
        Assert.True(response.IsSuccessStatusCode,
            $"{url}: {(int)response.StatusCode}\n" + string.Join("\n", app.Logs.Where(l => l.Contains("xception", StringComparison.Ordinal)).TakeLast(3)));
        return await response.Content.ReadAsStringAsync();
    }

    private static async Task<int> AdminIdAsync(TestWorkspace ws)
    {
        var me = await System.Net.Http.Json.HttpClientJsonExtensions.GetFromJsonAsync<System.Text.Json.JsonElement>(ws.Admin, "/api/v1/me");
        return me.GetProperty("id").GetInt32();
    }

    [GeneratedRegex("data-message-id=\"(\\d+)\"")]
    private static partial Regex MessageIds();
}

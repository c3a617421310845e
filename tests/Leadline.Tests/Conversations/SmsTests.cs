using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Leadline.Channels;
using Leadline.Conversations;
using Leadline.Conversations.Inbound;
using Leadline.Leads;
using Leadline.Outbox;
using Leadline.Tests.TestInfrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Primitives;

namespace Leadline.Tests.Conversations;

/// <summary>SMS through Twilio: the signature, inbound messages and status callbacks, and sends against a local fake.</summary>
public sealed class SmsTests(ChannelFixture fixture) : IClassFixture<ChannelFixture>
{
    private const string AuthToken = "twilio-auth-token-for-tests";
    private const string AccountSid = "AC11111111111111111111111111111111";
    private const string FromNumber = "+15005550006";

    private async Task<ChannelKit> KitAsync(Db db) =>
        await ChannelKit.CreateAsync(await TestWorkspace.CreateAsync(await fixture.For(db), defaultCountry: "US"), "sms",
            new { accountSid = AccountSid, fromNumber = FromNumber }, new { authToken = AuthToken });

    /// <summary>Posts Twilio's form, signed over <paramref name="signedUrl"/> (default: the URL the test server is asked for).</summary>
    private static async Task<HttpResponseMessage> PostAsync(ChannelKit kit, Dictionary<string, string> form, string? signedUrl = null, string? signature = null,
        int? channelId = null)
    {
        using var client = kit.App.CreateClient();
        var path = $"/webhooks/twilio/{channelId ?? kit.ChannelId}";
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new FormUrlEncodedContent(form) };
        request.Headers.Add(TwilioSignature.Header, signature ?? TwilioSignature.Sign(AuthToken, signedUrl ?? new Uri(client.BaseAddress!, path).ToString(), form));
        return await client.SendAsync(request);
    }

    private static Dictionary<string, string> Incoming(string from, string body, string sid, params (string Key, string Value)[] more)
    {
        var form = new Dictionary<string, string>
        {
            ["ToCountry"] = "US", ["SmsMessageSid"] = sid, ["NumMedia"] = "0", ["SmsSid"] = sid, ["SmsStatus"] = "received", ["Body"] = body,
            ["To"] = FromNumber, ["NumSegments"] = "1", ["MessageSid"] = sid, ["AccountSid"] = AccountSid, ["From"] = from, ["ApiVersion"] = "2010-04-01",
        };
        foreach (var (k, v) in more)
            form[k] = v;
        return form;
    }

    private static Dictionary<string, string> Callback(string sid, string status, string? errorCode = null)
    {
        var form = new Dictionary<string, string>
        {
            ["MessageSid"] = sid, ["SmsSid"] = sid, ["MessageStatus"] = status, ["SmsStatus"] = status, ["AccountSid"] = AccountSid, ["From"] = FromNumber,
            ["To"] = "+14155550199", ["ApiVersion"] = "2010-04-01",
        };
        if (errorCode is not null)
            form["ErrorCode"] = errorCode;
        return form;
    }

    private static string Sid() => "SM" + Guid.NewGuid().ToString("N");

    private static async Task<int> LeadOfAsync(ChannelKit kit, string number) =>
        await kit.WithDbAsync(db => db.ChannelIdentities.Where(i => i.Kind == ChannelKind.Sms && i.ExternalId == number).Select(i => i.LeadId).SingleAsync());

    private static string VectorsFile
    {
        get
        {
            var file = Path.Combine(Path.GetDirectoryName(WhatsappKit.DataFolder)!, "twilio", "request_signature_vectors.json");
            return File.Exists(file) ? file : throw new FileNotFoundException("The shared Twilio signature vectors are missing.", file);
        }
    }

    private static List<KeyValuePair<string, StringValues>> Params(JsonElement p) =>
        [.. p.EnumerateObject().Select(x => new KeyValuePair<string, StringValues>(x.Name, x.Value.GetString()))];

    [Fact]
    public void The_signature_vectors_of_the_data_set_verify_and_their_tampered_variants_do_not()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(VectorsFile));
        var cases = doc.RootElement.GetProperty("cases").EnumerateArray().ToList();
        Assert.NotEmpty(cases);
        foreach (var c in cases)
        {
            var id = c.GetProperty("id").GetString();
            var token = c.GetProperty("auth_token").GetString()!;
            var url = c.GetProperty("url").GetString()!;
            var parameters = Params(c.GetProperty("params"));
            var signature = c.GetProperty("expected_signature").GetString();
            Assert.True(TwilioSignature.Verify(token, [url], parameters, signature) == c.GetProperty("valid").GetBoolean(), $"case {id}");
            if (c.TryGetProperty("raw_body", out var raw))
                Assert.Equal(c.GetProperty("expected_body_sha256_base64").GetString(), Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(raw.GetString()!))));

            // the held-out kinds of case: parameters in another order still verify; a changed value, another token or
            // another path do not
            var reordered = parameters.AsEnumerable().Reverse().ToList();
            Assert.True(TwilioSignature.Verify(token, [url], reordered, signature), $"case {id} reordered");
            var tampered = parameters.Select(p => p.Key == "From" ? new KeyValuePair<string, StringValues>(p.Key, p.Value + "1") : p).ToList();
            Assert.False(TwilioSignature.Verify(token, [url], tampered, signature), $"case {id} tampered");
            Assert.False(TwilioSignature.Verify(token, [url], [.. parameters, new("Body", "extra")], signature), $"case {id} with a parameter added");
            Assert.False(TwilioSignature.Verify(token + "x", [url], parameters, signature), $"case {id} other token");
            Assert.False(TwilioSignature.Verify(token, [url.Replace("myapp.php", "other.php", StringComparison.Ordinal)], parameters, signature), $"case {id} other path");
        }
    }

    [Fact]
    public void A_url_signed_with_one_port_does_not_verify_with_another_and_json_bodies_are_checked_by_their_hash()
    {
        var form = new Dictionary<string, string> { ["From"] = "+14158675309", ["Body"] = "hi" };
        var signedWith1234 = TwilioSignature.Sign("12345", "http://mycompany.com:1234/myapp.php?foo=1", form);
        var parameters = form.Select(p => new KeyValuePair<string, StringValues>(p.Key, p.Value)).ToList();
        Assert.True(TwilioSignature.Verify("12345", ["http://mycompany.com:1234/myapp.php?foo=1"], parameters, signedWith1234));
        Assert.False(TwilioSignature.Verify("12345", ["http://mycompany.com:4321/myapp.php?foo=1"], parameters, signedWith1234));
        Assert.False(TwilioSignature.Verify("12345", ["https://mycompany.com:1234/myapp.php?foo=1"], parameters, signedWith1234));
        // the default port, given or not, on either side
        var signedBare = TwilioSignature.Sign("12345", "https://mycompany.com/myapp.php", form);
        Assert.True(TwilioSignature.Verify("12345", ["https://mycompany.com:443/myapp.php"], parameters, signedBare));
        Assert.True(TwilioSignature.Verify("12345", ["https://mycompany.com/myapp.php"], parameters, TwilioSignature.Sign("12345", "https://mycompany.com:443/myapp.php", form)));

        // a JSON body: its hash in the URL, the URL alone signed
        var body = Encoding.UTF8.GetBytes("""{"MessageSid":"SM1","MessageStatus":"delivered"}""");
        var jsonUrl = $"https://mycompany.com/hook?bodySHA256={Convert.ToHexStringLower(SHA256.HashData(body))}";
        var jsonSignature = TwilioSignature.Sign("12345", jsonUrl, new Dictionary<string, string>());
        Assert.True(TwilioSignature.Verify("12345", [jsonUrl], [], jsonSignature, body, json: true));
        Assert.False(TwilioSignature.Verify("12345", [jsonUrl], [], jsonSignature, Encoding.UTF8.GetBytes("""{"MessageSid":"SM1","MessageStatus":"read"}"""), json: true));
        Assert.False(TwilioSignature.Verify("12345", ["https://mycompany.com/hook"], [], TwilioSignature.Sign("12345", "https://mycompany.com/hook", new Dictionary<string, string>()),
            body, json: true));
        Assert.False(TwilioSignature.Verify("12345", [jsonUrl], [], "not base64 !", body, json: true));
    }

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task An_unsigned_or_forged_webhook_is_refused_before_anything_is_stored_and_a_signed_one_is_answered_with_empty_twiml(Db db)
    {
        var kit = await KitAsync(db);
        var form = Incoming("+14155550199", "Need a quote for gutters", Sid());
        var before = await kit.WithDbAsync(d => d.WebhookDeliveries.CountAsync());

        Assert.Equal(HttpStatusCode.Unauthorized, (await PostAsync(kit, form, signature: "bm90LXRoZS1zaWduYXR1cmU=")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await PostAsync(kit, form, signature: "")).StatusCode);
        var tampered = new Dictionary<string, string>(form) { ["Body"] = "Need a quote for gutters!" };
        Assert.Equal(HttpStatusCode.Unauthorized, (await PostAsync(kit, tampered, signature: TwilioSignature.Sign(AuthToken, "http://localhost/webhooks/twilio/" + kit.ChannelId, form))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await PostAsync(kit, form, signedUrl: $"http://localhost:8080/webhooks/twilio/{kit.ChannelId}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await PostAsync(kit, form, channelId: 999_999)).StatusCode);
        Assert.Equal(before, await kit.WithDbAsync(d => d.WebhookDeliveries.CountAsync()));

        // signed over the URL the request reached, over it with its default port, or over the configured public URL
        var ok = await PostAsync(kit, form);
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Equal("text/xml", ok.Content.Headers.ContentType?.MediaType);
        Assert.EndsWith("<Response/>", await ok.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(kit, form, signedUrl: $"http://localhost:80/webhooks/twilio/{kit.ChannelId}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(kit, form, signedUrl: $"{ChannelFixture.PublicBaseUrl}/webhooks/twilio/{kit.ChannelId}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(kit, form, signedUrl: $"{ChannelFixture.PublicBaseUrl}:443/webhooks/twilio/{kit.ChannelId}")).StatusCode);
        Assert.Equal(before + 4, await kit.WithDbAsync(d => d.WebhookDeliveries.CountAsync()));

        // stored four times, one message
        await kit.ProcessAsync();
        var leadId = await LeadOfAsync(kit, "+14155550199");
        Assert.Single(await kit.MessagesAsync(leadId));
    }

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task An_inbound_sms_makes_a_lead_with_intake_sms_and_a_known_number_finds_its_lead(Db db)
    {
        var kit = await KitAsync(db);
        var sid = Sid();
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(kit, Incoming("+14155550199", "Need a quote for gutters", sid))).StatusCode);
        await kit.ProcessAsync();

        var leadId = await LeadOfAsync(kit, "+14155550199");
        var lead = await kit.LeadAsync(leadId);
        Assert.Equal("sms", lead.GetProperty("intakeMode").GetString());
        Assert.Equal("sms", lead.GetProperty("source").GetString());
        Assert.Equal("+14155550199", lead.GetProperty("phoneE164").GetString());
        Assert.Equal("Need a quote for gutters", lead.GetProperty("enquiry").GetString());
        var identity = Assert.Single(lead.GetProperty("channelIdentities").EnumerateArray());
        Assert.Equal(("sms", "+14155550199"), (identity.GetProperty("kind").GetString(), identity.GetProperty("externalId").GetString()));
        var message = Assert.Single(await kit.MessagesAsync(leadId));
        Assert.Equal(("inbound", "text", "Need a quote for gutters", sid), (message.GetProperty("direction").GetString(), message.GetProperty("type").GetString(),
            message.GetProperty("text").GetString(), message.GetProperty("providerMessageId").GetString()));

        // a lead typed in by hand with that mobile: its next text lands there, not on a new lead
        var typed = (await kit.Workspace.Admin.CreateLeadAsync(new { name = "Pat Typed", phone = "+1 (415) 555-0142" })).GetProperty("id").GetInt32();
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(kit, Incoming("+14155550142", "It's Pat, about Thursday", Sid()))).StatusCode);
        await kit.ProcessAsync();
        Assert.Equal(typed, await LeadOfAsync(kit, "+14155550142"));
        Assert.Equal("It's Pat, about Thursday", Assert.Single(await kit.MessagesAsync(typed)).GetProperty("text").GetString());
    }

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task A_required_custom_field_nobody_asked_the_customer_does_not_refuse_the_enquiry(Db db)
    {
        var kit = await KitAsync(db);
        var field = await kit.Workspace.Admin.PostAsJsonAsync("/api/v1/custom-fields", new { key = "budget_band", label = "Budget band", type = "text", required = true });
        Assert.Equal(HttpStatusCode.Created, field.StatusCode);
        // typed in, the field is required...
        Assert.Equal(HttpStatusCode.BadRequest, (await kit.Workspace.Admin.PostAsJsonAsync("/api/v1/leads", new { name = "Typed Without Band" })).StatusCode);

        // ...but a customer texting in becomes a lead all the same, the field left for the team
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(kit, Incoming("+14155550177", "Do you fit gutters?", Sid()))).StatusCode);
        await kit.ProcessAsync();
        var lead = await kit.LeadAsync(await LeadOfAsync(kit, "+14155550177"));
        Assert.Equal("Do you fit gutters?", lead.GetProperty("enquiry").GetString());
    }

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task An_mms_keeps_its_picture_fetched_from_twilio_with_the_account_credentials(Db db)
    {
        var kit = await KitAsync(db);
        var png = Convert.FromBase64String("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==");
        var mediaId = "ME" + Guid.NewGuid().ToString("N");
        fixture.Twilio.Media[mediaId] = ("image/png", png);
        var sid = Sid();
        var form = Incoming("+14155550111", "The broken gutter", sid, ("NumMedia", "1"), ("MediaUrl0", $"{fixture.Twilio.BaseUrl}/media/{mediaId}"),
            ("MediaContentType0", "image/png"));
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(kit, form)).StatusCode);
        await kit.ProcessAsync();

        var leadId = await LeadOfAsync(kit, "+14155550111");
        var message = Assert.Single(await kit.MessagesAsync(leadId));
        Assert.Equal("image", message.GetProperty("type").GetString());
        Assert.True(message.GetProperty("media").GetProperty("available").GetBoolean());
        Assert.Equal("The broken gutter", message.GetProperty("media").GetProperty("caption").GetString());
        var fetched = await kit.Workspace.Admin.GetByteArrayAsync($"/api/v1/messages/{message.GetProperty("id").GetInt64()}/media");
        Assert.Equal(png, fetched);
        var auth = fixture.Twilio.Requests.Last(r => r.Path == $"/media/{mediaId}").Authorization;
        Assert.Equal("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{AccountSid}:{AuthToken}")), auth);
    }

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task A_reply_goes_to_twilio_retrying_a_server_error_and_status_callbacks_move_its_ticks(Db db)
    {
        var kit = await KitAsync(db);
        await PostAsync(kit, Incoming("+14155550123", "Can you come Friday?", Sid()));
        await kit.ProcessAsync();
        var leadId = await LeadOfAsync(kit, "+14155550123");

        // without a channel: the customer's last channel (SMS) answers
        var queued = await kit.Workspace.Admin.PostAsJsonAsync($"/api/v1/leads/{leadId}/messages", new { text = "Yes, Friday at 9. Send photos?" });
        Assert.Equal(HttpStatusCode.Accepted, queued.StatusCode);
        var messageId = (await queued.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
        var sentBefore = fixture.Twilio.SentCount;
        fixture.Twilio.FailNext(1, 500, 20500, "Internal Server Error");
        Assert.Equal(1, await kit.DispatchAsync());

        Assert.Equal(sentBefore + 1, fixture.Twilio.SentCount);
        var sent = fixture.Twilio.SentMessages.Last(m => m["Body"] == "Yes, Friday at 9. Send photos?");
        Assert.Equal(("+14155550123", FromNumber, $"{ChannelFixture.PublicBaseUrl}/webhooks/twilio/{kit.ChannelId}"), (sent["To"], sent["From"], sent["StatusCallback"]));
        var request = fixture.Twilio.Requests.Last(r => r.Query == "sent" && r.Body.Contains("Friday+at+9", StringComparison.Ordinal));
        Assert.Equal($"/2010-04-01/Accounts/{AccountSid}/Messages.json", request.Path);
        Assert.Equal("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{AccountSid}:{AuthToken}")), request.Authorization);
        var message = await kit.WithDbAsync(d => d.Messages.SingleAsync(m => m.Id == messageId));
        Assert.Equal(MessageStatus.Sent, message.Status);
        Assert.StartsWith("SM", message.ProviderMessageId, StringComparison.Ordinal);

        // Twilio's callbacks: delivered moves it on; a late "sent" does not step back
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(kit, Callback(message.ProviderMessageId!, "delivered"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(kit, Callback(message.ProviderMessageId!, "sent"))).StatusCode);
        await kit.ProcessAsync();
        Assert.Equal(MessageStatus.Delivered, (await kit.WithDbAsync(d => d.Messages.SingleAsync(m => m.Id == messageId))).Status);
        var shown = (await kit.MessagesAsync(leadId)).Single(m => m.GetProperty("id").GetInt64() == messageId);
        Assert.Equal("delivered", shown.GetProperty("status").GetString());

        // another reply that Twilio could not deliver: failed, with Twilio's error code
        var second = await kit.ReplyAsync(leadId, "Did you get this?");
        var secondId = (await second.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
        await kit.DispatchAsync();
        var secondSid = (await kit.WithDbAsync(d => d.Messages.SingleAsync(m => m.Id == secondId))).ProviderMessageId!;
        await PostAsync(kit, Callback(secondSid, "undelivered", "30003"));
        await kit.ProcessAsync();
        var failed = await kit.WithDbAsync(d => d.Messages.SingleAsync(m => m.Id == secondId));
        Assert.Equal(MessageStatus.Failed, failed.Status);
        Assert.Contains("30003", failed.Error, StringComparison.Ordinal);
    }

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task A_reply_twilio_refuses_fails_with_its_reason_and_a_lead_without_a_number_or_a_template_is_refused_up_front(Db db)
    {
        var kit = await KitAsync(db);
        var leadId = (await kit.Workspace.Admin.CreateLeadAsync(new { name = "Bad Number", mobile = "+1 415 555 0100" })).GetProperty("id").GetInt32();
        var queued = await kit.ReplyAsync(leadId, "Hello there");
        Assert.Equal(HttpStatusCode.Accepted, queued.StatusCode);
        var messageId = (await queued.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
        var sentBefore = fixture.Twilio.SentCount;
        fixture.Twilio.FailNext(1, 400, 21211, "The 'To' number +14155550100 is not a valid phone number.");
        Assert.Equal(1, await kit.DispatchAsync());
        Assert.Equal(sentBefore, fixture.Twilio.SentCount);   // refused: not tried again
        var message = await kit.WithDbAsync(d => d.Messages.SingleAsync(m => m.Id == messageId));
        Assert.Equal(MessageStatus.Failed, message.Status);
        Assert.Contains("(21211) The 'To' number +14155550100 is not a valid phone number.", message.Error, StringComparison.Ordinal);
        var outbox = await kit.WithDbAsync(d => d.Outbox.SingleAsync(o => o.MessageId == messageId));
        Assert.Equal((OutboxStatus.Failed, SmsMessageSenderKind), (outbox.Status, outbox.Kind));

        var noNumber = (await kit.Workspace.Admin.CreateLeadAsync(new { name = "No Number", email = "nonumber@example.org" })).GetProperty("id").GetInt32();
        var refused = await kit.ReplyAsync(noNumber, "Hello");
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        var template = await kit.Workspace.Admin.PostAsJsonAsync($"/api/v1/leads/{leadId}/messages",
            new { channelId = kit.ChannelId, template = new { name = "hello", language = "en", parameters = Array.Empty<string>() } });
        Assert.Equal(HttpStatusCode.BadRequest, template.StatusCode);
        var tooLong = await kit.ReplyAsync(leadId, new string('x', 1600));
        Assert.Equal(HttpStatusCode.BadRequest, tooLong.StatusCode);
    }

    private const string SmsMessageSenderKind = Leadline.Conversations.Sending.SmsMessageSender.MessageKind;

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task The_simulator_posts_a_signed_text_that_becomes_a_lead(Db db)
    {
        var kit = await KitAsync(db);
        using var client = kit.App.CreateClient();
        using var output = new StringWriter();
        var code = await SmsSimulator.RunAsync(new Dictionary<string, string>
        {
            ["channel"] = kit.ChannelId.ToString(System.Globalization.CultureInfo.InvariantCulture), ["token"] = AuthToken, ["from"] = "+14155550177", ["text"] = "Simulated hello",
        }, output, client, CancellationToken.None);
        Assert.True(code == 0, output.ToString());
        await kit.ProcessAsync();
        var leadId = await LeadOfAsync(kit, "+14155550177");
        Assert.Equal(LeadIntakeMode.Sms, (await kit.WithDbAsync(d => d.Leads.SingleAsync(l => l.Id == leadId))).IntakeMode);
    }
}

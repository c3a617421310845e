using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Leadline.Channels;

namespace Leadline.Conversations.Inbound;

/// <summary>
/// <c>simulate-whatsapp</c>, <c>simulate-messenger</c>, <c>simulate-instagram</c>: what Meta would post to a running
/// Leadline when a customer writes, signed with the channel's app secret, so the inbound path can be tried without a Meta
/// account: a text, optionally an image, and optionally a delivery status (WhatsApp) or a read receipt (Messenger,
/// Instagram) for one of our messages.
/// </summary>
public static class MetaSimulator
{
    public const string Usage =
        "simulate-whatsapp --channel ID --secret APP_SECRET [--url http://127.0.0.1:5080] [--from 85291234567] [--name NAME] [--text TEXT] "
        + "[--image] [--status read --message-id WAMID] [--phone-number-id ID]" + "\n"
        + "simulate-messenger | simulate-instagram --channel ID --secret APP_SECRET [--url http://127.0.0.1:5080] [--from PSID] [--text TEXT] "
        + "[--image] [--read --message-id MID] [--page-id ID] [--media-base http://127.0.0.1:5090 (fake-meta, which serves the photo)]";

    public static async Task<int> RunAsync(ChannelKind kind, IReadOnlyDictionary<string, string> options, TextWriter output, CancellationToken ct)
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        return await RunAsync(kind, options, output, client, ct);
    }

    /// <summary>As above through <paramref name="client"/> (a test's in-memory server).</summary>
    public static async Task<int> RunAsync(ChannelKind kind, IReadOnlyDictionary<string, string> options, TextWriter output, HttpClient client, CancellationToken ct)
    {
        if (!options.TryGetValue("channel", out var channel) || !int.TryParse(channel, out _) || !options.TryGetValue("secret", out var secret))
        {
            await output.WriteLineAsync("--channel (the channel's id) and --secret (its app secret) are required." + Environment.NewLine + Usage);
            return 2;
        }
        var url = (options.GetValueOrDefault("url") ?? client.BaseAddress?.ToString() ?? "http://127.0.0.1:5080").TrimEnd('/');
        var bodies = kind == ChannelKind.Whatsapp ? WhatsappBodies(options) : MessagingBodies(kind, options);
        var failed = false;
        foreach (var (what, from, payload) in bodies)
        {
            // as Meta sends it: compact, non-ASCII escaped as \uXXXX, signed over exactly these bytes
            var bytes = Encoding.UTF8.GetBytes(payload.ToJsonString());
            using var content = new ByteArrayContent(bytes);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            using var request = new HttpRequestMessage(HttpMethod.Post, $"{url}/webhooks/meta/{channel}") { Content = content };
            request.Headers.Add(MetaSignature.Header, MetaSignature.Sign(secret, bytes));
            using var response = await client.SendAsync(request, ct);
            await output.WriteLineAsync($"{what} from {from}: {(int)response.StatusCode} {response.ReasonPhrase}");
            failed |= !response.IsSuccessStatusCode;
        }
        return failed ? 1 : 0;
    }

    private static List<(string What, string From, JsonObject Payload)> WhatsappBodies(IReadOnlyDictionary<string, string> options)
    {
        var from = new string(options.GetValueOrDefault("from", "85291234567").Where(char.IsAsciiDigit).ToArray());
        var name = options.GetValueOrDefault("name", "Wong Ka Ming");
        var phoneNumberId = options.GetValueOrDefault("phone-number-id");
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var stamp = Guid.NewGuid().ToString("N")[..12];

        var values = new List<(string What, JsonObject Value)>();
        if (options.GetValueOrDefault("text", "Hi! Is the flat in Mong Kok still available?") is { Length: > 0 } text)
            values.Add(("text", Messages(from, name, new JsonObject { ["from"] = from, ["id"] = $"wamid.sim.{stamp}.t", ["timestamp"] = now, ["type"] = "text",
                ["text"] = new JsonObject { ["body"] = text } })));
        if (options.ContainsKey("image"))
            values.Add(("image", Messages(from, name, new JsonObject { ["from"] = from, ["id"] = $"wamid.sim.{stamp}.i", ["timestamp"] = now, ["type"] = "image",
                ["image"] = new JsonObject { ["id"] = "sim-media-" + stamp, ["mime_type"] = "image/jpeg", ["sha256"] = "", ["caption"] = "The view from the balcony" } })));
        if (options.TryGetValue("status", out var status) && options.TryGetValue("message-id", out var messageId))
            values.Add(($"status {status}", new JsonObject
            {
                ["statuses"] = new JsonArray(new JsonObject { ["id"] = messageId, ["status"] = status, ["timestamp"] = now, ["recipient_id"] = from }),
            }));
        return values.Select(v =>
        {
            v.Value["messaging_product"] = "whatsapp";
            v.Value["metadata"] = new JsonObject { ["display_phone_number"] = "15550000000" };
            if (phoneNumberId is not null)
                v.Value["metadata"]!["phone_number_id"] = phoneNumberId;
            return (v.What, "+" + from, new JsonObject
            {
                ["object"] = "whatsapp_business_account",
                ["entry"] = new JsonArray(new JsonObject { ["id"] = "0", ["changes"] = new JsonArray(new JsonObject { ["field"] = "messages", ["value"] = v.Value }) }),
            });
        }).ToList();
    }

    private static JsonObject Messages(string from, string name, JsonObject message) => new()
    {
        ["contacts"] = new JsonArray(new JsonObject { ["profile"] = new JsonObject { ["name"] = name }, ["wa_id"] = from }),
        ["messages"] = new JsonArray(message),
    };

    /// <summary>
    /// Messenger (<c>object: page</c>) and Instagram (<c>object: instagram</c>) events under <c>entry[].messaging[]</c>: the
    /// sender's page-scoped id (PSID/IGSID), millisecond timestamps, <c>mid</c>s; the entry names the Page or account
    /// (when none is given, the channel in the URL takes it).
    /// </summary>
    private static List<(string What, string From, JsonObject Payload)> MessagingBodies(ChannelKind kind, IReadOnlyDictionary<string, string> options)
    {
        var from = options.GetValueOrDefault("from", kind == ChannelKind.Instagram ? "17841400000000001" : "24681357924681357");
        var account = options.GetValueOrDefault("page-id", "0");
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var stamp = Guid.NewGuid().ToString("N")[..12];
        var events = new List<(string What, JsonObject Event)>();
        JsonObject Event(string member, JsonObject value) => new()
        {
            ["sender"] = new JsonObject { ["id"] = from }, ["recipient"] = new JsonObject { ["id"] = account }, ["timestamp"] = now, [member] = value,
        };
        if (options.GetValueOrDefault("text", "Hi! Do you have this in a size M?") is { Length: > 0 } text)
            events.Add(("text", Event("message", new JsonObject { ["mid"] = $"m_sim_{stamp}_t", ["text"] = text })));
        if (options.ContainsKey("image"))
            events.Add(("image", Event("message", new JsonObject
            {
                ["mid"] = $"m_sim_{stamp}_i",
                ["attachments"] = new JsonArray(new JsonObject
                {
                    ["type"] = "image",
                    ["payload"] = new JsonObject { ["url"] = $"{options.GetValueOrDefault("media-base", "http://127.0.0.1:5090").TrimEnd('/')}/media-bytes/sim-{stamp}" },
                }),
            })));
        if (options.ContainsKey("read") && options.TryGetValue("message-id", out var mid))
            events.Add(("read", Event("read", new JsonObject { ["mid"] = mid })));
        var kindName = kind == ChannelKind.Instagram ? "instagram" : "page";
        return events.Select(e => (e.What, from, new JsonObject
        {
            ["object"] = kindName,
            ["entry"] = new JsonArray(new JsonObject { ["id"] = account, ["time"] = now, ["messaging"] = new JsonArray(e.Event) }),
        })).ToList();
    }
}

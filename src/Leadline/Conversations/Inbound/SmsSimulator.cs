using System.Text;
using Leadline.Channels;

namespace Leadline.Conversations.Inbound;

/// <summary>
/// <c>simulate-sms</c>: what Twilio would post to a running Leadline when a customer texts the channel's number, signed
/// with the channel's auth token over the URL it posts to, so SMS can be tried without a Twilio account; optionally a
/// status callback for one of our messages.
/// </summary>
public static class SmsSimulator
{
    private const string Usage =
        "simulate-sms --channel ID --token AUTH_TOKEN [--url http://127.0.0.1:5080] [--from +14155550199] [--to +15005550006] [--text TEXT] "
        + "[--status delivered --message-id SM...]";

    public static async Task<int> RunAsync(IReadOnlyDictionary<string, string> options, TextWriter output, CancellationToken ct)
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        return await RunAsync(options, output, client, ct);
    }

    /// <summary>As above through <paramref name="client"/> (a test's in-memory server).</summary>
    public static async Task<int> RunAsync(IReadOnlyDictionary<string, string> options, TextWriter output, HttpClient client, CancellationToken ct)
    {
        if (!options.TryGetValue("channel", out var channel) || !int.TryParse(channel, out _) || !options.TryGetValue("token", out var token))
        {
            await output.WriteLineAsync("--channel (the SMS channel's id) and --token (its Twilio auth token) are required." + Environment.NewLine + Usage);
            return 2;
        }
        var url = (options.GetValueOrDefault("url") ?? client.BaseAddress?.ToString() ?? "http://127.0.0.1:5080").TrimEnd('/') + $"/webhooks/twilio/{channel}";
        var from = options.GetValueOrDefault("from", "+14155550199");
        var to = options.GetValueOrDefault("to", "+15005550006");
        var stamp = Guid.NewGuid().ToString("N");
        var posts = new List<(string What, Dictionary<string, string> Form)>();
        if (options.GetValueOrDefault("text", "Hi, can I get a quote for cleaning the gutters?") is { Length: > 0 } text)
            posts.Add(("text", new()
            {
                ["MessageSid"] = "SM" + stamp, ["SmsSid"] = "SM" + stamp, ["AccountSid"] = "AC" + new string('0', 32), ["From"] = from, ["To"] = to,
                ["Body"] = text, ["NumMedia"] = "0", ["SmsStatus"] = "received", ["ApiVersion"] = "2010-04-01",
            }));
        if (options.TryGetValue("status", out var status) && options.TryGetValue("message-id", out var messageId))
            posts.Add(($"status {status}", new()
            {
                ["MessageSid"] = messageId, ["SmsSid"] = messageId, ["AccountSid"] = "AC" + new string('0', 32), ["From"] = to, ["To"] = from,
                ["MessageStatus"] = status, ["SmsStatus"] = status, ["ApiVersion"] = "2010-04-01",
            }));
        var failed = false;
        foreach (var (what, form) in posts)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new FormUrlEncodedContent(form) };
            request.Headers.Add(TwilioSignature.Header, TwilioSignature.Sign(token, url, form));
            using var response = await client.SendAsync(request, ct);
            await output.WriteLineAsync($"{what} from {from}: {(int)response.StatusCode} {response.ReasonPhrase}");
            failed |= !response.IsSuccessStatusCode;
        }
        return failed ? 1 : 0;
    }
}

using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Leadline.Channels;
using Leadline.Data;
using Leadline.Outbox;
using Microsoft.EntityFrameworkCore;

namespace Leadline.Conversations.Sending;

/// <summary>
/// Sends an SMS through Twilio's Messages API: <c>POST {base}/2010-04-01/Accounts/{AccountSid}/Messages.json</c>,
/// form-encoded <c>To, From, Body, StatusCallback</c> (our webhook, when <c>Leadline:PublicBaseUrl</c> says where we are),
/// basic auth with the account SID and auth token. Twilio's <c>sid</c> is the provider id; 5xx, 429 and network failures
/// are retried, any other 4xx is refused for good with Twilio's <c>message</c> and <c>code</c>.
/// </summary>
public sealed class SmsMessageSender(IHttpClientFactory http, LeadlineDb db, ChannelSecrets secrets, PublicUrls urls) : IOutboxSender
{
    public const string MessageKind = "sms.message";

    public string Kind => MessageKind;

    public async Task<OutboxSendResult> SendAsync(OutboxMessage message, CancellationToken ct)
    {
        var payload = SmsPayload.Read(message.Payload);
        if (payload is null)
            return OutboxSendResult.Refused("The queued SMS cannot be read.");
        var channel = await db.Channels.IgnoreQueryFilters().AsNoTracking()
            .FirstOrDefaultAsync(c => c.Id == payload.ChannelId && c.WorkspaceId == message.WorkspaceId, ct);
        if (channel is null || channel.Kind != ChannelKind.Sms)
            return OutboxSendResult.Refused("The SMS channel no longer exists.");
        var account = channel.Setting("accountSid");
        var from = channel.Setting("fromNumber");
        var token = secrets.Read(channel, "authToken");
        if (string.IsNullOrEmpty(account) || string.IsNullOrEmpty(from) || string.IsNullOrEmpty(token))
            return OutboxSendResult.Refused("The SMS channel has no account SID, sender number or auth token.");

        var form = new List<KeyValuePair<string, string>>
        {
            new("To", payload.To),
            // a Messaging Service (MG...) picks the sender itself
            new(from.StartsWith("MG", StringComparison.Ordinal) ? "MessagingServiceSid" : "From", from),
            new("Body", payload.Text),
        };
        if (urls.Absolute($"/webhooks/twilio/{channel.Id}") is { } callback)
            form.Add(new("StatusCallback", callback));
        using var request = new HttpRequestMessage(HttpMethod.Post, $"2010-04-01/Accounts/{Uri.EscapeDataString(account)}/Messages.json")
        {
            Content = new FormUrlEncodedContent(form),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{account}:{token}")));
        using var response = await http.CreateClient(ChannelsFeature.Twilio).SendAsync(request, ct);
        var text = await response.Content.ReadAsStringAsync(ct);
        if (response.IsSuccessStatusCode)
        {
            var sid = TryParse(text)?["sid"]?.ToString();
            return sid is null ? OutboxSendResult.Retry($"Twilio answered {(int)response.StatusCode} without a message sid.") : OutboxSendResult.Sent(sid);
        }
        var error = Describe(response.StatusCode, text);
        return (int)response.StatusCode >= 500 || response.StatusCode == HttpStatusCode.TooManyRequests
            ? OutboxSendResult.Retry(error)
            : OutboxSendResult.Refused(error);
    }

    /// <summary>Twilio's error as people read it: "(21211) The 'To' number is not a valid phone number. [HTTP 400]".</summary>
    internal static string Describe(HttpStatusCode status, string body)
    {
        var error = TryParse(body);
        var message = error?["message"]?.ToString();
        if (message is null)
            return $"HTTP {(int)status} from Twilio.";
        var code = error!["code"]?.ToString();
        return $"{(string.IsNullOrEmpty(code) ? "" : $"({code}) ")}{message} [HTTP {(int)status}]";
    }

    private static JsonNode? TryParse(string text)
    {
        try
        {
            return JsonNode.Parse(text);
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }
}

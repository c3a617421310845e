using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Leadline.Channels;
using Leadline.Data;
using Leadline.Leads;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Primitives;

namespace Leadline.Conversations.Inbound;

/// <summary>
/// Reads a stored Twilio delivery of an SMS channel: an incoming message (<c>From, Body, MessageSid, NumMedia,
/// MediaUrl0..</c>) is recorded on the lead the sender's number is (<see cref="InboundRecorder"/>: identity, phone, or a
/// new lead with intake mode sms), its media fetched from Twilio with the account's credentials; a status callback
/// (<c>MessageStatus</c> sent, delivered, read, undelivered or failed, with <c>ErrorCode</c>) moves our message's ticks.
/// Idempotent: a message is stored once per MessageSid; a retried delivery fetches media the first try could not.
/// </summary>
public sealed class SmsInbound(LeadlineDb db, InboundRecorder recorder, MessageStatuses statuses, LinkedMedia media, ChannelSecrets secrets)
    : IWebhookDeliveryHandler
{
    public IReadOnlyCollection<ChannelKind> Kinds { get; } = [ChannelKind.Sms];

    public async Task<InboundOutcome> ProcessAsync(WebhookDelivery delivery, CancellationToken ct)
    {
        var outcome = new InboundOutcome();
        var channel = await db.Channels.AsNoTracking().FirstOrDefaultAsync(c => c.Id == delivery.ChannelId, ct);
        if (channel is null)
            return outcome;
        var p = Parameters(delivery.Body);
        var sid = First(p, "MessageSid") ?? First(p, "SmsSid") ?? First(p, "SmsMessageSid");
        if (sid is null)
            return outcome;
        var state = (First(p, "MessageStatus") ?? First(p, "SmsStatus"))?.ToLowerInvariant();
        if (state is null or "received" or "receiving")
        {
            await ReceiveAsync(channel, delivery, p, sid, outcome, ct);
            return outcome;
        }
        if (Status(state) is { } status)
        {
            var error = status == MessageStatus.Failed ? Error(state, First(p, "ErrorCode"), First(p, "ErrorMessage")) : null;
            // a callback can beat the Messages API's answer that gave the outbox the sid: held until then
            await statuses.ApplyOrHoldAsync(channel, sid, status, error, delivery.ReceivedAt, outcome, ct);
        }
        return outcome;
    }

    private async Task ReceiveAsync(Channel channel, WebhookDelivery delivery, Dictionary<string, StringValues> p, string sid, InboundOutcome outcome,
        CancellationToken ct)
    {
        var from = First(p, "From")?.Trim();
        if (string.IsNullOrEmpty(from))
            return;
        var body = First(p, "Body");
        var e164 = IsE164(from) ? from : null;
        var sender = new InboundSender(ChannelKind.Sms, from, LeadIntakeMode.Sms)
        {
            PhoneE164 = e164,
            // an alphanumeric sender or a short code is no number to call back: it names the lead
            Name = e164 is null ? from : null,
            Source = nameof(LeadSource.Sms),
            Enquiry = string.IsNullOrWhiteSpace(body) ? null : body,
        };
        var mediaCount = int.TryParse(First(p, "NumMedia"), out var n) ? Math.Clamp(n, 0, 10) : 0;
        var payload = Payload(p);
        var at = delivery.ReceivedAt;
        var items = new List<(IncomingMessage Message, string? Url)>();
        if (mediaCount == 0)
            items.Add((new IncomingMessage { ProviderMessageId = sid, At = at, Type = MessageType.Text, Text = body, Payload = payload }, null));
        for (var i = 0; i < mediaCount; i++)
        {
            var mime = First(p, $"MediaContentType{i}");
            // the text travels with the first media as its caption; more media are messages of their own
            items.Add((new IncomingMessage
            {
                ProviderMessageId = i == 0 ? sid : $"{sid}/{i}", At = at, Type = TypeOf(mime), Text = i == 0 ? body : null, Payload = payload,
                MediaMimeType = mime, MediaCaption = i == 0 && !string.IsNullOrWhiteSpace(body) ? body : null,
            }, First(p, $"MediaUrl{i}")));
        }
        foreach (var (message, url) in items)
        {
            var recorded = await recorder.RecordAsync(channel, sender, message, outcome, ct);
            if (url is not null && (!recorded.AlreadyStored || await media.MissingAsync(recorded.MessageId, ct)))
                await media.FetchAsync(channel.WorkspaceId, recorded.MessageId, url, Credentials(channel), "Twilio", ct);
        }
    }

    /// <summary>Twilio's media may require HTTP basic auth with the account's SID and auth token.</summary>
    private AuthenticationHeaderValue? Credentials(Channel channel)
    {
        var account = channel.Setting("accountSid");
        var token = secrets.Read(channel, "authToken");
        return account is null || token is null ? null
            : new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{account}:{token}")));
    }

    /// <summary>A form post's parameters, or a JSON body's top-level members.</summary>
    internal static Dictionary<string, StringValues> Parameters(string body)
    {
        if (!body.TrimStart().StartsWith('{'))
            return QueryHelpers.ParseQuery(body);
        var result = new Dictionary<string, StringValues>(StringComparer.Ordinal);
        try
        {
            using var doc = JsonDocument.Parse(body);
            if (doc.RootElement.ValueKind == JsonValueKind.Object)
            {
                foreach (var member in doc.RootElement.EnumerateObject())
                    result[member.Name] = member.Value.ValueKind == JsonValueKind.String ? member.Value.GetString() : member.Value.GetRawText();
            }
        }
        catch (JsonException)
        {
            // not Twilio's: nothing to read
        }
        return result;
    }

    private static string? First(Dictionary<string, StringValues> p, string name) =>
        p.TryGetValue(name, out var v) && v.Count > 0 && !string.IsNullOrEmpty(v[0]) ? v[0] : null;

    private static string Payload(Dictionary<string, StringValues> p)
    {
        var json = new JsonObject();
        foreach (var (name, values) in p.OrderBy(x => x.Key, StringComparer.Ordinal))
            json[name] = values.Count == 1 ? values[0] : new JsonArray([.. values.Select(v => (JsonNode?)v)]);
        return json.ToJsonString();
    }

    internal static bool IsE164(string number) =>
        number.Length is >= 8 and <= 16 && number[0] == '+' && number[1] != '0' && number.Skip(1).All(char.IsAsciiDigit);

    private static MessageType TypeOf(string? mime) => mime?.ToLowerInvariant() switch
    {
        { } m when m.StartsWith("image/", StringComparison.Ordinal) => MessageType.Image,
        { } m when m.StartsWith("video/", StringComparison.Ordinal) => MessageType.Video,
        { } m when m.StartsWith("audio/", StringComparison.Ordinal) => MessageType.Audio,
        _ => MessageType.Document,
    };

    /// <summary>Twilio's message states as the timeline's: queued, accepted, scheduled and sending say nothing new.</summary>
    private static MessageStatus? Status(string state) => state switch
    {
        "sent" => MessageStatus.Sent,
        "delivered" => MessageStatus.Delivered,
        "read" => MessageStatus.Read,
        "undelivered" or "failed" or "canceled" => MessageStatus.Failed,
        _ => null,
    };

    private static string Error(string state, string? code, string? message) =>
        $"Twilio: {state}{(code is null ? "" : $" (error {code})")}{(string.IsNullOrWhiteSpace(message) ? "" : $": {message}")}"
        + (code is null ? "" : $" https://www.twilio.com/docs/api/errors/{code}");
}

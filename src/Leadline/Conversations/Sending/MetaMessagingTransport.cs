using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using Leadline.Channels;
using Leadline.Conversations.Inbound;
using Leadline.Data;
using Leadline.Leads;
using Leadline.Outbox;
using Microsoft.EntityFrameworkCore;

namespace Leadline.Conversations.Sending;

/// <summary>What a queued Messenger or Instagram reply carries in the outbox: the Send API's recipient and messaging type.</summary>
public sealed record MetaMessagePayload(int ChannelId, string RecipientId, string Text, string MessagingType, string? Tag)
{
    public string Serialize() => JsonSerializer.Serialize(this, WhatsappPayload.Json);

    public static MetaMessagePayload? Read(string json) => JsonSerializer.Deserialize<MetaMessagePayload>(json, WhatsappPayload.Json);
}

/// <summary>
/// Messenger's and Instagram's way out (one class, registered once per kind): a text to the customer's PSID / IGSID on
/// this Page or account (Meta lets a business answer only people who wrote first). Meta's rules: inside 24 hours of the
/// customer's last message on the channel a reply is a <c>RESPONSE</c>; up to 7 days it goes out with the
/// <c>HUMAN_AGENT</c> tag (a person answering); after that the conversation is closed (<c>windowClosed</c>).
/// </summary>
public sealed class MetaMessagingTransport(ChannelKind kind, LeadlineDb db) : IChannelTransport
{
    public static readonly TimeSpan StandardWindow = TimeSpan.FromHours(24);

    public static readonly TimeSpan HumanAgentWindow = TimeSpan.FromDays(7);

    public ChannelKind Kind => kind;

    public bool CanReply => true;

    /// <summary>Messenger takes 2,000 characters; Instagram 1,000 bytes of UTF-8.</summary>
    private bool TooLong(string text) =>
        kind == ChannelKind.Instagram ? System.Text.Encoding.UTF8.GetByteCount(text) > 1000 : text.Length > 2000;

    public Task<bool> CanReachAsync(Lead lead, CancellationToken ct) =>
        db.ChannelIdentities.AnyAsync(i => i.LeadId == lead.Id && i.Kind == kind, ct);

    public async Task<TransportPlan> PlanAsync(Lead lead, Channel channel, OutgoingContent content, DateTime now, CancellationToken ct)
    {
        var label = MetaMessagingInbound.Label(kind);
        if (content.Template is not null)
            return TransportPlan.Refuse("invalid", $"Templates are sent on WhatsApp: on {label}, write the text.", "template");
        var channelId = channel.Id;
        var recipient = await db.ChannelIdentities.Where(i => i.LeadId == lead.Id && i.Kind == kind)
            .OrderByDescending(i => i.ChannelId == channelId).ThenByDescending(i => i.CreatedAt).Select(i => i.ExternalId).FirstOrDefaultAsync(ct);
        if (recipient is null)
            return TransportPlan.Refuse("noChannel", $"The customer has not written on {label}: Meta lets a business answer only people who wrote first.");
        var text = content.Text ?? "";
        if (TooLong(text))
            return TransportPlan.Refuse("invalid", kind == ChannelKind.Instagram
                ? "An Instagram message can be at most 1,000 bytes (about 1,000 plain characters): shorten it."
                : "A Messenger message can be at most 2,000 characters: shorten it.", "text");
        // the window runs from the customer's last message on this Page or account (Meta's time of it)
        var last = await db.Messages.Where(m => m.LeadId == lead.Id && m.ChannelId == channelId && m.Direction == MessageDirection.Inbound)
            .MaxAsync(m => (DateTime?)m.At, ct);
        string type;
        string? tag = null;
        if (last is { } at && at + StandardWindow > now)
            type = "RESPONSE";
        else if (last is { } at7 && at7 + HumanAgentWindow > now)
            (type, tag) = ("MESSAGE_TAG", "HUMAN_AGENT");
        else
        {
            return TransportPlan.Refuse("windowClosed", last is null
                ? $"The customer has not written to this {label} {(kind == ChannelKind.Instagram ? "account" : "Page")} yet: Meta lets a business answer only people who wrote first."
                : $"The {label} conversation is closed: Meta allows replies up to 7 days after the customer's last message (a person answering after 24 hours). Reach them on another channel.");
        }
        return new TransportPlan(MetaMessageSender.MessageKind, recipient, new MetaMessagePayload(channel.Id, recipient, text, type, tag).Serialize(),
            MessageType.Text, text, null);
    }
}

/// <summary>
/// Sends a Messenger or Instagram reply through Meta's Send API: <c>POST {graph}/{pageId | accountId | me}/messages</c>
/// with <c>recipient.id</c>, <c>messaging_type</c> (and <c>tag</c>) and the text, with the channel's access token. Meta's
/// <c>message_id</c> is the provider id; 5xx, 429 and network failures are retried, other 4xx refused with Meta's reason.
/// </summary>
public sealed class MetaMessageSender(IHttpClientFactory http, LeadlineDb db, ChannelSecrets secrets) : IOutboxSender
{
    public const string MessageKind = "meta.message";

    public string Kind => MessageKind;

    public async Task<OutboxSendResult> SendAsync(OutboxMessage message, CancellationToken ct)
    {
        var payload = MetaMessagePayload.Read(message.Payload);
        if (payload is null)
            return OutboxSendResult.Refused("The queued message cannot be read.");
        var channel = await db.Channels.IgnoreQueryFilters().AsNoTracking()
            .FirstOrDefaultAsync(c => c.Id == payload.ChannelId && c.WorkspaceId == message.WorkspaceId, ct);
        if (channel is null || channel.Kind is not (ChannelKind.Messenger or ChannelKind.Instagram))
            return OutboxSendResult.Refused("The Messenger or Instagram channel no longer exists.");
        var token = secrets.Read(channel, "accessToken");
        if (string.IsNullOrEmpty(token))
            return OutboxSendResult.Refused("The channel has no access token.");
        var sender = channel.Setting(channel.Kind == ChannelKind.Instagram ? "accountId" : "pageId") is { Length: > 0 } id ? id : "me";
        var body = new JsonObject
        {
            ["recipient"] = new JsonObject { ["id"] = payload.RecipientId },
            ["messaging_type"] = payload.MessagingType,
            ["message"] = new JsonObject { ["text"] = payload.Text },
        };
        if (payload.Tag is not null)
            body["tag"] = payload.Tag;
        if (channel.Kind == ChannelKind.Messenger)
            body["message"]!["metadata"] = MetaMessagingInbound.EchoMarker;   // its echo is known as ours
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{Uri.EscapeDataString(sender)}/messages")
        {
            Content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(body)) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } },
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await http.CreateClient(ChannelsFeature.MetaGraph).SendAsync(request, ct);
        var text = await response.Content.ReadAsStringAsync(ct);
        if (response.IsSuccessStatusCode)
        {
            string? mid = null;
            try
            {
                mid = JsonNode.Parse(text)?["message_id"]?.ToString();
            }
            catch (JsonException)
            {
                // answered without JSON: retried below
            }
            return mid is null ? OutboxSendResult.Retry($"Meta answered {(int)response.StatusCode} without a message id.") : OutboxSendResult.Sent(mid);
        }
        var error = WhatsappMessageSender.Describe(response.StatusCode, text);
        return (int)response.StatusCode >= 500 || response.StatusCode == HttpStatusCode.TooManyRequests
            ? OutboxSendResult.Retry(error)
            : OutboxSendResult.Refused(error);
    }
}

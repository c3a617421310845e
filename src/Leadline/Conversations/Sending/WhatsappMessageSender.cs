using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Leadline.Channels;
using Leadline.Data;
using Leadline.Outbox;
using Microsoft.EntityFrameworkCore;

namespace Leadline.Conversations.Sending;

/// <summary>What a queued WhatsApp send carries in the outbox (already hydrated: the sender only talks to Meta).</summary>
public sealed record WhatsappPayload(int ChannelId, string To, string Type, string? Text, WhatsappTemplatePayload? Template)
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    public string Serialize() => JsonSerializer.Serialize(this, Json);

    public static WhatsappPayload? Read(string json) => JsonSerializer.Deserialize<WhatsappPayload>(json, Json);
}

public sealed record WhatsappTemplatePayload(string Name, string Language, IReadOnlyList<string> Parameters);

/// <summary>
/// Sends a WhatsApp message through Meta's Cloud API: <c>POST {graph}/{phone-number-id}/messages</c> with the channel's
/// access token. Meta's answer <c>messages[0].id</c> is the provider id; an error body <c>{ error: { message, code,
/// error_data.details } }</c> is worth retrying on 5xx, 429 or a network failure, and refused for good on any other 4xx
/// (131047 re-engagement, 131026 undeliverable, a bad token...), with Meta's reason kept.
/// </summary>
public sealed class WhatsappMessageSender(IHttpClientFactory http, LeadlineDb db, ChannelSecrets secrets) : IOutboxSender
{
    public const string MessageKind = "whatsapp.message";

    public string Kind => MessageKind;

    public async Task<OutboxSendResult> SendAsync(OutboxMessage message, CancellationToken ct)
    {
        var payload = WhatsappPayload.Read(message.Payload);
        if (payload is null)
            return OutboxSendResult.Refused("The queued message cannot be read.");
        var channel = await db.Channels.IgnoreQueryFilters().AsNoTracking()
            .FirstOrDefaultAsync(c => c.Id == payload.ChannelId && c.WorkspaceId == message.WorkspaceId, ct);
        if (channel is null || channel.Kind != ChannelKind.Whatsapp)
            return OutboxSendResult.Refused("The WhatsApp channel no longer exists.");
        var settings = WhatsappSettings.Read(channel.Settings);
        var token = secrets.Read(channel, "accessToken");
        if (string.IsNullOrEmpty(settings.PhoneNumberId) || string.IsNullOrEmpty(token))
            return OutboxSendResult.Refused("The WhatsApp channel has no phone number id or access token.");

        using var request = new HttpRequestMessage(HttpMethod.Post, $"{Uri.EscapeDataString(settings.PhoneNumberId)}/messages")
        {
            // serialised up front: a sized body, not a chunked stream, which some gateways and fakes read as empty
            Content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(Body(payload))) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } },
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await http.CreateClient(ChannelsFeature.MetaGraph).SendAsync(request, ct);
        var text = await response.Content.ReadAsStringAsync(ct);
        if (response.IsSuccessStatusCode)
        {
            var id = TryParse(text)?["messages"]?[0]?["id"]?.GetValue<string>();
            return id is null ? OutboxSendResult.Retry($"Meta answered {(int)response.StatusCode} without a message id.") : OutboxSendResult.Sent(id);
        }
        var error = Describe(response.StatusCode, text);
        return (int)response.StatusCode >= 500 || response.StatusCode == HttpStatusCode.TooManyRequests
            ? OutboxSendResult.Retry(error)
            : OutboxSendResult.Refused(error);
    }

    /// <summary>The Cloud API's message body: a text, or a template whose body parameters are the (hydrated) texts.</summary>
    public static JsonObject Body(WhatsappPayload payload)
    {
        var body = new JsonObject
        {
            ["messaging_product"] = "whatsapp",
            ["recipient_type"] = "individual",
            ["to"] = payload.To,
        };
        if (payload.Template is { } template)
        {
            var t = new JsonObject
            {
                ["name"] = template.Name,
                ["language"] = new JsonObject { ["code"] = template.Language },
            };
            if (template.Parameters.Count > 0)
            {
                t["components"] = new JsonArray(new JsonObject
                {
                    ["type"] = "body",
                    ["parameters"] = new JsonArray([.. template.Parameters.Select(p => (JsonNode)new JsonObject { ["type"] = "text", ["text"] = p })]),
                });
            }
            body["type"] = "template";
            body["template"] = t;
        }
        else
        {
            body["type"] = "text";
            body["text"] = new JsonObject { ["preview_url"] = false, ["body"] = payload.Text ?? "" };
        }
        return body;
    }

    /// <summary>Meta's error as people read it: "(#131047) Re-engagement message: more than 24 hours have passed ..."</summary>
    internal static string Describe(HttpStatusCode status, string body)
    {
        var error = TryParse(body)?["error"];
        if (error is null)
            return $"HTTP {(int)status} from the Graph API.";
        var message = error["message"]?.ToString() ?? "error";
        var code = error["code"]?.ToString();
        var details = error["error_data"]?["details"]?.ToString();
        return $"{(code is null ? "" : $"(#{code}) ")}{message}{(string.IsNullOrWhiteSpace(details) ? "" : $": {details}")} [HTTP {(int)status}]";
    }

    private static JsonNode? TryParse(string text)
    {
        try
        {
            return JsonNode.Parse(text);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

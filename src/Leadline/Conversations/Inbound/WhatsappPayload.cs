using System.Globalization;
using System.Text.Json;

namespace Leadline.Conversations.Inbound;

/// <summary>The ad a click-to-WhatsApp customer came from (<c>referral</c>): its source type, ad id and click id.</summary>
public sealed record InboundReferral(string? Source, string? AdId, string? CtwaClid);

/// <summary>A WhatsApp Flow's answers (<c>interactive.nfm_reply</c>): the flow (token, else name) and the response JSON object.</summary>
public sealed record InboundFlowReply(string Flow, string Data);

/// <summary>The customer of a change: wa_id, business-scoped user id (BSUID), profile name, as <c>contacts[]</c> gives them.</summary>
public sealed record InboundContact(string WaId, string? Bsuid, string? Name);

/// <summary>One message of a webhook, read: what the timeline stores and what lead matching needs.</summary>
public sealed record InboundMessage
{
    public required string ProviderMessageId { get; init; }

    /// <summary>The customer's wa_id (the sender of an inbound message, the recipient of an echo).</summary>
    public required string WaId { get; init; }

    public string? Bsuid { get; init; }

    public string? ProfileName { get; init; }

    public required DateTime At { get; init; }

    public required MessageType Type { get; init; }

    public string? Text { get; init; }

    public string? MediaProviderId { get; init; }

    public string? MediaMimeType { get; init; }

    public string? MediaCaption { get; init; }

    public string? Error { get; init; }

    public InboundReferral? Referral { get; init; }

    public InboundFlowReply? Flow { get; init; }

    /// <summary>A number change (<c>system.user_changed_number</c>): the customer's new wa_id.</summary>
    public string? NewWaId { get; init; }

    /// <summary>The message's JSON as received.</summary>
    public required string Payload { get; init; }

    /// <summary>Written by the customer (opens the 24-hour window); false for system notices.</summary>
    public bool FromCustomer => Type != MessageType.System;
}

/// <summary>A delivery state of an outbound message (<c>statuses[]</c>).</summary>
public sealed record InboundStatus(string ProviderMessageId, MessageStatus Status, DateTime At, string? Error);

/// <summary>
/// Reads Meta's WhatsApp webhook value objects (<c>entry[].changes[].value</c>) into <see cref="InboundMessage"/>s and
/// <see cref="InboundStatus"/>es. Tolerant: a field Meta adds is ignored, a message type it adds is kept as
/// <see cref="MessageType.Unknown"/> with its JSON, never dropped.
/// </summary>
public static class WhatsappPayload
{
    private static readonly string[] MediaTypes = ["image", "audio", "video", "document", "sticker"];

    /// <summary>The contacts of a value, by wa_id (also by BSUID when Meta gives no wa_id).</summary>
    public static IReadOnlyList<InboundContact> Contacts(JsonElement value)
    {
        var contacts = new List<InboundContact>();
        if (value.TryGetProperty("contacts", out var list) && list.ValueKind == JsonValueKind.Array)
        {
            foreach (var c in list.EnumerateArray())
            {
                var waId = Str(c, "wa_id");
                var bsuid = Str(c, "user_id");
                if (waId is null && bsuid is null)
                    continue;
                contacts.Add(new InboundContact(waId ?? bsuid!, bsuid, c.TryGetProperty("profile", out var p) ? Str(p, "name") : null));
            }
        }
        return contacts;
    }

    /// <summary>The messages of a value (<c>messages[]</c>; with <paramref name="echoes"/> the business's own, <c>message_echoes[]</c>).</summary>
    public static IEnumerable<InboundMessage> Messages(JsonElement value, bool echoes = false)
    {
        if (!value.TryGetProperty(echoes ? "message_echoes" : "messages", out var list) || list.ValueKind != JsonValueKind.Array)
            yield break;
        var contacts = Contacts(value);
        // errors of the whole value (an interactive message Meta could not read) belong to its messages
        var valueError = ErrorOf(value);
        foreach (var m in list.EnumerateArray())
        {
            if (m.ValueKind != JsonValueKind.Object || Str(m, "id") is not { } id)
                continue;
            var (waId, bsuid) = echoes ? (Str(m, "to"), Str(m, "to_user_id")) : (Str(m, "from"), Str(m, "from_user_id"));
            // a number that is no number (a placeholder) or none at all: the change's only contact is who wrote
            if (!IsDigits(waId) && contacts.Count == 1 && (IsDigits(contacts[0].WaId) || waId is null))
                (waId, bsuid) = (contacts[0].WaId, bsuid ?? contacts[0].Bsuid);
            waId ??= bsuid;
            if (waId is null)
                continue;
            // the contact of this number (a contact of another number must not lend its user id: that would join two people)
            var contact = contacts.FirstOrDefault(c => c.WaId == waId || (c.Bsuid is not null && c.Bsuid == bsuid));
            yield return Read(m, id, waId, bsuid ?? contact?.Bsuid, contact?.Name, valueError);
        }
    }

    public static IEnumerable<InboundStatus> Statuses(JsonElement value)
    {
        if (!value.TryGetProperty("statuses", out var list) || list.ValueKind != JsonValueKind.Array)
            yield break;
        foreach (var s in list.EnumerateArray())
        {
            if (Str(s, "id") is not { } id)
                continue;
            MessageStatus? status = Str(s, "status") switch
            {
                "sent" => MessageStatus.Sent,
                "delivered" => MessageStatus.Delivered,
                "read" or "played" => MessageStatus.Read,   // a voice message listened to has been read
                "failed" => MessageStatus.Failed,
                _ => null,   // "deleted", "warning" and states Meta adds: nothing to show
            };
            if (status is { } known)
                yield return new InboundStatus(id, known, Time(s), ErrorOf(s));
        }
    }

    private static InboundMessage Read(JsonElement m, string id, string waId, string? bsuid, string? name, string? valueError)
    {
        var type = Str(m, "type") ?? "unknown";
        var message = new InboundMessage
        {
            ProviderMessageId = id, WaId = waId, Bsuid = bsuid, ProfileName = name, At = Time(m), Type = MessageType.Unknown,
            Payload = m.GetRawText(), Error = ErrorOf(m) ?? valueError, Referral = ReferralOf(m),
        };
        switch (type)
        {
            case "edit":
                // the edited message's new content, referring to the original (its id is in the payload)
                var inner = m.TryGetProperty("edit", out var edit) && edit.TryGetProperty("message", out var em) ? em : default;
                var edited = inner.ValueKind == JsonValueKind.Object ? Content(inner, Str(inner, "type") ?? "", message) : message;
                return edited with { Type = MessageType.Edit };
            case "revoke" or "delete":
                return message with { Type = MessageType.Delete };
            default:
                return Content(m, type, message);
        }
    }

    /// <summary>The content of a message object of <paramref name="type"/> (also the inner message of an edit).</summary>
    private static InboundMessage Content(JsonElement m, string type, InboundMessage message)
    {
        if (MediaTypes.Contains(type) && m.TryGetProperty(type, out var media))
        {
            var caption = Str(media, "caption");
            return message with
            {
                Type = Enum.Parse<MessageType>(type, ignoreCase: true),
                MediaProviderId = Str(media, "id"), MediaMimeType = Str(media, "mime_type"),
                MediaCaption = caption ?? (type == "document" ? Str(media, "filename") : null),
            };
        }
        switch (type)
        {
            case "text":
                return message with { Type = MessageType.Text, Text = m.TryGetProperty("text", out var t) ? Str(t, "body") : null };
            case "location" when m.TryGetProperty("location", out var l):
                var place = string.Join(", ", new[] { Str(l, "name"), Str(l, "address") }.Where(s => !string.IsNullOrWhiteSpace(s)));
                var coordinates = l.TryGetProperty("latitude", out var lat) && l.TryGetProperty("longitude", out var lon)
                    ? $"{lat.GetRawText()}, {lon.GetRawText()}" : null;
                return message with { Type = MessageType.Location, Text = place.Length > 0 ? $"{place} ({coordinates})" : coordinates };
            case "contacts" when m.TryGetProperty("contacts", out var cs) && cs.ValueKind == JsonValueKind.Array:
                var names = cs.EnumerateArray().Select(c => c.TryGetProperty("name", out var n) ? Str(n, "formatted_name") ?? Str(n, "first_name") : null)
                    .Where(n => n is not null);
                return message with { Type = MessageType.Contacts, Text = string.Join(", ", names) };
            case "reaction":
                // an empty emoji (or none) takes the reaction back
                return message with { Type = MessageType.Reaction, Text = m.TryGetProperty("reaction", out var r) ? Str(r, "emoji") : null };
            case "button":
                return message with { Type = MessageType.Button, Text = m.TryGetProperty("button", out var b) ? Str(b, "text") ?? Str(b, "payload") : null };
            case "interactive":
                return Interactive(m, message);
            case "order" when m.TryGetProperty("order", out var o):
                return message with { Type = MessageType.Order, Text = OrderText(o) };
            case "system":
                var system = m.TryGetProperty("system", out var s) ? s : default;
                var changedTo = system.ValueKind == JsonValueKind.Object && Str(system, "type") is "user_changed_number" or "customer_changed_number"
                    ? Str(system, "wa_id") ?? Str(system, "new_wa_id") : null;
                return message with { Type = MessageType.System, Text = system.ValueKind == JsonValueKind.Object ? Str(system, "body") : null, NewWaId = changedTo };
            default:
                // "unsupported", "unknown" and any type Meta adds: kept, with what Meta said about it
                return message with { Type = MessageType.Unknown, Text = message.Error ?? $"A WhatsApp message of type '{type}'." };
        }
    }

    private static InboundMessage Interactive(JsonElement m, InboundMessage message)
    {
        message = message with { Type = MessageType.Interactive };
        if (!m.TryGetProperty("interactive", out var i))
            return message;
        switch (Str(i, "type"))
        {
            case "button_reply" when i.TryGetProperty("button_reply", out var b):
                return message with { Text = Str(b, "title") ?? Str(b, "id") };
            case "list_reply" when i.TryGetProperty("list_reply", out var l):
                return message with { Text = string.Join(" — ", new[] { Str(l, "title") ?? Str(l, "id"), Str(l, "description") }.Where(s => s is not null)) };
            case "nfm_reply" when i.TryGetProperty("nfm_reply", out var n):
                var data = ObjectOrWrapped(Str(n, "response_json"));
                string? token = null;
                using (var doc = JsonDocument.Parse(data))
                    token = Str(doc.RootElement, "flow_token");
                return message with { Text = Str(n, "body"), Flow = new InboundFlowReply(Cut(token ?? Str(n, "name") ?? "flow", 200)!, data) };
            default:
                return message;
        }
    }

    private static string OrderText(JsonElement o)
    {
        var items = o.TryGetProperty("product_items", out var p) && p.ValueKind == JsonValueKind.Array
            ? p.EnumerateArray().Select(i => $"{(i.TryGetProperty("quantity", out var q) ? q.GetRawText() : "1")} × {Str(i, "product_retailer_id")}").ToList()
            : [];
        var text = Str(o, "text");
        var summary = items.Count == 0 ? "Order" : "Order: " + string.Join(", ", items);
        return string.IsNullOrWhiteSpace(text) ? summary : $"{text} ({summary})";
    }

    private static InboundReferral? ReferralOf(JsonElement m) =>
        m.TryGetProperty("referral", out var r) && r.ValueKind == JsonValueKind.Object
            ? new InboundReferral(Cut(Str(r, "source_type"), 100), Cut(Str(r, "source_id"), 100), Cut(Str(r, "ctwa_clid"), 500))
            : null;

    /// <summary>Meta's first error as one line: title: message (details).</summary>
    public static string? ErrorOf(JsonElement e)
    {
        if (!e.TryGetProperty("errors", out var errors) || errors.ValueKind != JsonValueKind.Array || errors.GetArrayLength() == 0)
            return null;
        var first = errors[0];
        var title = Str(first, "title");
        var text = Str(first, "message");
        var details = first.TryGetProperty("error_data", out var d) ? Str(d, "details") : null;
        var line = title ?? text ?? "WhatsApp reported an error";
        if (text is not null && text != title)
            line += ": " + text;
        if (details is not null)
            line += $" ({details})";
        if (first.TryGetProperty("code", out var code))
            line += $" [{code.GetRawText()}]";
        return Cut(line, 2000);
    }

    /// <summary>The response JSON as an object; anything else is kept under "raw".</summary>
    private static string ObjectOrWrapped(string? json)
    {
        if (json is not null)
        {
            try
            {
                using var doc = JsonDocument.Parse(json);
                if (doc.RootElement.ValueKind == JsonValueKind.Object)
                    return json;
            }
            catch (JsonException)
            {
                // kept as text below
            }
        }
        return JsonSerializer.Serialize(new { raw = json });
    }

    /// <summary>Meta's unix timestamp (a string of seconds); a missing one is the epoch, which opens no window.</summary>
    private static DateTime Time(JsonElement e)
    {
        if (e.TryGetProperty("timestamp", out var t))
        {
            var seconds = t.ValueKind == JsonValueKind.Number && t.TryGetInt64(out var n) ? n
                : long.TryParse(t.ValueKind == JsonValueKind.String ? t.GetString() : null, NumberStyles.None, CultureInfo.InvariantCulture, out var s) ? s : 0;
            if (seconds is > 0 and < 253402300799)
                return DateTimeOffset.FromUnixTimeSeconds(seconds).UtcDateTime;
        }
        return DateTime.UnixEpoch;
    }

    private static string? Str(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) ? v.ValueKind switch
        {
            JsonValueKind.String => v.GetString(),
            JsonValueKind.Number => v.GetRawText(),
            _ => null,
        } : null;

    internal static bool IsDigits(string? s) => s is { Length: > 0 } && s.AsSpan().IndexOfAnyExceptInRange('0', '9') < 0;

    internal static string? Cut(string? s, int max) => s is { } v && v.Length > max ? v[..max] : s;
}

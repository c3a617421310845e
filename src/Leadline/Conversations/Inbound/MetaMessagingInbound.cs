using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Leadline.Channels;
using Leadline.Data;
using Leadline.Leads;
using Microsoft.EntityFrameworkCore;

namespace Leadline.Conversations.Inbound;

/// <summary>
/// Reads a stored Meta delivery of a Messenger Page or an Instagram account (<c>object: page | instagram</c>,
/// <c>entry[].messaging[]</c>): a customer's message, attachment, quick reply, postback or reaction is recorded on the
/// lead their PSID / IGSID is (<see cref="InboundRecorder"/>; a new sender becomes a lead with intake mode messenger or
/// instagram, named from an optional profile lookup), attachments fetched from the URL Meta gives; delivery and read
/// events move our messages' ticks; an echo (<c>is_echo</c>: the business wrote, from Meta's inbox or another app) is
/// stored as outbound on a known customer's lead and never makes a lead. Meta posts every Page of an app to one callback
/// URL, so the entry's id (the Page or account id) names the channel. Idempotent: each message is stored once per mid.
/// </summary>
public sealed class MetaMessagingInbound(
    LeadlineDb db, InboundRecorder recorder, InboundLeadMatcher matcher, MessageStatuses statuses, LinkedMedia media, MetaProfiles profiles,
    ILogger<MetaMessagingInbound> log) : IWebhookDeliveryHandler
{
    /// <summary>What a Send API call from Leadline puts in <c>message.metadata</c>: its echo is ours, already on the timeline.</summary>
    public const string EchoMarker = "leadline";

    public IReadOnlyCollection<ChannelKind> Kinds { get; } = [ChannelKind.Messenger, ChannelKind.Instagram];

    public async Task<InboundOutcome> ProcessAsync(WebhookDelivery delivery, CancellationToken ct)
    {
        var outcome = new InboundOutcome();
        using var opened = await MetaDelivery.OpenAsync(db, delivery, ct);
        ChannelKind? kind = opened?.ObjectKind switch { "page" => ChannelKind.Messenger, "instagram" => ChannelKind.Instagram, _ => null };
        if (opened is null || kind is null)
            return outcome;   // WhatsApp's objects are read by WhatsappInbound
        var channel = opened.Channel;
        foreach (var entry in opened.Entries.EnumerateArray())
        {
            if (!entry.TryGetProperty("messaging", out var events) || events.ValueKind != JsonValueKind.Array)
                continue;   // feed, comments and other Page changes: nothing for a conversation
            var target = await ChannelOfAsync(kind.Value, Str(entry, "id"), channel, ct);
            if (target is null)
            {
                log.LogInformation("A {Kind} event for {Id} matches no channel; delivery {Delivery} skipped it", kind, Str(entry, "id"), delivery.Id);
                continue;
            }
            foreach (var e in events.EnumerateArray())
                await EventAsync(target, e, delivery.ReceivedAt, outcome, ct);
        }
        return outcome;
    }

    private async Task EventAsync(Channel channel, JsonElement e, DateTime received, InboundOutcome outcome, CancellationToken ct)
    {
        var sender = e.TryGetProperty("sender", out var s) ? Str(s, "id") : null;
        var recipient = e.TryGetProperty("recipient", out var r) ? Str(r, "id") : null;
        var at = Time(e, "timestamp") ?? received;
        if (e.TryGetProperty("message", out var message) && message.ValueKind == JsonValueKind.Object)
        {
            if (message.TryGetProperty("is_echo", out var echo) && echo.ValueKind == JsonValueKind.True)
            {
                if (recipient is not null)
                    await EchoAsync(channel, recipient, message, at, outcome, ct);
                return;
            }
            if (sender is null || message.TryGetProperty("is_deleted", out _))
                return;
            var items = Items(message, at).ToList();
            var who = await SenderAsync(channel, sender, items.FirstOrDefault(i => i.Message.Type == MessageType.Text).Message?.Text, ct);
            foreach (var (m, url) in items)
            {
                var recorded = await recorder.RecordAsync(channel, who, m, outcome, ct);
                if (url is not null && (!recorded.AlreadyStored || await media.MissingAsync(recorded.MessageId, ct)))
                    await media.FetchAsync(channel.WorkspaceId, recorded.MessageId, url, null, Label(channel.Kind), ct);
            }
        }
        else if (e.TryGetProperty("postback", out var postback) && sender is not null)
        {
            var title = Str(postback, "title");
            await recorder.RecordAsync(channel, await SenderAsync(channel, sender, title, ct), new IncomingMessage
            {
                ProviderMessageId = Str(postback, "mid") ?? $"postback:{sender}:{Stamp(e)}", At = at, Type = MessageType.Button, Text = title,
                Payload = Raw(e),
            }, outcome, ct);
        }
        else if (e.TryGetProperty("reaction", out var reaction) && sender is not null)
        {
            var unreact = Str(reaction, "action") == "unreact";
            var emoji = unreact ? "" : Str(reaction, "emoji") ?? Str(reaction, "reaction");
            var payload = new JsonObject
            {
                ["reaction"] = new JsonObject { ["message_id"] = Str(reaction, "mid"), ["emoji"] = emoji, ["action"] = Str(reaction, "action") },
                ["event"] = JsonNode.Parse(e.GetRawText()),
            };
            await recorder.RecordAsync(channel, await SenderAsync(channel, sender, null, ct), new IncomingMessage
            {
                ProviderMessageId = $"reaction:{Str(reaction, "mid")}:{sender}:{Stamp(e)}", At = at, Type = MessageType.Reaction, Text = emoji,
                Payload = payload.ToJsonString(),
            }, outcome, ct);
        }
        else if (e.TryGetProperty("delivery", out var delivery) && sender is not null)
        {
            if (delivery.TryGetProperty("mids", out var mids) && mids.ValueKind == JsonValueKind.Array)
            {
                foreach (var mid in mids.EnumerateArray().Select(m => m.GetString()).OfType<string>())
                    await statuses.ApplyAsync(channel.Id, mid, MessageStatus.Delivered, null, outcome, ct);
            }
            if (Time(delivery, "watermark") is { } watermark)
                await UpToAsync(channel, sender, watermark, MessageStatus.Delivered, outcome, ct);
        }
        else if (e.TryGetProperty("read", out var read) && sender is not null)
        {
            // Instagram names the message read; Messenger gives a watermark: everything sent up to it was read
            if (Str(read, "mid") is { } mid)
                await statuses.ApplyAsync(channel.Id, mid, MessageStatus.Read, null, outcome, ct);
            if (Time(read, "watermark") is { } watermark)
                await UpToAsync(channel, sender, watermark, MessageStatus.Read, outcome, ct);
        }
    }

    /// <summary>A message's parts as timeline messages: its text (a quick reply's is interactive), then each attachment with the URL to fetch.</summary>
    private static IEnumerable<(IncomingMessage Message, string? Url)> Items(JsonElement message, DateTime at)
    {
        var mid = Str(message, "mid") ?? $"meta:{Guid.NewGuid():N}";
        var text = Str(message, "text");
        var raw = Raw(message);
        var n = 0;
        if (text is not null)
        {
            var quick = message.TryGetProperty("quick_reply", out _);
            yield return (new IncomingMessage { ProviderMessageId = mid, At = at, Type = quick ? MessageType.Interactive : MessageType.Text, Text = text, Payload = raw }, null);
            n++;
        }
        if (!message.TryGetProperty("attachments", out var attachments) || attachments.ValueKind != JsonValueKind.Array)
            yield break;
        foreach (var a in attachments.EnumerateArray())
        {
            var type = Str(a, "type");
            var payload = a.TryGetProperty("payload", out var p) && p.ValueKind == JsonValueKind.Object ? p : default;
            var url = payload.ValueKind == JsonValueKind.Object ? Str(payload, "url") : null;
            var sticker = payload.ValueKind == JsonValueKind.Object && payload.TryGetProperty("sticker_id", out _);
            var (messageType, mime) = type switch
            {
                "image" when sticker => (MessageType.Sticker, (string?)null),
                "image" => (MessageType.Image, null),
                "video" or "ig_reel" or "reel" => (MessageType.Video, null),
                "audio" => (MessageType.Audio, null),
                "file" => (MessageType.Document, null),
                "location" => (MessageType.Location, null),
                _ => (MessageType.Unknown, null),
            };
            var id = n == 0 ? mid : $"{mid}/{n}";
            n++;
            var item = new JsonObject { ["type"] = type, ["attachment"] = JsonNode.Parse(a.GetRawText()) };
            if (messageType == MessageType.Location && payload.ValueKind == JsonValueKind.Object && payload.TryGetProperty("coordinates", out var c))
                item["location"] = new JsonObject { ["latitude"] = Num(c, "lat"), ["longitude"] = Num(c, "long"), ["name"] = Str(a, "title") };
            // a shared post, story mention or anything newer: shown with its link as text
            var shown = messageType == MessageType.Unknown ? url ?? Str(a, "title") : null;
            yield return (new IncomingMessage
            {
                ProviderMessageId = id, At = at, Type = messageType == MessageType.Unknown && shown is not null ? MessageType.Text : messageType,
                Text = messageType == MessageType.Unknown ? shown : null, MediaMimeType = mime, Payload = item.ToJsonString(),
            }, messageType is MessageType.Image or MessageType.Sticker or MessageType.Video or MessageType.Audio or MessageType.Document ? url : null);
        }
    }

    /// <summary>The customer as lead matching sees them; a new one is named from their profile when Meta gives it.</summary>
    private async Task<InboundSender> SenderAsync(Channel channel, string id, string? firstText, CancellationToken ct)
    {
        var kind = channel.Kind;
        var known = await db.ChannelIdentities.AnyAsync(i => i.Kind == kind && i.ExternalId == id, ct);
        return new InboundSender(kind, id, kind == ChannelKind.Instagram ? LeadIntakeMode.Instagram : LeadIntakeMode.Messenger)
        {
            Name = known ? null : await profiles.NameAsync(channel, id, ct),
            Source = kind == ChannelKind.Instagram ? nameof(LeadSource.Instagram) : nameof(LeadSource.Messenger),
            Enquiry = firstText,
        };
    }

    /// <summary>
    /// The business's own message (sent from Meta's inbox, the app, or another tool): stored as sent on the customer's
    /// lead when the customer is known; never a new lead. Leadline's own sends are on the timeline already.
    /// </summary>
    private async Task EchoAsync(Channel channel, string customer, JsonElement message, DateTime at, InboundOutcome outcome, CancellationToken ct)
    {
        if (Str(message, "metadata") == EchoMarker)
            return;
        foreach (var (m, _) in Items(message, at))
        {
            db.ChangeTracker.Clear();
            if (await db.Messages.AnyAsync(x => x.ChannelId == channel.Id && x.ProviderMessageId == m.ProviderMessageId, ct))
                continue;
            var found = await matcher.FindOrCreateAsync(channel, new InboundSender(channel.Kind, customer, LeadIntakeMode.Manual), mayCreate: false, ct);
            if (found is not { Lead: var lead })
            {
                log.LogInformation("An echo to {Customer} matched no lead; not stored", customer);
                return;
            }
            // our own send whose provider id is not recorded yet (the echo overtook the outbox): the same text, just sent
            var since = at.AddMinutes(-10);
            if (m.Text is not null && await db.Messages.AnyAsync(x => x.ChannelId == channel.Id && x.LeadId == lead.Id && x.Direction == MessageDirection.Outbound
                    && x.Text == m.Text && x.At >= since && x.ProviderMessageId == null, ct))
                continue;
            db.Messages.Add(new Message
            {
                WorkspaceId = channel.WorkspaceId, LeadId = lead.Id, ChannelId = channel.Id, Direction = MessageDirection.Outbound, Type = m.Type,
                Text = InboundLeadMatcher.Cut(m.Text, 64_000), Payload = m.Payload, Status = MessageStatus.Sent,
                ProviderMessageId = InboundLeadMatcher.Cut(m.ProviderMessageId, 200), At = m.At,
            });
            try
            {
                await db.SaveChangesAsync(ct);
                outcome.ChangedLeads.Add(lead.Id);
            }
            catch (DbUpdateException ex)
            {
                log.LogDebug(ex, "Echo {Mid} was stored by another worker", m.ProviderMessageId);
            }
        }
    }

    /// <summary>Our messages to this customer on the channel sent up to <paramref name="watermark"/>: delivered or read.</summary>
    private async Task UpToAsync(Channel channel, string customer, DateTime watermark, MessageStatus status, InboundOutcome outcome, CancellationToken ct)
    {
        var kind = channel.Kind;
        var leadIds = await db.ChannelIdentities.Where(i => i.Kind == kind && i.ExternalId == customer).Select(i => i.LeadId).ToListAsync(ct);
        if (leadIds.Count == 0)
            return;
        var below = status == MessageStatus.Read ? new[] { MessageStatus.Sent, MessageStatus.Delivered } : [MessageStatus.Sent];
        var ids = await db.Messages.Where(m => m.ChannelId == channel.Id && leadIds.Contains(m.LeadId) && m.Direction == MessageDirection.Outbound
                && m.ProviderMessageId != null && m.At <= watermark && below.Contains(m.Status))
            .OrderByDescending(m => m.At).Select(m => m.ProviderMessageId!).Take(200).ToListAsync(ct);
        foreach (var id in ids)
            await statuses.ApplyAsync(channel.Id, id, status, null, outcome, ct);
    }

    /// <summary>The channel of the entry's Page or Instagram account; the URL's channel when it is of the kind and nothing else claims the id.</summary>
    private async Task<Channel?> ChannelOfAsync(ChannelKind kind, string? entryId, Channel fallback, CancellationToken ct)
    {
        var setting = kind == ChannelKind.Instagram ? "accountId" : "pageId";
        if (entryId is null || (fallback.Kind == kind && fallback.Setting(setting) == entryId))
            return fallback.Kind == kind ? fallback : null;
        var candidates = await db.Channels.AsNoTracking().Where(c => c.Kind == kind && c.Active && c.Settings.Contains(entryId)).ToListAsync(ct);
        return candidates.FirstOrDefault(c => c.Setting(setting) == entryId) ?? (fallback.Kind == kind ? fallback : null);
    }

    internal static string Label(ChannelKind kind) => kind == ChannelKind.Instagram ? "Instagram" : "Messenger";

    private static string? Str(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v)
            ? v.ValueKind switch { JsonValueKind.String => v.GetString(), JsonValueKind.Number => v.GetRawText(), _ => null }
            : null;

    private static double? Num(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : null;

    private static string Stamp(JsonElement e) => Str(e, "timestamp") ?? "0";

    /// <summary>Meta's times are Unix milliseconds.</summary>
    private static DateTime? Time(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out var ms)
            && ms is > 0 and < 253_402_300_799_999
            ? DateTimeOffset.FromUnixTimeMilliseconds(ms).UtcDateTime : null;

    private static string Raw(JsonElement e) => e.GetRawText();
}

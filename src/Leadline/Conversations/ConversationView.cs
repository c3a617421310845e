using System.Text.Json;
using Leadline.Channels;
using Leadline.Common.Time;
using Leadline.Data;
using Leadline.Leads;
using Microsoft.EntityFrameworkCore;

namespace Leadline.Conversations;

/// <summary>One message as the thread shows it: who sent it, and what a reaction to it said.</summary>
public sealed record ThreadMessage(Message Message, string? UserName, string ChannelName, IReadOnlyList<string> Reactions)
{
    public string MediaUrl => $"/leads/{Message.LeadId}/messages/{Message.Id}/media";
}

/// <summary>The WhatsApp 24-hour customer-service window: open until Meta's timestamp of the customer's last message + 24 h.</summary>
public sealed record WhatsappWindow(DateTime? LastInboundAt, DateTime? ClosesAt, bool Open, DateTime AsOf)
{
    public static readonly TimeSpan Length = TimeSpan.FromHours(24);

    public static WhatsappWindow Of(DateTime? whatsappInboundAt, DateTime now)
    {
        var closes = whatsappInboundAt?.Add(Length);
        return new(whatsappInboundAt, closes, closes > now, now);
    }

    /// <summary>"3h left", "25m left" (as of <see cref="AsOf"/>); null when closed.</summary>
    public string? Left()
    {
        if (!Open || ClosesAt is not { } closes)
            return null;
        var minutes = Math.Max(1, (int)Math.Ceiling((closes - AsOf).TotalMinutes));
        return minutes >= 60 ? $"{minutes / 60}h left" : $"{minutes}m left";
    }
}

/// <summary>A lead's conversation as the Messages tab shows it: the thread, the window, and the channel a reply goes out on.</summary>
public sealed record ConversationPanel(
    int LeadId,
    string LeadName,
    IReadOnlyList<ThreadMessage> Items,
    WorkspaceClock Clock,
    WhatsappWindow Window,
    int? WhatsappChannelId,
    bool Compact,
    Sending.ReplyOptions Reply)
{
    /// <summary>The channel the reply box has chosen: the default, else the first it offers.</summary>
    public Sending.ReplyChannel? ReplyChannel =>
        Reply.Channels.FirstOrDefault(c => c.Id == Reply.DefaultChannelId) ?? (Reply.Channels.Count > 0 ? Reply.Channels[0] : null);
}

/// <summary>Reads a lead's messages for the pages (the API has its own reader: helper code stays apart from the contract's).</summary>
public sealed class ConversationViews(LeadlineDb db, LeadService leads, Sending.ConversationSender sender)
{
    /// <summary>The panel of a lead the current user can see, or null.</summary>
    public async Task<ConversationPanel?> PanelAsync(int leadId, bool compact, CancellationToken ct)
    {
        var lead = await db.Leads.AsNoTracking().Where(l => l.Id == leadId).Select(l => new { l.Id, l.Name, l.WhatsappInboundAt }).FirstOrDefaultAsync(ct);
        if (lead is null)
            return null;
        var clock = await leads.ClockAsync(ct);
        var items = await ThreadAsync(leadId, ct);
        return new ConversationPanel(lead.Id, lead.Name, items, clock, WhatsappWindow.Of(lead.WhatsappInboundAt, clock.UtcNow),
            await WhatsappChannelAsync(leadId, ct), compact, await sender.ReplyOptionsAsync(leadId, ct));
    }

    /// <summary>Every message of the lead, oldest first; reactions are folded onto the message they refer to when it is here.</summary>
    public async Task<List<ThreadMessage>> ThreadAsync(int leadId, CancellationToken ct)
    {
        var rows = await db.Messages.AsNoTracking().Where(m => m.LeadId == leadId).OrderBy(m => m.At).ThenBy(m => m.Id)
            .Select(m => new
            {
                Message = m,
                UserName = db.Users.Where(u => u.Id == m.UserId).Select(u => u.Name).FirstOrDefault(),
                ChannelName = db.Channels.Where(c => c.Id == m.ChannelId).Select(c => c.Name).FirstOrDefault(),
            })
            .ToListAsync(ct);
        var byProviderId = rows.Where(r => r.Message.ProviderMessageId is not null)
            .GroupBy(r => r.Message.ProviderMessageId!).ToDictionary(g => g.Key, g => g.First().Message.Id);
        var reactions = new Dictionary<long, List<string>>();
        var folded = new HashSet<long>();
        foreach (var r in rows.Where(r => r.Message.Type == MessageType.Reaction))
        {
            var (target, emoji) = MessageContent.Reaction(r.Message);
            if (target is not null && byProviderId.TryGetValue(target, out var targetId) && !string.IsNullOrEmpty(emoji))
            {
                (reactions.TryGetValue(targetId, out var list) ? list : reactions[targetId] = []).Add(emoji);
                folded.Add(r.Message.Id);
            }
        }
        return rows.Where(r => !folded.Contains(r.Message.Id))
            .Select(r => new ThreadMessage(r.Message, r.UserName, r.ChannelName ?? "", reactions.GetValueOrDefault(r.Message.Id) ?? []))
            .ToList();
    }

    /// <summary>The WhatsApp channel a reply goes out on: the one the customer last wrote on, else the identity's, else the only one.</summary>
    public async Task<int?> WhatsappChannelAsync(int leadId, CancellationToken ct)
    {
        var whatsapp = db.Channels.Where(c => c.Kind == ChannelKind.Whatsapp && c.Active).Select(c => c.Id);
        var last = await db.Messages.Where(m => m.LeadId == leadId && m.Direction == MessageDirection.Inbound && whatsapp.Contains(m.ChannelId))
            .OrderByDescending(m => m.At).ThenByDescending(m => m.Id).Select(m => (int?)m.ChannelId).FirstOrDefaultAsync(ct);
        if (last is not null)
            return last;
        var identity = await db.ChannelIdentities.Where(i => i.LeadId == leadId && i.Kind == ChannelKind.Whatsapp && i.ChannelId != null)
            .OrderByDescending(i => i.Id).Select(i => i.ChannelId).FirstOrDefaultAsync(ct);
        if (identity is not null)
            return identity;
        var all = await whatsapp.Take(2).ToListAsync(ct);
        return all.Count == 1 ? all[0] : null;
    }

    /// <summary>The stored media of one message of a lead the user can see: its key and type, or null.</summary>
    public async Task<(string Key, string? MimeType, string? FileName)?> MediaAsync(int leadId, long messageId, CancellationToken ct)
    {
        var visible = db.Leads.Where(l => l.Id == leadId).Select(l => l.Id);
        var m = await db.Messages.AsNoTracking().Where(m => m.Id == messageId && m.LeadId == leadId && visible.Contains(m.LeadId) && m.MediaKey != null)
            .FirstOrDefaultAsync(ct);
        return m is null ? null : (m.MediaKey!, m.MediaMimeType, MessageContent.FileName(m));
    }
}

/// <summary>What a message's provider payload says beyond the columns: a reaction's target, a location, contacts, a file name.</summary>
public static class MessageContent
{
    public static (string? TargetProviderId, string? Emoji) Reaction(Message m)
    {
        var reaction = Find(m.Payload, "reaction");
        var target = reaction is { ValueKind: JsonValueKind.Object } r && r.TryGetProperty("message_id", out var id) ? id.GetString() : null;
        var emoji = reaction is { ValueKind: JsonValueKind.Object } r2 && r2.TryGetProperty("emoji", out var e) ? e.GetString() : null;
        return (target, emoji ?? m.Text);
    }

    public sealed record Place(double Latitude, double Longitude, string? Name, string? Address)
    {
        public string MapUrl => FormattableString.Invariant($"https://www.openstreetmap.org/?mlat={Latitude}&mlon={Longitude}#map=16/{Latitude}/{Longitude}");
    }

    public static Place? Location(Message m)
    {
        if (Find(m.Payload, "location") is not { ValueKind: JsonValueKind.Object } l)
            return null;
        return Number(l, "latitude") is { } lat && Number(l, "longitude") is { } lon
            ? new Place(lat, lon, Text(l, "name"), Text(l, "address"))
            : null;
    }

    public sealed record Contact(string Name, IReadOnlyList<string> Phones);

    public static List<Contact> Contacts(Message m)
    {
        if (Find(m.Payload, "contacts") is not { ValueKind: JsonValueKind.Array } list)
            return [];
        return list.EnumerateArray().Where(c => c.ValueKind == JsonValueKind.Object).Select(c => new Contact(
            c.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.Object ? Text(n, "formatted_name") ?? Text(n, "first_name") ?? "Contact" : "Contact",
            c.TryGetProperty("phones", out var p) && p.ValueKind == JsonValueKind.Array
                ? p.EnumerateArray().Select(x => Text(x, "phone") ?? Text(x, "wa_id")).OfType<string>().ToList()
                : [])).ToList();
    }

    public static string? FileName(Message m) =>
        Find(m.Payload, "document") is { ValueKind: JsonValueKind.Object } d ? Text(d, "filename")
        : Parse(m.Payload) is { ValueKind: JsonValueKind.Object } root ? Text(root, "fileName") : null;   // an e-mail's attachment

    /// <summary>The provider's name of a type Leadline does not know ("Unsupported message: poll").</summary>
    public static string? ProviderType(Message m) =>
        Parse(m.Payload) is { ValueKind: JsonValueKind.Object } root ? Text(root, "type") : null;

    private static JsonElement? Parse(string? json)
    {
        if (string.IsNullOrWhiteSpace(json))
            return null;
        try
        {
            using var doc = JsonDocument.Parse(json);
            return doc.RootElement.Clone();
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>The property at the payload's top level, or inside its first "messages" item (a whole webhook value).</summary>
    private static JsonElement? Find(string? payload, string name)
    {
        if (Parse(payload) is not { ValueKind: JsonValueKind.Object } root)
            return null;
        if (root.TryGetProperty(name, out var found))
            return found;
        if (root.TryGetProperty("messages", out var messages) && messages.ValueKind == JsonValueKind.Array && messages.GetArrayLength() > 0
            && messages[0].ValueKind == JsonValueKind.Object && messages[0].TryGetProperty(name, out var inner))
            return inner;
        return null;
    }

    private static string? Text(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static double? Number(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) ? v.ValueKind switch
        {
            JsonValueKind.Number => v.GetDouble(),
            JsonValueKind.String when double.TryParse(v.GetString(), System.Globalization.CultureInfo.InvariantCulture, out var d) => d,
            _ => null,
        } : null;
}

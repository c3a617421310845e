using System.Text.Json;
using Leadline.Channels;
using Leadline.Data;
using Microsoft.EntityFrameworkCore;

namespace Leadline.Conversations.Inbound;

/// <summary>
/// A delivery to Meta's webhook opened for reading: the channel of its URL, the payload's <c>object</c>
/// (<c>whatsapp_business_account</c>, <c>page</c>, <c>instagram</c>) and its <c>entry</c> array. WhatsApp and
/// Messenger/Instagram share the endpoint, and each handler reads the objects that are its own.
/// </summary>
public sealed class MetaDelivery : IDisposable
{
    private readonly JsonDocument _document;

    private MetaDelivery(Channel channel, JsonDocument document, string? objectKind, JsonElement entries)
    {
        Channel = channel;
        _document = document;
        ObjectKind = objectKind;
        Entries = entries;
    }

    public Channel Channel { get; }

    public string? ObjectKind { get; }

    public JsonElement Entries { get; }

    /// <summary>Null when the channel is gone or the payload has no <c>entry</c> array (nothing to read).</summary>
    public static async Task<MetaDelivery?> OpenAsync(LeadlineDb db, WebhookDelivery delivery, CancellationToken ct)
    {
        var channel = await db.Channels.AsNoTracking().FirstOrDefaultAsync(c => c.Id == delivery.ChannelId, ct);
        if (channel is null)
            return null;
        var document = JsonDocument.Parse(delivery.Body);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("entry", out var entries) || entries.ValueKind != JsonValueKind.Array)
        {
            document.Dispose();
            return null;
        }
        var objectKind = root.TryGetProperty("object", out var o) && o.ValueKind == JsonValueKind.String ? o.GetString() : null;
        return new MetaDelivery(channel, document, objectKind, entries);
    }

    public void Dispose() => _document.Dispose();
}

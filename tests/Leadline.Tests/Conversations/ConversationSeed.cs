using Leadline.Channels;
using Leadline.Common.Files;
using Leadline.Conversations;
using Leadline.Tests.TestInfrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Leadline.Tests.Conversations;

/// <summary>Channels and messages written straight into a workspace, as the inbound worker would store them.</summary>
public static class ConversationSeed
{
    public static async Task<int> WhatsappChannelAsync(this TestWorkspace ws, string name = "Sales WhatsApp")
    {
        await using var scope = ws.Scope(out var db);
        var now = ws.App.Clock.GetUtcNow().UtcDateTime;
        var channel = new Channel
        {
            WorkspaceId = ws.Id, Kind = ChannelKind.Whatsapp, Name = name,
            Settings = """{"phoneNumberId":"1234567890","wabaId":"998877","displayPhone":"+49 151 0000000"}""",
            CreatedAt = now, UpdatedAt = now,
        };
        db.Channels.Add(channel);
        await db.SaveChangesAsync();
        return channel.Id;
    }

    public static async Task<Message> MessageAsync(this TestWorkspace ws, int leadId, int channelId, MessageDirection direction, MessageType type,
        DateTime at, string? text = null, MessageStatus? status = null, int? userId = null, string? payload = null, string? error = null,
        string? providerId = null, (string MimeType, byte[] Bytes)? media = null)
    {
        await using var scope = ws.Scope(out var db);
        var message = new Message
        {
            WorkspaceId = ws.Id, LeadId = leadId, ChannelId = channelId, Direction = direction, Type = type, Text = text,
            Status = status ?? (direction == MessageDirection.Inbound ? MessageStatus.Delivered : MessageStatus.Sent),
            UserId = userId, Payload = payload, Error = error, At = at,
            ProviderMessageId = providerId ?? $"wamid.test.{Guid.NewGuid():N}",
        };
        if (media is { } m)
        {
            message.MediaMimeType = m.MimeType;
            message.MediaKey = $"messages/{ws.Id}/{Guid.NewGuid():N}";
            await scope.ServiceProvider.GetRequiredService<IFileStorage>().SaveAsync(message.MediaKey, new MemoryStream(m.Bytes), CancellationToken.None);
        }
        db.Messages.Add(message);
        await db.SaveChangesAsync();
        return message;
    }

    /// <summary>The customer's last WhatsApp message, through the lead write path (load, set, save).</summary>
    public static async Task SetWhatsappInboundAsync(this TestWorkspace ws, int leadId, DateTime? at)
    {
        await using var scope = ws.Scope(out var db);
        var lead = await db.Leads.FirstAsync(l => l.Id == leadId);
        lead.WhatsappInboundAt = at;
        lead.LastInboundAt = at;
        await db.SaveChangesAsync();
    }

    /// <summary>A 1×1 PNG.</summary>
    public static readonly byte[] Png = Convert.FromBase64String("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==");
}

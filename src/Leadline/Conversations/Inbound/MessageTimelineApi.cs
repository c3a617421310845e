using System.Text.Json;
using Leadline.Channels;
using Leadline.Common.Api;
using Leadline.Common.Files;
using Leadline.Data;
using Leadline.Leads;
using Microsoft.EntityFrameworkCore;

namespace Leadline.Conversations.Inbound;

/// <summary>A message's media: <see cref="Url"/> streams the stored file to an API client, <see cref="PageUrl"/> to a signed-in browser.</summary>
public sealed record MessageMediaResponse(string? MimeType, string Url, string PageUrl, string? Caption, bool Available);

/// <summary>One message of a lead's timeline (API.md); <see cref="RefersTo"/>: the provider id an edit, deletion or reaction is about.</summary>
public sealed record MessageResponse(
    long Id, int ChannelId, ChannelKind? Channel, string? ChannelName, MessageDirection Direction, MessageType Type, string? Text, string? Subject,
    MessageMediaResponse? Media, MessageStatus Status, string? Error, string? ProviderMessageId, DateTime At, int? UserId, string? UserName, string? RefersTo);

/// <summary>A lead's conversation on every channel, oldest first, and the media of its messages.</summary>
public sealed class MessageTimeline(LeadlineDb db, LeadService leads, IFileStorage storage)
{
    /// <summary>The lead's messages, oldest first; null when the lead is not visible (the rules of GET /api/v1/leads/{id}).</summary>
    public async Task<List<MessageResponse>?> ForLeadAsync(int leadId, CancellationToken ct)
    {
        if (await leads.FindAsync(leadId, ct) is null)
            return null;
        var rows = await (
            from m in db.Messages.AsNoTracking().Where(m => m.LeadId == leadId)
            join c in db.Channels on m.ChannelId equals c.Id into channels
            from c in channels.DefaultIfEmpty()
            join u in db.Users on m.UserId equals (int?)u.Id into users
            from u in users.DefaultIfEmpty()
            orderby m.At, m.Id
            select new { Message = m, Kind = c == null ? (ChannelKind?)null : c.Kind, ChannelName = c == null ? null : c.Name, UserName = u == null ? null : u.Name })
            .ToListAsync(ct);
        return rows.Select(r => Map(r.Message, r.Kind, r.ChannelName, r.UserName)).ToList();
    }

    /// <summary>The stored media of a message of a visible lead, or null.</summary>
    public async Task<(Stream Content, string ContentType)?> MediaAsync(long messageId, CancellationToken ct)
    {
        var message = await db.Messages.AsNoTracking().Where(m => m.Id == messageId).Select(m => new { m.LeadId, m.MediaKey, m.MediaMimeType }).FirstOrDefaultAsync(ct);
        if (message?.MediaKey is null || await leads.FindAsync(message.LeadId, ct) is null)
            return null;
        return await storage.OpenAsync(message.MediaKey, ct) is { } content ? (content, message.MediaMimeType ?? "application/octet-stream") : null;
    }

    public static MessageResponse Map(Message m, ChannelKind? kind, string? channelName, string? userName) => new(
        m.Id, m.ChannelId, kind, channelName, m.Direction, m.Type, m.Text, m.Subject,
        m.MediaKey is null && m.MediaProviderId is null ? null
            : new MessageMediaResponse(m.MediaMimeType, $"/api/v1/messages/{m.Id}/media", $"/messages/{m.Id}/media", m.MediaCaption, m.MediaKey is not null),
        m.Status, m.Error, m.ProviderMessageId, m.At, m.UserId, userName, RefersTo(m));

    private static string? RefersTo(Message m)
    {
        if (m.Type is not (MessageType.Edit or MessageType.Delete or MessageType.Reaction) || m.Payload is null)
            return null;
        try
        {
            using var doc = JsonDocument.Parse(m.Payload);
            var root = doc.RootElement;
            var (holder, field) = m.Type switch
            {
                MessageType.Edit => ("edit", "original_message_id"),
                MessageType.Reaction => ("reaction", "message_id"),
                _ => (root.TryGetProperty("revoke", out _) ? "revoke" : "delete", "original_message_id"),
            };
            return root.TryGetProperty(holder, out var h) && h.ValueKind == JsonValueKind.Object && h.TryGetProperty(field, out var id) ? id.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

internal static class MessageTimelineApi
{
    public static void MapMessageTimeline(this IEndpointRouteBuilder app, RouteGroupBuilder api)
    {
        api.MapGet("/leads/{id:int}/messages", async (int id, MessageTimeline timeline, CancellationToken ct) =>
                await timeline.ForLeadAsync(id, ct) is { } items ? Results.Ok(new { items }) : ApiResults.NotFound("No such lead."))
            .WithTags("Messages").WithName("LeadMessages").RequirePermission(Permission.LeadsRead);
        api.MapGet("/messages/{id:long}/media", MediaAsync).WithTags("Messages").WithName("MessageMedia").RequirePermission(Permission.LeadsRead);
        // the same for the browser (cookie), for previews in the Messages tab
        app.MapGet("/messages/{id:long}/media", MediaAsync).RequirePermission(Permission.LeadsRead);
    }

    private static async Task<IResult> MediaAsync(long id, MessageTimeline timeline, HttpContext http, CancellationToken ct)
    {
        if (await timeline.MediaAsync(id, ct) is not { } media)
            return Results.NotFound();
        // a customer's file: shown inline only when a browser cannot run it as a page of ours (no HTML, no SVG)
        var type = media.ContentType.ToLowerInvariant();
        var safe = type is "application/pdf" || ((type.StartsWith("image/", StringComparison.Ordinal) || type.StartsWith("audio/", StringComparison.Ordinal)
            || type.StartsWith("video/", StringComparison.Ordinal)) && !type.Contains("svg", StringComparison.Ordinal));
        http.Response.Headers.ContentDisposition = safe ? "inline" : "attachment";
        http.Response.Headers["X-Content-Type-Options"] = "nosniff";
        http.Response.Headers.CacheControl = "private, max-age=3600";
        return Results.Stream(media.Content, media.ContentType);
    }
}

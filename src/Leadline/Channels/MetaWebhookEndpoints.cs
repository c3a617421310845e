using Leadline.Common.Security;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Leadline.Conversations.Inbound;
using Leadline.Data;
using Microsoft.EntityFrameworkCore;

namespace Leadline.Channels;

/// <summary>
/// Meta's webhooks (WhatsApp; Messenger and Instagram post here too): the verify handshake, and deliveries that are
/// checked against <c>X-Hub-Signature-256</c> over the raw bytes before anything is parsed or stored, then stored
/// (<see cref="WebhookDelivery"/>) and answered 200; <see cref="WebhookDeliveryWorker"/> processes them, woken at once.
/// Anonymous (Meta has no session) and outside antiforgery: the signature is the authentication.
/// </summary>
internal static class MetaWebhookEndpoints
{
    /// <summary>Meta's payloads are a few kilobytes; a batch of changes stays far below this.</summary>
    public const int MaxBodyBytes = 3 * 1024 * 1024;

    private static readonly ChannelKind[] MetaKinds = [ChannelKind.Whatsapp, ChannelKind.Messenger, ChannelKind.Instagram];

    public static void MapMetaWebhooks(this IEndpointRouteBuilder app)
    {
        var hooks = app.MapGroup("/webhooks/meta").AllowAnonymous().AllowCrossSitePost().ExcludeFromDescription()
            .AddEndpointFilter(async (context, next) =>
            {
                // Meta reads the status code: a refusal is a bare 401/403/404, not a redirect to the people's status page
                if (context.HttpContext.Features.Get<Microsoft.AspNetCore.Diagnostics.IStatusCodePagesFeature>() is { } pages)
                    pages.Enabled = false;
                return await next(context);
            });
        hooks.MapGet("/{channelId:int}", VerifyAsync);
        hooks.MapPost("/{channelId:int}", ReceiveAsync);
    }

    private static async Task<IResult> VerifyAsync(int channelId, HttpRequest request, LeadlineDb db, CancellationToken ct)
    {
        var channel = await FindAsync(db, channelId, ct);
        if (channel is null)
            return Results.NotFound();
        var expected = Setting(channel, "verifyToken");
        var given = request.Query["hub.verify_token"].ToString();
        if (request.Query["hub.mode"] != "subscribe" || string.IsNullOrEmpty(expected)
            || !CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given), Encoding.UTF8.GetBytes(expected)))
            return Results.StatusCode(StatusCodes.Status403Forbidden);
        return Results.Text(request.Query["hub.challenge"].ToString(), "text/plain");
    }

    private static async Task<IResult> ReceiveAsync(int channelId, HttpRequest request, LeadlineDb db, ChannelSecrets secrets, WebhookInbox inbox,
        TimeProvider clock, CancellationToken ct)
    {
        var body = await ReadAsync(request, ct);
        if (body is null)
            return Results.StatusCode(StatusCodes.Status413PayloadTooLarge);
        var channel = await FindAsync(db, channelId, ct);
        if (channel is null)
            return Results.NotFound();
        if (!MetaSignature.Verify(secrets.Read(channel, "appSecret"), body, request.Headers[MetaSignature.Header].ToString()))
            return Results.Unauthorized();
        await inbox.StoreAsync(new WebhookDelivery
        {
            WorkspaceId = channel.WorkspaceId, ChannelId = channel.Id, Body = Encoding.UTF8.GetString(body), ReceivedAt = clock.GetUtcNow().UtcDateTime,
        }, ct);
        return Results.Ok();
    }

    private static Task<Channel?> FindAsync(LeadlineDb db, int channelId, CancellationToken ct) =>
        // no workspace is in scope yet: the channel names it
        db.Channels.IgnoreQueryFilters().AsNoTracking().FirstOrDefaultAsync(c => c.Id == channelId && c.Active && MetaKinds.Contains(c.Kind), ct);

    /// <summary>A plain setting of the channel (its Settings JSON), or null.</summary>
    internal static string? Setting(Channel channel, string name)
    {
        try
        {
            using var doc = JsonDocument.Parse(channel.Settings);
            return doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String
                ? v.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>The raw body, or null when it is larger than <see cref="MaxBodyBytes"/>.</summary>
    private static async Task<byte[]?> ReadAsync(HttpRequest request, CancellationToken ct)
    {
        if (request.ContentLength > MaxBodyBytes)
            return null;
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > MaxBodyBytes)
                return null;
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }
}

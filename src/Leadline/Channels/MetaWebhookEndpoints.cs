using Leadline.Common.Security;
using System.Security.Cryptography;
using System.Text;
using Leadline.Conversations.Inbound;
using Leadline.Data;

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

    private static async Task<IResult> VerifyAsync(int channelId, HttpRequest request, LeadlineDb db, WebhookChannels channels, CancellationToken ct)
    {
        var channel = await channels.FindAsync(db, channelId, MetaKinds, ct);
        if (channel is null)
            return Results.NotFound();
        var expected = channel.VerifyToken;
        var given = request.Query["hub.verify_token"].ToString();
        if (request.Query["hub.mode"] != "subscribe" || string.IsNullOrEmpty(expected)
            || !CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given), Encoding.UTF8.GetBytes(expected)))
            return Results.StatusCode(StatusCodes.Status403Forbidden);
        return Results.Text(request.Query["hub.challenge"].ToString(), "text/plain");
    }

    private static async Task<IResult> ReceiveAsync(int channelId, HttpRequest request, LeadlineDb db, WebhookChannels channels, WebhookInbox inbox,
        TimeProvider clock, CancellationToken ct)
    {
        var body = await RawBody.ReadAsync(request, MaxBodyBytes, ct);
        if (body is null)
            return Results.StatusCode(StatusCodes.Status413PayloadTooLarge);
        var channel = await channels.FindAsync(db, channelId, MetaKinds, ct);
        if (channel is null)
            return Results.NotFound();
        if (!MetaSignature.Verify(channel.AppSecret, body, request.Headers[MetaSignature.Header].ToString()))
            return Results.Unauthorized();
        await inbox.StoreAsync(new WebhookDelivery
        {
            WorkspaceId = channel.WorkspaceId, ChannelId = channel.Id, Body = Encoding.UTF8.GetString(body), ReceivedAt = clock.GetUtcNow().UtcDateTime,
        }, ct);
        return Results.Ok();
    }
}

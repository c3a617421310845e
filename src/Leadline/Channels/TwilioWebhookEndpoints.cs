using System.Text;
using Leadline.Common.Security;
using Leadline.Data;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;

namespace Leadline.Channels;

/// <summary>
/// Twilio's webhooks of an SMS channel (incoming messages and status callbacks, one URL): the <c>X-Twilio-Signature</c>
/// is checked with the channel's auth token over the URL Twilio requested and the raw form (or a JSON body's hash) before
/// anything is stored; then the delivery is stored as it arrived (<see cref="WebhookDelivery"/>) and answered with an
/// empty TwiML <c>&lt;Response/&gt;</c>, so Twilio sends no automatic reply. The URL Twilio signed is the public one:
/// behind a proxy, <c>Leadline:PublicBaseUrl</c> says what it is (the request's own URL is accepted too).
/// </summary>
internal static class TwilioWebhookEndpoints
{
    /// <summary>Twilio's parameters are a few kilobytes; a JSON callback as well.</summary>
    public const int MaxBodyBytes = 1024 * 1024;

    public static void MapTwilioWebhooks(this IEndpointRouteBuilder app)
    {
        var hooks = app.MapGroup("/webhooks/twilio").AllowAnonymous().AllowCrossSitePost().ExcludeFromDescription()
            .AddEndpointFilter(async (context, next) =>
            {
                // Twilio reads the status code: a refusal is a bare 401/404, not a redirect to the people's status page
                if (context.HttpContext.Features.Get<Microsoft.AspNetCore.Diagnostics.IStatusCodePagesFeature>() is { } pages)
                    pages.Enabled = false;
                return await next(context);
            });
        hooks.MapPost("/{channelId:int}", ReceiveAsync);
    }

    private static async Task<IResult> ReceiveAsync(int channelId, HttpRequest request, LeadlineDb db, ChannelSecrets secrets, PublicUrls urls,
        WebhookInbox inbox, TimeProvider clock, CancellationToken ct)
    {
        var body = await RawBody.ReadAsync(request, MaxBodyBytes, ct);
        if (body is null)
            return Results.StatusCode(StatusCodes.Status413PayloadTooLarge);
        // no workspace is in scope yet: the channel names it
        var channel = await db.Channels.IgnoreQueryFilters().AsNoTracking()
            .FirstOrDefaultAsync(c => c.Id == channelId && c.Active && c.Kind == ChannelKind.Sms, ct);
        if (channel is null)
            return Results.NotFound();
        var text = Encoding.UTF8.GetString(body);
        var json = IsJson(request.ContentType, text);
        var form = json ? [] : QueryHelpers.ParseQuery(text);
        if (!TwilioSignature.Verify(secrets.Read(channel, "authToken"), urls.RequestUrls(request), form, request.Headers[TwilioSignature.Header].ToString(),
                body, json))
            return Results.Unauthorized();
        await inbox.StoreAsync(new WebhookDelivery
        {
            WorkspaceId = channel.WorkspaceId, ChannelId = channel.Id, Body = text, ReceivedAt = clock.GetUtcNow().UtcDateTime,
        }, ct);
        return Results.Text("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response/>", "text/xml", Encoding.UTF8);
    }

    private static bool IsJson(string? contentType, string body) =>
        contentType?.Contains("json", StringComparison.OrdinalIgnoreCase) == true
        || (contentType is null && body.TrimStart().StartsWith('{'));
}

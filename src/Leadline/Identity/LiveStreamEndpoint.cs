using Leadline.Common.Live;

namespace Leadline.Identity;

/// <summary>The live stream belongs to a signed-in browser session: it ends when the session does.</summary>
public static class LiveStreamEndpoint
{
    /// <summary>
    /// <c>GET /events</c>: the signed-in user's workspace events as Server-Sent Events. The stream ends within the session
    /// recheck interval once its browser session is gone (signed out, or the user deactivated).
    /// </summary>
    public static void MapLiveEvents(this IEndpointRouteBuilder app) =>
        app.MapGet("/events", (LiveEvents events, CurrentUser me, HttpContext ctx, IHostApplicationLifetime life,
            BrowserSessionStore sessions, Microsoft.Extensions.Options.IOptions<AuthOptions> auth, TimeProvider clock) =>
        {
            var cts = CancellationTokenSource.CreateLinkedTokenSource(ctx.RequestAborted, life.ApplicationStopping);
            ctx.Response.RegisterForDispose(cts);
            _ = EndWhenSessionEndsAsync(sessions, ctx.User, auth.Value.SessionRecheckInterval, clock, cts);
            return TypedResults.ServerSentEvents(events.SubscribeAsync(me.WorkspaceId, cts.Token));
        }).RequirePermission(Permission.LeadsRead);

    private static async Task EndWhenSessionEndsAsync(BrowserSessionStore sessions, System.Security.Claims.ClaimsPrincipal user, TimeSpan every,
        TimeProvider clock, CancellationTokenSource stream)
    {
        try
        {
            while (!stream.IsCancellationRequested)
            {
                await Task.Delay(every, clock, stream.Token);
                if (!await sessions.IsOpenAsync(user, stream.Token))
                {
                    await stream.CancelAsync();
                    return;
                }
            }
        }
        catch (OperationCanceledException)
        {
            // the stream ended first
        }
        catch (ObjectDisposedException)
        {
            // the response was disposed with its token source
        }
    }
}

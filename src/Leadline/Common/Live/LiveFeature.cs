using Leadline.Data;

namespace Leadline.Common.Live;

public static class LiveFeature
{
    public static IServiceCollection AddLiveEvents(this IServiceCollection services, DatabaseProvider provider)
    {
        services.AddSingleton<LiveEvents>();
        if (provider == DatabaseProvider.Postgres)
        {
            services.AddSingleton<PostgresLiveEventBus>();
            services.AddSingleton<ILiveEventBus>(sp => sp.GetRequiredService<PostgresLiveEventBus>());
            services.AddHostedService(sp => sp.GetRequiredService<PostgresLiveEventBus>());   // its sender
            services.AddHostedService<PostgresLiveEventListener>();
        }
        else
        {
            services.AddSingleton<ILiveEventBus, InProcessLiveEventBus>();
        }
        return services;
    }

    /// <summary><c>GET /events</c>: the signed-in user's workspace events as Server-Sent Events.</summary>
    public static void MapLiveEvents(this IEndpointRouteBuilder app) =>
        app.MapGet("/events", (LiveEvents events, Security.CurrentUser me, HttpContext ctx, IHostApplicationLifetime life) =>
        {
            var cts = CancellationTokenSource.CreateLinkedTokenSource(ctx.RequestAborted, life.ApplicationStopping);
            ctx.Response.RegisterForDispose(cts);
            return TypedResults.ServerSentEvents(events.SubscribeAsync(me.WorkspaceId, cts.Token));
        }).RequirePermission(Identity.Permission.LeadsRead);
}

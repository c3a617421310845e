using Leadline.Conversations;

namespace Leadline.Inbox;

/// <summary>
/// The response discipline (issue 20): the first-response SLA and next action kept by every message (an
/// <see cref="IConversationObserver"/>), the sweeper that marks breaches, the Inbox's queues, and the workspace's SLA settings.
/// </summary>
public static class InboxFeature
{
    public static IServiceCollection AddInbox(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<SlaOptions>(configuration.GetSection("Leadline:Sla"));
        services.AddScoped<IConversationObserver, ResponseDiscipline>();
        services.AddScoped<InboxQueries>();
        services.AddScoped<ResponseSettingsService>();
        services.AddScoped<SlaSweeper>();
        services.AddHostedService<SlaWorker>();
        return services;
    }

    public static void MapInbox(this IEndpointRouteBuilder app, RouteGroupBuilder api)
    {
        api.MapInboxApi();
        app.MapInboxPages();
    }
}

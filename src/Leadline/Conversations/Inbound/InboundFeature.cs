using Leadline.Channels;

namespace Leadline.Conversations.Inbound;

/// <summary>Conversations coming in: Meta's webhooks, the delivery worker, lead matching, the timeline API.</summary>
public static class InboundFeature
{
    public static IServiceCollection AddInboundConversations(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<WebhookOptions>(configuration.GetSection("Leadline:Webhooks"));
        services.AddSingleton<WebhookDeliverySignal>();
        services.AddSingleton<WebhookDeliveryProcessor>();
        services.AddHostedService<WebhookDeliveryWorker>();
        services.AddSingleton<WebhookInbox>();
        services.AddHostedService(sp => sp.GetRequiredService<WebhookInbox>());
        services.AddScoped<WhatsappInbound>();
        services.AddScoped<IWebhookDeliveryHandler>(sp => sp.GetRequiredService<WhatsappInbound>());
        services.AddScoped<IWebhookDeliveryHandler, SmsInbound>();
        services.AddScoped<LinkedMedia>();
        services.AddScoped<IWebhookDeliveryHandler, MetaMessagingInbound>();
        services.AddScoped<MetaProfiles>();
        services.AddScoped<WebhookDeliveryHandlers>();
        services.AddScoped<InboundRecorder>();
        services.AddScoped<MessageStatuses>();
        services.Configure<WebhookRetentionOptions>(configuration.GetSection("Leadline:Webhooks"));
        services.AddScoped<WebhookRetention>();
        services.AddHostedService<WebhookRetentionWorker>();
        services.AddScoped<InboundLeadMatcher>();
        services.AddScoped<WhatsappMedia>();
        services.AddScoped<InboundAnnouncer>();
        services.AddScoped<MessageTimeline>();
        return services;
    }

    public static void MapInboundConversations(this IEndpointRouteBuilder app, RouteGroupBuilder api)
    {
        app.MapMetaWebhooks();
        app.MapTwilioWebhooks();
        app.MapMessageTimeline(api);
    }
}

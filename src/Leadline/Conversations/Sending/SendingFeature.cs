using Leadline.Outbox;

namespace Leadline.Conversations.Sending;

/// <summary>Sending on a lead's conversation: replies and templates through the outbox, WhatsApp's Cloud API sender, templates.</summary>
public static class SendingFeature
{
    public static IServiceCollection AddConversationSending(this IServiceCollection services)
    {
        services.AddScoped<Channels.ChannelService>();
        services.AddScoped<ConversationObservers>();
        services.AddScoped<ConversationSender>();
        services.AddScoped<IConversationSender>(sp => sp.GetRequiredService<ConversationSender>());
        services.AddScoped<MessageTemplates>();
        services.AddScoped<IMessageTemplates>(sp => sp.GetRequiredService<MessageTemplates>());
        services.AddScoped<IOutboxSender, WhatsappMessageSender>();
        services.AddScoped<IChannelTransport, WhatsappTransport>();
        services.AddScoped<IOutboxSender, SmsMessageSender>();
        services.AddScoped<IChannelTransport, SmsTransport>();
        services.AddScoped<IOutboxSender, MetaMessageSender>();
        foreach (var kind in new[] { Channels.ChannelKind.Messenger, Channels.ChannelKind.Instagram })
            services.AddScoped<IChannelTransport>(sp => new MetaMessagingTransport(kind, sp.GetRequiredService<Data.LeadlineDb>()));
        return services;
    }

    public static void MapConversationSending(this IEndpointRouteBuilder app, RouteGroupBuilder api)
    {
        Channels.ChannelsApi.MapChannelsApi(api);
        Channels.ChannelPageEndpoints.MapChannelPages(app);
        api.MapSendingApi();
        app.MapAccountPages();
    }
}

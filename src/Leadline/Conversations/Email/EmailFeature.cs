using Leadline.Conversations.Sending;
using Leadline.Outbox;

namespace Leadline.Conversations.Email;

/// <summary>The e-mail channel: SMTP out through the outbox, IMAP in by a poller per mailbox.</summary>
public static class EmailFeature
{
    public static IServiceCollection AddEmailChannel(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<EmailOptions>(configuration.GetSection("Leadline:Email"));
        services.AddScoped<IChannelTransport, EmailTransport>();
        services.AddScoped<IOutboxSender, EmailMessageSender>();
        services.AddScoped<EmailInbound>();
        services.AddScoped<EmailComposer>();
        services.AddSingleton<EmailPoller>();
        services.AddHostedService<EmailPollWorker>();
        return services;
    }

    public static void MapEmailChannel(this IEndpointRouteBuilder app) => app.MapEmailPages();
}

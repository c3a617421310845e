namespace Leadline.Channels;

/// <summary>Where providers are: base URLs from configuration, so tests and demos point at a local fake.</summary>
public sealed class MetaOptions
{
    public string GraphBaseUrl { get; set; } = "https://graph.facebook.com/v25.0";
}

public sealed class TwilioOptions
{
    public string BaseUrl { get; set; } = "https://api.twilio.com";
}

/// <summary>The channels leads reach us on: their settings and secrets, the providers' webhooks and API clients.</summary>
public static class ChannelsFeature
{
    /// <summary>The named HTTP client of Meta's Graph API (base address from <see cref="MetaOptions"/>).</summary>
    public const string MetaGraph = "meta-graph";

    /// <summary>The named HTTP client of Twilio's REST API (base address from <see cref="TwilioOptions"/>).</summary>
    public const string Twilio = "twilio";

    /// <summary>The named HTTP client that fetches media a provider links to (Twilio's media, Messenger attachments).</summary>
    public const string ChannelMedia = "channel-media";

    public static IServiceCollection AddChannels(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<MetaOptions>(configuration.GetSection("Leadline:Channels:Meta"));
        services.Configure<TwilioOptions>(configuration.GetSection("Leadline:Channels:Twilio"));
        services.AddSingleton<ChannelSecrets>();
        services.Configure<PublicUrlOptions>(configuration.GetSection("Leadline"));
        services.AddSingleton<PublicUrls>();
        services.AddHttpClient(Twilio, (sp, client) =>
        {
            var baseUrl = sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<TwilioOptions>>().Value.BaseUrl.TrimEnd('/');
            client.BaseAddress = new Uri(baseUrl + "/");
            client.Timeout = TimeSpan.FromSeconds(30);
        });
        services.AddHttpClient(ChannelMedia, client => client.Timeout = TimeSpan.FromSeconds(60));
        services.AddMemoryCache();
        services.AddSingleton<WebhookChannels>();
        services.AddHttpClient(MetaGraph, (sp, client) =>
        {
            var baseUrl = sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<MetaOptions>>().Value.GraphBaseUrl.TrimEnd('/');
            client.BaseAddress = new Uri(baseUrl + "/");
            client.Timeout = TimeSpan.FromSeconds(30);
        });
        return services;
    }

    public static void MapChannels(this IEndpointRouteBuilder app, RouteGroupBuilder api)
    {
        // the channels API, settings page and webhook endpoints are mapped here
    }
}

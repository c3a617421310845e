namespace Leadline.Conversations;

/// <summary>The conversation's pages: the Messages tab and quick-edit section, live thread, media, reply box.</summary>
public static class ConversationPagesFeature
{
    public static IServiceCollection AddConversationPages(this IServiceCollection services) =>
        services.AddScoped<ConversationViews>();

    public static void MapConversationPages(this IEndpointRouteBuilder app, RouteGroupBuilder api) =>
        app.MapConversationPageEndpoints();
}

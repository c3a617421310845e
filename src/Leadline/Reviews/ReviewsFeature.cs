namespace Leadline.Reviews;

/// <summary>Job outcomes and review requests (issue 20, item 8).</summary>
public static class ReviewsFeature
{
    public static IServiceCollection AddReviews(this IServiceCollection services) =>
        services.AddScoped<ReviewSettingsService>().AddScoped<ReviewRequests>().AddScoped<JobOutcomes>();

    public static void MapReviews(this IEndpointRouteBuilder app, RouteGroupBuilder api)
    {
        api.MapReviewsApi();
        app.MapReviewPages();
    }
}

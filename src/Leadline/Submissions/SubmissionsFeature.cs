namespace Leadline.Submissions;

/// <summary>Bot-flow submissions: the API, the review queue, and the per-flow field labels.</summary>
public static class SubmissionsFeature
{
    public static IServiceCollection AddSubmissionReview(this IServiceCollection services) =>
        services.AddScoped<SubmissionService>();

    public static void MapSubmissionReview(this IEndpointRouteBuilder app, RouteGroupBuilder api)
    {
        api.MapSubmissionsApi();
        app.MapSubmissionPages();
    }
}

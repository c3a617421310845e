namespace Leadline.Pipeline;

public static class PipelineFeature
{
    public static IServiceCollection AddPipeline(this IServiceCollection services) =>
        services.AddScoped<BoardQueries>().AddScoped<ColumnLock>().AddScoped<LeadMover>().AddScoped<PipelineSettingsService>();

    public static void MapPipeline(this IEndpointRouteBuilder app, RouteGroupBuilder api)
    {
        api.MapPipelineApi();
        app.MapBoardPages();
        app.MapPipelineSettings();
    }
}

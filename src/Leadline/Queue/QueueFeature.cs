using Leadline.MarketingLists;
using Leadline.Reports;

namespace Leadline.Queue;

/// <summary>The operators' work queue with reservation, marketing lists, and the lead-flow report.</summary>
public static class QueueFeature
{
    public static IServiceCollection AddWorkQueue(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<ReservationOptions>(configuration.GetSection("Leadline:Reservations"));
        services.AddScoped<WorkQueueService>().AddScoped<QueueSettingsService>().AddScoped<ReservationReleaser>().AddHostedService<ReservationWorker>();
        services.AddScoped<MarketingListService>();
        services.AddScoped<LeadFlowReport>();
        return services;
    }

    public static void MapWorkQueue(this IEndpointRouteBuilder app, RouteGroupBuilder api)
    {
        api.MapMarketingListsApi();
        app.MapQueuePages();
        app.MapMarketingListPages();
        app.MapReportPages();
    }
}

using Leadline.Common.Api;
using Leadline.Leads;

namespace Leadline.Duplicates;

/// <summary>Duplicate protection: match keys kept on every save, the real-time check, merging.</summary>
public static class DuplicatesFeature
{
    public static IServiceCollection AddDuplicates(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<MatchKeyOptions>(configuration.GetSection("Leadline:Duplicates"));
        services.AddMemoryCache();
        return services
            .AddScoped<DuplicateFinder>()
            .AddScoped<LeadMerger>()
            .AddScoped<MatchKeyIndexer>()
            .AddHostedService<MatchKeyWorker>()
            .AddScoped<DuplicateSweeper>()
            .AddSingleton<PendingSweeps>()
            .AddHostedService<SweepWorker>();
    }

    public static void MapDuplicates(this IEndpointRouteBuilder app, RouteGroupBuilder api)
    {
        var leads = api.MapGroup("/leads").WithTags("Duplicates");
        leads.MapPost("/duplicates/check", async (DuplicateCheckRequest request, DuplicateFinder finder, CancellationToken ct) =>
            Results.Ok(new { matches = await finder.CheckAsync(request, ct) })).WithName("CheckDuplicates").RequirePermission(Permission.LeadsRead);
        leads.MapPost("/{id:int}/merge", async (int id, MergeRequest request, LeadMerger merger, LeadService service, LeadMapper mapper, HttpContext http, CancellationToken ct) =>
        {
            var result = await merger.MergeAsync(id, request, ct);
            if (!result.Succeeded)
                return ApiResults.Problem(result);
            ETags.Set(http, result.Value!.Version);
            return Results.Ok(await mapper.MapAsync(result.Value!, await service.ClockAsync(ct), ct));
        }).WithName("MergeLeads").RequirePermission(Permission.Merge);
        app.MapDuplicatePages();
    }
}

using Leadline.Common.Api;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Leadline.Outbox;

/// <summary>The transactional outbox: messages queued with the change that causes them, sent by a dispatcher on every instance.</summary>
public static class OutboxFeature
{
    public static IServiceCollection AddOutbox(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<OutboxOptions>(configuration.GetSection("Leadline:Outbox"));
        services.AddSingleton<OutboxWakeSignal>();
        services.AddSingleton<OutboxInstance>();
        services.AddScoped<IInterceptor, OutboxInterceptor>();
        services.AddScoped<OutboxDispatcher>();
        services.AddScoped<OutboxService>();
        services.AddHostedService<OutboxWorker>();
        return services;
    }

    public static void MapOutbox(this IEndpointRouteBuilder app, RouteGroupBuilder api)
    {
        var outbox = api.MapGroup("/outbox").WithTags("Outbox");
        outbox.MapGet("/", async (string? status, int? limit, OutboxService service, CancellationToken ct) =>
        {
            OutboxStatus? filter = null;
            if (status is not null)
            {
                if (!Enum.TryParse<OutboxStatus>(status, ignoreCase: true, out var parsed) || status.All(char.IsAsciiDigit))
                    return ApiResults.Problem(Result<object>.Invalid("status", "Status must be pending, sending, sent or failed."));
                filter = parsed;
            }
            var items = await service.ListAsync(filter, limit ?? 100, ct);
            return Results.Ok(new Page<OutboxItemResponse>(items, null, items.Count));
        }).WithName("ListOutbox").RequirePermission(Permission.OutboxManage);
        outbox.MapPost("/{id:long}/retry", async (long id, OutboxService service, CancellationToken ct) =>
        {
            var result = await service.RetryAsync(id, ct);
            return result.Succeeded ? Results.Ok(result.Value) : ApiResults.Problem(result);
        }).WithName("RetryOutboxMessage").RequirePermission(Permission.OutboxManage);
    }
}

using Leadline.Reminders.Pages;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Leadline.Reminders;

public static class RemindersFeature
{
    public static IServiceCollection AddReminders(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<ReminderOptions>(configuration.GetSection("Leadline:Reminders"));
        services.AddScoped<ReminderService>();
        services.AddScoped<ReminderDispatcher>();
        services.AddScoped<NotificationService>();
        services.AddHostedService<ReminderWorker>();
        return services;
    }

    public static void MapReminders(this IEndpointRouteBuilder app, RouteGroupBuilder api)
    {
        api.MapRemindersApi();
        var notifications = app.MapGroup("/notifications").RequirePermission(Permission.Account);
        notifications.MapGet("/bell", () => new RazorComponentResult<NotificationBell>());
        // opening the menu shows the latest and marks them read
        notifications.MapGet("/menu", async (NotificationService service, TimeProvider clock, CancellationToken ct) =>
        {
            var items = await service.LatestAsync(10, ct);
            await service.MarkAllReadAsync(ct);
            return new RazorComponentResult<NotificationMenu>(new { Items = items, Now = clock.GetUtcNow().UtcDateTime });
        });
    }
}

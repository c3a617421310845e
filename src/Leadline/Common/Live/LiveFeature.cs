using Leadline.Data;

namespace Leadline.Common.Live;

public static class LiveFeature
{
    public static IServiceCollection AddLiveEvents(this IServiceCollection services, DatabaseProvider provider)
    {
        services.AddSingleton<LiveEvents>();
        if (provider == DatabaseProvider.Postgres)
        {
            services.AddSingleton<PostgresLiveEventBus>();
            services.AddSingleton<ILiveEventBus>(sp => sp.GetRequiredService<PostgresLiveEventBus>());
            services.AddHostedService(sp => sp.GetRequiredService<PostgresLiveEventBus>());   // its sender
            services.AddHostedService<PostgresLiveEventListener>();
        }
        else
        {
            services.AddSingleton<ILiveEventBus, InProcessLiveEventBus>();
        }
        return services;
    }
}

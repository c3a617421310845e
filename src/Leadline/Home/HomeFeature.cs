namespace Leadline.Home;

public static class HomeFeature
{
    public static IServiceCollection AddHome(this IServiceCollection services) => services.AddScoped<HomeFigures>();
}

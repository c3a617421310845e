using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Leadline.Leads;

public static class LeadsFeature
{
    public static IServiceCollection AddLeads(this IServiceCollection services)
    {
        services.AddOptions<ImportOptions>().BindConfiguration("Leadline:Imports").Validate(o => o.MaxRequestMegabytes > 0, "Leadline:Imports:MaxRequestMegabytes must be positive.")
            .Validate(o => o.JobPollSeconds > 0, "Leadline:Imports:JobPollSeconds must be positive.").ValidateOnStart();
        return services
            .AddScoped<IInterceptor, LeadFlowInterceptor>()
            .AddScoped<IInterceptor, LeadHistoryInterceptor>()
            .AddScoped<LeadChangeNotifier>()
            .AddScoped<IInterceptor>(sp => sp.GetRequiredService<LeadChangeNotifier>())
            .AddScoped<LeadWriter>()
            .AddSingleton<Data.IMigrationStep, PhoneRenormalization>()
            .AddScoped<LeadService>()
            .AddScoped<LeadQueries>()
            .AddScoped<LeadMapper>()
            .AddScoped<LeadImport>()
            .AddSingleton<ImportGate>()
            .AddSingleton<ImportRuns>()
            .AddScoped<ImportJobs>()
            .AddScoped<ImportJobRunner>()
            .AddSingleton<ImportJobSignal>()
            .AddHostedService<ImportJobWorker>()
            .AddScoped<LeadExport>()
            .AddScoped<DemoSeeder>()
            .AddScoped<LeadPhotos>();
    }

    public static void MapLeads(this IEndpointRouteBuilder app, RouteGroupBuilder api)
    {
        api.MapLeadsApi();
        api.MapImportsApi();
        app.MapLeadPages();
        app.MapLeadImportPages();
    }
}

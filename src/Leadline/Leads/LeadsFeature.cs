using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Leadline.Leads;

public static class LeadsFeature
{
    public static IServiceCollection AddLeads(this IServiceCollection services)
    {
        services.AddOptions<Bulk.BulkActionOptions>().BindConfiguration("Leadline:BulkActions");
        services.AddOptions<ImportOptions>().BindConfiguration("Leadline:Imports").Validate(o => o.MaxRequestMegabytes > 0, "Leadline:Imports:MaxRequestMegabytes must be positive.").ValidateOnStart();
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
            .AddScoped<LeadExport>()
            .AddScoped<DemoSeeder>()
            .AddScoped<LeadPhotos>()
            .AddScoped<Bulk.BulkActions>()
            .AddSingleton<Bulk.BulkActionSignal>()
            .AddHostedService<Bulk.BulkActionWorker>();
    }

    public static void MapLeads(this IEndpointRouteBuilder app, RouteGroupBuilder api)
    {
        api.MapLeadsApi();
        app.MapLeadPages();
        app.MapLeadImportPages();
        Bulk.BulkActionEndpoints.MapBulkActions(app, api);
    }
}

using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Leadline.Leads;

public static class LeadsFeature
{
    public static IServiceCollection AddLeads(this IServiceCollection services) =>
        services
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
            .AddScoped<LeadExport>()
            .AddScoped<DemoSeeder>()
            .AddScoped<LeadPhotos>();

    public static void MapLeads(this IEndpointRouteBuilder app, RouteGroupBuilder api)
    {
        api.MapLeadsApi();
        app.MapLeadPages();
        app.MapLeadImportPages();
    }
}

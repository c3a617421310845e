using Leadline.Leads.Changes;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Leadline.Leads;

public static class LeadsFeature
{
    public static IServiceCollection AddLeads(this IServiceCollection services)
    {
        services.AddOptions<Bulk.BulkActionOptions>().BindConfiguration("Leadline:BulkActions");
        services.AddOptions<ImportOptions>().BindConfiguration("Leadline:Imports").Validate(o => o.MaxRequestMegabytes > 0, "Leadline:Imports:MaxRequestMegabytes must be positive.")
            .Validate(o => o.JobPollSeconds > 0, "Leadline:Imports:JobPollSeconds must be positive.").ValidateOnStart();
        return services
            .AddLeadWritePath()
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
            .AddScoped<LeadPhotos>()
            .AddScoped<Bulk.BulkActions>()
            .AddSingleton<Bulk.BulkActionSignal>()
            .AddHostedService<Bulk.BulkActionWorker>();
    }

    /// <summary>
    /// The write path and every <see cref="ILeadReaction"/> of the app (found in the assembly, so a new reaction is one
    /// new file); their order is their <see cref="LeadReactionPhase"/>.
    /// </summary>
    private static IServiceCollection AddLeadWritePath(this IServiceCollection services)
    {
        foreach (var type in typeof(LeadsFeature).Assembly.GetTypes().Where(t => t is { IsClass: true, IsAbstract: false } && t.IsAssignableTo(typeof(ILeadReaction))))
            services.AddScoped(typeof(ILeadReaction), type);
        return services
            .AddScoped<LeadWritePath>()
            .AddScoped<IInterceptor>(sp => sp.GetRequiredService<LeadWritePath>());
    }

    public static void MapLeads(this IEndpointRouteBuilder app, RouteGroupBuilder api)
    {
        api.MapLeadsApi();
        api.MapImportsApi();
        app.MapLeadPages();
        app.MapLeadImportPages();
        Bulk.BulkActionEndpoints.MapBulkActions(app, api);
    }
}

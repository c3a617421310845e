using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Leadline.CustomFields;

/// <summary>Fields a workspace adds to its leads: definitions, their values' index, the settings page.</summary>
public static class CustomFieldsFeature
{
    public static IServiceCollection AddCustomFields(this IServiceCollection services) =>
        services.AddScoped<CustomFieldService>().AddScoped<LeadListColumns>();

    public static void MapCustomFields(this IEndpointRouteBuilder app, RouteGroupBuilder api)
    {
        api.MapCustomFieldsApi();
        app.MapCustomFieldPages();
    }
}

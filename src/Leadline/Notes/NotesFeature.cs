using Leadline.Activities;

namespace Leadline.Notes;

/// <summary>Notes, note templates and activities: what operators record on a lead.</summary>
public static class NotesFeature
{
    public static IServiceCollection AddNotes(this IServiceCollection services) =>
        services.AddScoped<LeadInteractions>().AddScoped<NoteTemplateService>().AddScoped<NoteAttachments>();

    public static void MapNotes(this IEndpointRouteBuilder app, RouteGroupBuilder api)
    {
        api.MapNotesApi();
        api.MapActivitiesApi();
        app.MapNotePages();
    }
}

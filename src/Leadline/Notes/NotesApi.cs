using Leadline.Activities;
using Leadline.Common.Api;

namespace Leadline.Notes;

internal static class NotesApi
{
    public static void MapNotesApi(this RouteGroupBuilder api)
    {
        api.MapGet("/leads/{id:int}/notes", async (int id, LeadInteractions interactions, CancellationToken ct) =>
                await interactions.NotesAsync(id, ct) is { } notes ? Results.Ok(new Page<NoteResponse>(notes, null, notes.Count)) : ApiResults.NotFound("No such lead."))
            .WithTags("Notes").WithName("ListNotes").RequirePermission(Permission.LeadsRead);
        api.MapPost("/leads/{id:int}/notes", async (int id, NoteRequest request, LeadInteractions interactions, CancellationToken ct) =>
            {
                var result = await interactions.AddNoteAsync(id, request, ct);
                return result.Succeeded ? Results.Created($"/api/v1/leads/{id}/notes", result.Value) : ApiResults.Problem(result);
            })
            .WithTags("Notes").WithName("CreateNote").RequirePermission(Permission.LeadsWrite);

        var templates = api.MapGroup("/note-templates").WithTags("Note templates");
        templates.MapGet("/", async (NoteTemplateService service, CancellationToken ct) =>
        {
            var items = await service.ListAsync(ct);
            return Results.Ok(new Page<NoteTemplateResponse>(items, null, items.Count));
        }).WithName("ListNoteTemplates").RequirePermission(Permission.LeadsRead);
        templates.MapGet("/{id:int}", async (int id, NoteTemplateService service, CancellationToken ct) =>
            await service.GetAsync(id, ct) is { } t ? Results.Ok(t) : ApiResults.NotFound("No such note template.")).WithName("GetNoteTemplate").RequirePermission(Permission.LeadsRead);
        templates.MapPost("/", async (NoteTemplateRequest request, NoteTemplateService service, CancellationToken ct) =>
        {
            var result = await service.CreateAsync(request, ct);
            return result.Succeeded ? Results.Created($"/api/v1/note-templates/{result.Value!.Id}", result.Value) : ApiResults.Problem(result);
        }).WithName("CreateNoteTemplate").RequirePermission(Permission.NoteTemplatesManage);
        templates.MapPut("/{id:int}", async (int id, NoteTemplateRequest request, NoteTemplateService service, CancellationToken ct) =>
        {
            var result = await service.UpdateAsync(id, request, ct);
            return result.Succeeded ? Results.Ok(result.Value) : ApiResults.Problem(result);
        }).WithName("UpdateNoteTemplate").RequirePermission(Permission.NoteTemplatesManage);
        templates.MapDelete("/{id:int}", async (int id, NoteTemplateService service, CancellationToken ct) =>
            await service.DeleteAsync(id, ct) ? Results.NoContent() : ApiResults.NotFound("No such note template.")).WithName("DeleteNoteTemplate").RequirePermission(Permission.NoteTemplatesManage);
    }
}

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
        // photos and files on a note: multipart "file" (one or more) → 201 with the stored attachments
        api.MapPost("/leads/{id:int}/notes/{noteId:int}/attachments", async (int id, int noteId, HttpRequest request, NoteAttachments attachments, CancellationToken ct) =>
            {
                if (!request.HasFormContentType)
                    return ApiResults.Problem(Result<object>.Invalid("file", "Send the files as multipart/form-data, in the field \"file\"."));
                var form = await request.ReadFormAsync(ct);
                var result = await attachments.AttachAsync(id, noteId, form.Files.GetFiles("file"), ct);
                return result.Succeeded ? Results.Created($"/api/v1/leads/{id}/notes", result.Value) : ApiResults.Problem(result);
            })
            .Accepts<IFormFile>("multipart/form-data").DisableAntiforgery()
            .WithTags("Notes").WithName("AttachToNote").RequirePermission(Permission.LeadsWrite);
        api.MapGet("/leads/{id:int}/notes/attachments/{attachmentId:int}", async (int id, int attachmentId, NoteAttachments attachments, CancellationToken ct) =>
                await attachments.OpenAsync(id, attachmentId, ct) is { } file ? NoteAttachments.Download(file) : ApiResults.NotFound("No such attachment."))
            .WithTags("Notes").WithName("DownloadNoteAttachment").RequirePermission(Permission.LeadsRead);

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

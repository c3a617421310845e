using Leadline.Common.Forms;
using System.Globalization;
using Leadline.Activities;
using Leadline.Common.Api;
using Leadline.Identity;
using Leadline.Leads;

namespace Leadline.Notes;

/// <summary>Form posts of the lead page's Notes and Activities tabs and of Settings → Note templates (post, then redirect back).</summary>
internal static class NotePageEndpoints
{
    public static void MapNotePages(this IEndpointRouteBuilder app)
    {
        var leads = app.MapGroup("/leads/{id:int}").RequirePermission(Permission.LeadsWrite);
        leads.MapPost("/notes", async (int id, HttpRequest request, NoteAttachments attachments, CancellationToken ct) =>
        {
            var form = await request.ReadFormAsync(ct);
            var files = form.Files.GetFiles("files").Where(f => f.Length > 0 || f.FileName.Length > 0).ToList();
            var result = await attachments.AddNoteAsync(id, new NoteRequest(form["text"], FormValues.Number(form["templateId"]), FormValues.Text(form["outcome"]), FormValues.Number(form["parentId"])), files, ct);
            return Back(id, "notes", result);
        });
        // a note's photo or file, for the workspace's signed-in users only (another workspace's id is not found)
        app.MapGet("/leads/{id:int}/attachments/{attachmentId:int}", async (int id, int attachmentId, NoteAttachments attachments, CancellationToken ct) =>
            await attachments.OpenAsync(id, attachmentId, ct) is { } file ? NoteAttachments.Download(file) : Results.NotFound())
            .RequirePermission(Permission.LeadsRead);
        leads.MapPost("/activities", async (int id, HttpRequest request, LeadInteractions interactions, LeadService service, CancellationToken ct) =>
        {
            var form = await request.ReadFormAsync(ct);
            var (activity, error) = await ReadActivityAsync(form, service, ct);
            if (error is not null)
                return Flash.Redirect($"/leads/{id}?tab=activities", error);
            var result = await interactions.AddActivityAsync(id, activity!, ct);
            return Back(id, "activities", result);
        });
        app.MapPost("/activities/{id:int}/done", async (int id, LeadInteractions interactions, CancellationToken ct) =>
        {
            var result = await interactions.CompleteActivityAsync(id, ct);
            return result.NotFound ? Results.Redirect("/leads") : Back(result.Value?.LeadId ?? 0, "activities", result);
        }).RequirePermission(Permission.LeadsWrite);

        var templates = app.MapGroup("/settings/note-templates").RequirePermission(Permission.NoteTemplatesManage)
            ;
        templates.MapPost("/new", async (HttpRequest request, NoteTemplateService service, CancellationToken ct) =>
            TemplatesBack(await service.CreateAsync(ReadTemplate(await request.ReadFormAsync(ct)), ct)));
        templates.MapPost("/{templateId:int}", async (int templateId, HttpRequest request, NoteTemplateService service, CancellationToken ct) =>
            TemplatesBack(await service.UpdateAsync(templateId, ReadTemplate(await request.ReadFormAsync(ct)), ct)));
        templates.MapPost("/{templateId:int}/delete", async (int templateId, NoteTemplateService service, CancellationToken ct) =>
            await service.DeleteAsync(templateId, ct) ? Results.Redirect("/settings/note-templates?saved=1") : Flash.Redirect("/settings/note-templates", "No such template."));
    }

    /// <summary>The activity forms (Log call, Send e-mail, Schedule, and the work queue's call form) as an <see cref="ActivityRequest"/>.</summary>
    public static async Task<(ActivityRequest? Request, string? Error)> ReadActivityAsync(IFormCollection form, LeadService service, CancellationToken ct)
    {
        DateTime? dueAt = null;
        if (FormValues.Text(form["dueAt"]) is { } due)
        {
            if (!DateTime.TryParse(due, CultureInfo.InvariantCulture, DateTimeStyles.None, out var local))
                return (null, "The due time is not a date and time.");
            dueAt = (await service.ClockAsync(ct)).ToUtc(local);
        }
        int? seconds = null;
        if (FormValues.Text(form["durationMinutes"]) is { } minutes)
        {
            if (!double.TryParse(minutes, NumberStyles.Float, CultureInfo.InvariantCulture, out var m) || m < 0 || m > 24 * 60)
                return (null, "The duration must be a number of minutes from 0 to 1,440.");
            seconds = (int)Math.Round(m * 60);
        }
        return (new ActivityRequest(form["type"], FormValues.Text(form["subject"]), dueAt, null, FormValues.Text(form["outcome"]), seconds,
            FormValues.Text(form["note"]), FormValues.Number(form["templateId"])), null);
    }

    private static NoteTemplateRequest ReadTemplate(IFormCollection form) => new(
        form["title"], form["text"],
        form["tags"].ToString().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList(),
        FormValues.Text(form["outcome"]), form["closesLead"].ToString() is "on" or "true");

    private static IResult TemplatesBack<T>(Result<T> result) =>
        result.Succeeded ? Results.Redirect("/settings/note-templates?saved=1")
            : Flash.Redirect("/settings/note-templates", result.NotFound ? "No such template." : string.Join(" ", result.Errors.All));

    private static IResult Back<T>(int leadId, string tab, Result<T> result)
    {
        if (result.NotFound)
            return Results.Redirect("/leads");
        var error = result.Conflict ?? (result.Errors.Any ? string.Join(" ", result.Errors.All) : null);
        return error is null ? Results.Redirect($"/leads/{leadId}?tab={tab}&saved=1") : Flash.Redirect($"/leads/{leadId}?tab={tab}", error);
    }
}

using Leadline.Common.Forms;
using Leadline.Activities;
using Leadline.Identity;
using Leadline.Leads;
using Leadline.Notes;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Leadline.Queue;

/// <summary>The work queue's form posts: record a call (with a predefined note) and go to the next lead; the queue settings.</summary>
internal static class QueuePageEndpoints
{
    public static void MapQueuePages(this IEndpointRouteBuilder app)
    {
        app.MapPost("/queue/{id:int}/call", RecordCallAsync).RequirePermission(Permission.LeadsWrite);

        app.MapGet("/queue/next", async (WorkQueueService queue, CancellationToken ct) =>
            await queue.NextAsync(null, ct) is { } next ? Results.Redirect($"/queue/work/{next}") : Results.Redirect("/queue?done=1")).RequirePermission(Permission.LeadsRead);

        app.MapPost("/settings/queue/save", async (HttpRequest request, QueueSettingsService settings, CancellationToken ct) =>
        {
            var form = await request.ReadFormAsync(ct);
            var hours = FormValues.Number(form["releaseHours"]) ?? (string.IsNullOrWhiteSpace(form["releaseHours"]) ? null : -1);
            var result = await settings.SaveAsync(new QueueSettingsInput(
                form["reservationRoles"].Select(r => r ?? "").ToList(),
                hours,
                form["listIds"].Select(FormValues.Number).Select(i => i ?? -1).ToList(),
                form["fields"].Select(f => f ?? "").ToList()), ct);
            return result.Succeeded ? Results.Redirect("/settings/queue?saved=1") : Flash.Redirect("/settings/queue", string.Join(" ", result.Errors.All));
        }).RequirePermission(Permission.QueueSettingsManage);
    }

    private static async Task<Results<RedirectHttpResult, Flash.FlashRedirect>> RecordCallAsync(int id, HttpRequest request, LeadInteractions interactions, LeadService leads, WorkQueueService queue, CancellationToken ct)
    {
        var form = await request.ReadFormAsync(ct);
        var (activity, error) = await NotePageEndpoints.ReadActivityAsync(form, leads, ct);
        if (error is null)
        {
            var result = await interactions.AddActivityAsync(id, activity! with { Type = form["type"].ToString() is { Length: > 0 } t ? t : "call" }, ct);
            if (result.NotFound)
                return TypedResults.Redirect("/queue");
            error = result.Succeeded ? null : string.Join(" ", result.Errors.All);
        }
        if (error is not null)
            return Flash.Redirect($"/queue/work/{id}", error);
        // "Save" stays on the lead; "Save and next" moves on to the top of the queue
        if (form["then"] != "next")
            return TypedResults.Redirect($"/queue/work/{id}?saved=1");
        return await queue.NextAsync(id, ct) is { } next ? TypedResults.Redirect($"/queue/work/{next}?saved=1") : TypedResults.Redirect("/queue?done=1");
    }
}

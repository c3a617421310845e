using Leadline.Common.Api;

namespace Leadline.Reminders;

internal static class RemindersApi
{
    public static void MapRemindersApi(this RouteGroupBuilder api)
    {
        api.MapGet("/leads/{id:int}/reminders", ListAsync).WithTags("Reminders").WithName("ListReminders").RequirePermission(Permission.LeadsRead);
        api.MapPost("/leads/{id:int}/reminders", CreateAsync).WithTags("Reminders").WithName("CreateReminder").RequirePermission(Permission.LeadsWrite);
        api.MapDelete("/reminders/{id:int}", CancelAsync).WithTags("Reminders").WithName("CancelReminder").RequirePermission(Permission.LeadsWrite);
        api.MapPost("/reminders/{id:int}/done", CompleteAsync).WithTags("Reminders").WithName("CompleteReminder").RequirePermission(Permission.LeadsWrite);
    }

    private static async Task<IResult> ListAsync(int id, ReminderService reminders, CancellationToken ct) =>
        await reminders.ListAsync(id, ct) is { } items
            ? TypedResults.Ok(new Page<ReminderResponse>(items, null, items.Count))
            : ApiResults.NotFound("No such lead.");

    private static async Task<IResult> CreateAsync(int id, ReminderRequest request, ReminderService reminders, CancellationToken ct)
    {
        var result = await reminders.CreateAsync(id, request, ct);
        return result.Succeeded ? TypedResults.Created($"/api/v1/leads/{id}/reminders", result.Value) : ApiResults.Problem(result);
    }

    private static async Task<IResult> CancelAsync(int id, ReminderService reminders, CancellationToken ct)
    {
        var result = await reminders.CancelAsync(id, ct);
        return result.Succeeded ? TypedResults.Ok(result.Value) : ApiResults.Problem(result);
    }

    private static async Task<IResult> CompleteAsync(int id, ReminderService reminders, CancellationToken ct)
    {
        var result = await reminders.CompleteAsync(id, ct);
        return result.Succeeded ? TypedResults.Ok(result.Value) : ApiResults.Problem(result);
    }
}

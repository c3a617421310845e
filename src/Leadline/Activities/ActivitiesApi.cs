using Leadline.Common.Api;

namespace Leadline.Activities;

internal static class ActivitiesApi
{
    public static void MapActivitiesApi(this RouteGroupBuilder api)
    {
        api.MapGet("/leads/{id:int}/activities", async (int id, LeadInteractions interactions, CancellationToken ct) =>
                await interactions.ActivitiesAsync(id, ct) is { } items ? Results.Ok(new Page<ActivityResponse>(items, null, items.Count)) : ApiResults.NotFound("No such lead."))
            .WithTags("Activities").WithName("ListActivities").RequirePermission(Permission.LeadsRead);
        api.MapPost("/leads/{id:int}/activities", async (int id, ActivityRequest request, LeadInteractions interactions, CancellationToken ct) =>
            {
                var result = await interactions.AddActivityAsync(id, request, ct);
                return result.Succeeded ? Results.Created($"/api/v1/leads/{id}/activities", result.Value) : ApiResults.Problem(result);
            })
            .WithTags("Activities").WithName("CreateActivity").RequirePermission(Permission.LeadsWrite);
        api.MapPost("/activities/{id:int}/done", async (int id, LeadInteractions interactions, CancellationToken ct) =>
            {
                var result = await interactions.CompleteActivityAsync(id, ct);
                return result.Succeeded ? Results.Ok(result.Value) : ApiResults.Problem(result);
            })
            .WithTags("Activities").WithName("CompleteActivity").RequirePermission(Permission.LeadsWrite);
    }
}

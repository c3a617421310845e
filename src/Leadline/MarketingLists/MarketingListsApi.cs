using Leadline.Common.Api;

namespace Leadline.MarketingLists;

internal static class MarketingListsApi
{
    public sealed record CreateListRequest(string? Name);

    public sealed record AddLeadsRequest(List<int>? LeadIds);

    public static void MapMarketingListsApi(this RouteGroupBuilder api)
    {
        var lists = api.MapGroup("/lists").WithTags("Marketing lists").RequirePermission(Permission.LeadsWrite);
        lists.MapGet("/", async (MarketingListService service, CancellationToken ct) =>
        {
            var items = await service.ListAsync(ct);
            return Results.Ok(new Page<MarketingListResponse>(items, null, items.Count));
        }).WithName("ListMarketingLists");
        lists.MapPost("/", async (CreateListRequest request, MarketingListService service, CancellationToken ct) =>
        {
            var result = await service.CreateAsync(request.Name, ct);
            return result.Succeeded ? Results.Created($"/api/v1/lists/{result.Value!.Id}", result.Value) : ApiResults.Problem(result);
        }).WithName("CreateMarketingList");
        lists.MapDelete("/{id:int}", async (int id, MarketingListService service, CancellationToken ct) =>
            await service.DeleteAsync(id, ct) ? Results.NoContent() : ApiResults.NotFound("No such list.")).WithName("DeleteMarketingList");
        lists.MapPost("/{id:int}/leads", async (int id, AddLeadsRequest request, MarketingListService service, CancellationToken ct) =>
        {
            if (request.LeadIds is not { Count: > 0 })
                return Results.ValidationProblem(new Dictionary<string, string[]> { ["leadIds"] = ["Give the ids of the leads to add."] });
            return await service.AddAsync(id, request.LeadIds, ct) is { } added ? Results.Ok(new { added }) : ApiResults.NotFound("No such list.");
        }).WithName("AddLeadsToList");
        lists.MapDelete("/{id:int}/leads/{leadId:int}", async (int id, int leadId, MarketingListService service, CancellationToken ct) =>
            await service.RemoveAsync(id, leadId, ct) ? Results.NoContent() : ApiResults.NotFound("The lead is not on this list.")).WithName("RemoveLeadFromList");
    }
}

using Leadline.Common.Api;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Leadline.CustomFields;

internal static class CustomFieldsApi
{
    public static void MapCustomFieldsApi(this RouteGroupBuilder api)
    {
        var fields = api.MapGroup("/custom-fields").WithTags("Custom fields");
        fields.MapGet("/", ListAsync).WithName("ListCustomFields").RequirePermission(Permission.LeadsRead);
        fields.MapGet("/{id:int}", GetAsync).WithName("GetCustomField").RequirePermission(Permission.LeadsRead);
        fields.MapPost("/", CreateAsync).WithName("CreateCustomField").RequirePermission(Permission.CustomFieldsManage);
        fields.MapPatch("/{id:int}", UpdateAsync).WithName("UpdateCustomField").RequirePermission(Permission.CustomFieldsManage);
        fields.MapDelete("/{id:int}", DeleteAsync).WithName("DeleteCustomField").RequirePermission(Permission.CustomFieldsManage);
    }

    private static async Task<Ok<Page<CustomFieldResponse>>> ListAsync(CustomFieldService service, CancellationToken ct)
    {
        var items = (await service.ListAsync(ct)).Select(CustomFieldService.ToResponse).ToList();
        return TypedResults.Ok(new Page<CustomFieldResponse>(items, null, items.Count));
    }

    private static async Task<Results<Ok<CustomFieldResponse>, ProblemHttpResult>> GetAsync(int id, CustomFieldService service, CancellationToken ct) =>
        await service.FindAsync(id, ct) is { } field ? TypedResults.Ok(CustomFieldService.ToResponse(field)) : ApiResults.NotFound("No such custom field.");

    private static async Task<IResult> CreateAsync(CustomFieldRequest request, CustomFieldService service, CancellationToken ct)
    {
        var result = await service.CreateAsync(request, ct);
        return result.Succeeded
            ? TypedResults.Created($"/api/v1/custom-fields/{result.Value!.Id}", CustomFieldService.ToResponse(result.Value))
            : ApiResults.Problem(result);
    }

    private static async Task<IResult> UpdateAsync(int id, CustomFieldRequest request, CustomFieldService service, CancellationToken ct)
    {
        var result = await service.UpdateAsync(id, request, ct);
        return result.Succeeded ? TypedResults.Ok(CustomFieldService.ToResponse(result.Value!)) : ApiResults.Problem(result);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(int id, CustomFieldService service, CancellationToken ct) =>
        await service.DeleteAsync(id, ct) ? TypedResults.NoContent() : ApiResults.NotFound("No such custom field.");
}

using Leadline.Common.Forms;

namespace Leadline.CustomFields;

/// <summary>Form posts of Settings → Custom fields that need no form of their own: reorder and delete (post, then redirect back).</summary>
internal static class CustomFieldPageEndpoints
{
    private const string Page = "/settings/custom-fields";

    public static void MapCustomFieldPages(this IEndpointRouteBuilder app)
    {
        var fields = app.MapGroup(Page).RequirePermission(Permission.CustomFieldsManage);
        fields.MapPost("/{id:int}/move", async (int id, HttpRequest request, CustomFieldService service, CancellationToken ct) =>
        {
            var form = await request.ReadFormAsync(ct);
            return await service.MoveAsync(id, FormValues.Number(form["direction"]) ?? 0, ct) ? Results.Redirect(Page + "?saved=1") : Flash.Redirect(Page, "No such field.");
        });
        fields.MapPost("/{id:int}/delete", async (int id, CustomFieldService service, CancellationToken ct) =>
            await service.DeleteAsync(id, ct) ? Results.Redirect(Page + "?saved=1") : Flash.Redirect(Page, "No such field."));

        // the lead list's column chooser: the ticked columns, then back to the list as it was
        app.MapPost("/leads/columns", async (HttpRequest request, LeadListColumns columns, CancellationToken ct) =>
        {
            var form = await request.ReadFormAsync(ct);
            await columns.SaveAsync(form["columns"].Where(c => c is not null).Select(c => c!), ct);
            var back = form["back"].ToString();
            return Results.Redirect(back.StartsWith("/leads", StringComparison.Ordinal) && !back.StartsWith("//", StringComparison.Ordinal) ? back : "/leads");
        }).RequirePermission(Permission.LeadsRead);
    }
}

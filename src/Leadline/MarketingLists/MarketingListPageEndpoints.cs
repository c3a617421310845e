using Leadline.Common.Forms;
using Leadline.Leads;
using Leadline.Notes;

namespace Leadline.MarketingLists;

/// <summary>Form posts of the Lists page, the lead page's list card and the Leads page's "add matching leads to a list".</summary>
internal static class MarketingListPageEndpoints
{
    public static void MapMarketingListPages(this IEndpointRouteBuilder app)
    {
        var lists = app.MapGroup("/lists").RequirePermission(Permission.LeadsWrite);
        lists.MapPost("/new", async (HttpRequest request, MarketingListService service, CancellationToken ct) =>
        {
            var result = await service.CreateAsync((await request.ReadFormAsync(ct))["name"], ct);
            return result.Succeeded ? Results.Redirect("/lists?saved=1") : Flash.Redirect("/lists", string.Join(" ", result.Errors.All));
        });
        lists.MapPost("/{id:int}/delete", async (int id, MarketingListService service, CancellationToken ct) =>
            await service.DeleteAsync(id, ct) ? Results.Redirect("/lists?saved=1") : Flash.Redirect("/lists", "No such list."));

        // one lead: from the lead page
        lists.MapPost("/members", async (HttpRequest request, MarketingListService service, CancellationToken ct) =>
        {
            var form = await request.ReadFormAsync(ct);
            var leadId = FormValues.Number(form["leadId"]) ?? 0;
            var listId = FormValues.Number(form["listId"]);
            if (listId is null)
                return Flash.Redirect($"/leads/{leadId}", "Choose a list.");
            var added = form["remove"] == "1" ? (await service.RemoveAsync(listId.Value, leadId, ct) ? 1 : 0) : await service.AddAsync(listId.Value, [leadId], ct);
            return added is null ? Flash.Redirect($"/leads/{leadId}", "No such list.") : Results.Redirect($"/leads/{leadId}?saved=1");
        });

        // every lead of the Leads page's current filter
        lists.MapPost("/add-matching", AddMatchingAsync);
    }

    private static async Task<Flash.FlashRedirect> AddMatchingAsync(HttpRequest request, MarketingListService service, LeadService leads, LeadQueries queries, CancellationToken ct)
    {
        var form = await request.ReadFormAsync(ct);
        var query = form["filter"].ToString();
        var (filter, errors) = await queries.ParseAsync(new QueryCollection(Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(query)), ct);
        var back = "/leads" + (query.Length > 0 ? "?" + query.TrimStart('?') : "");
        if (errors.Any)
            return Flash.Redirect(back, string.Join(" ", errors.All));
        if (FormValues.Number(form["listId"]) is not { } listId)
            return Flash.Redirect(back, "Choose a list.");
        var added = await service.AddMatchingAsync(listId, filter, leads.CurrentUserId, await leads.ClockAsync(ct), ct);
        var message = added is null ? "No such list." : $"{added:N0} leads added to the list.";
        return Flash.Redirect(back, message);
    }
}

using Leadline.Common.Forms;
using Leadline.Duplicates.Pages;
using Leadline.Leads;
using Leadline.Notes;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Leadline.Duplicates;

internal static class DuplicatePageEndpoints
{
    public static void MapDuplicatePages(this IEndpointRouteBuilder app)
    {
        // the lead form's live warnings (htmx posts the whole form; field names carry the form model's "Model." prefix)
        app.MapPost("/leads/duplicate-warnings", DuplicateWarningsAsync).RequirePermission(Permission.LeadsWrite);

        app.MapPost("/leads/duplicates/run", async (DuplicateSweeper sweeper, CancellationToken ct) =>
        {
            await sweeper.StartAsync(ct);
            return Results.Redirect("/leads/duplicates");
        }).RequirePermission(Permission.DuplicateSweep);
        app.MapGet("/leads/duplicates/progress", SweepProgressAsync).RequirePermission(Permission.DuplicateSweep);
        app.MapPost("/leads/duplicates/groups/{id:int}/dismiss", async (int id, DuplicateSweeper sweeper, CancellationToken ct) =>
            Results.Redirect(await sweeper.DismissAsync(id, ct) ? "/leads/duplicates?dismissed=1" : "/leads/duplicates"))
            .RequirePermission(Permission.DuplicateSweep);

        // the merge page's form: survivor, the merged ids, and choice.{field} = the lead whose value stays
        app.MapPost("/leads/merge/save", MergeAsync).RequirePermission(Permission.Merge);
    }

    private static async Task<Results<StatusCodeHttpResult, RazorComponentResult<DuplicateWarnings>>> DuplicateWarningsAsync(HttpRequest request, DuplicateFinder finder, CancellationToken ct)
    {
        IFormCollection form;
        try
        {
            form = await request.ReadFormAsync(ct);
        }
        catch (Microsoft.AspNetCore.Http.BadHttpRequestException)
        {
            // the browser left the page (the form was saved) while the debounced check was still sending: nobody waits for it
            return TypedResults.StatusCode(StatusCodes.Status400BadRequest);
        }
        string? F(string name) => FormValues.Text(form[$"Model.{name}"].ToString() is { Length: > 0 } v ? v : form[name].ToString());
        var check = new DuplicateCheckRequest(F("Name"), F("Company"), F("Email"), F("Phone"), F("Mobile"), F("Website"),
            DateOnly.TryParse(F("DateOfBirth"), System.Globalization.CultureInfo.InvariantCulture, out var born) ? born : null,
            new AddressInput { Street = F("Street"), City = F("City"), State = F("State"), PostalCode = F("PostalCode"), Country = F("Country") },
            FormValues.Number(form["excludeId"]));
        var matches = check.Name is null && check.Email is null && check.Phone is null && check.Mobile is null ? [] : await finder.CheckAsync(check, ct);
        return new RazorComponentResult<DuplicateWarnings>(new { Matches = matches });
    }

    private static async Task<RazorComponentResult<SweepProgress>> SweepProgressAsync(HttpContext http, DuplicateSweeper sweeper, Leads.LeadService leads, CancellationToken ct)
    {
        var run = await sweeper.LatestAsync(ct);
        var clock = await leads.ClockAsync(ct);
        if (run?.Status is not (SweepStatus.Done or SweepStatus.Failed))
            return new RazorComponentResult<SweepProgress>(new { Run = run, Clock = clock });
        // finished: 286 stops htmx polling, and the event makes site.js reload the page once to show the groups
        // (HX-Refresh would reload before the polling stops, and a second poll's reload aborts the first)
        http.Response.Headers["HX-Trigger"] = "sweep-finished";
        return new RazorComponentResult<SweepProgress>(new { Run = run, Clock = clock }) { StatusCode = 286 };
    }

    private static async Task<Results<RedirectHttpResult, Flash.FlashRedirect>> MergeAsync(HttpRequest request, LeadMerger merger, CancellationToken ct)
    {
        var form = await request.ReadFormAsync(ct);
        var ids = form["ids"].Select(FormValues.Number).Where(i => i is not null).Select(i => i!.Value).ToList();
        var survivor = FormValues.Number(form["survivor"]) ?? 0;
        var choices = form.Keys.Where(k => k.StartsWith("choice.", StringComparison.Ordinal))
            .Select(k => (Field: k["choice.".Length..], Source: FormValues.Number(form[k])))
            .Where(c => c.Source is not null).ToDictionary(c => c.Field, c => c.Source!.Value);
        var result = await merger.MergeAsync(survivor, new MergeRequest(ids.Where(i => i != survivor).ToList(), choices), ct);
        if (result.Succeeded)
            return TypedResults.Redirect($"/leads/{survivor}?tab=history&saved=1");
        var error = result.NotFound ? "The surviving lead no longer exists." : result.Conflict ?? result.Stale ?? string.Join(" ", result.Errors.All);
        var query = string.Join("&", ids.Select(i => $"ids={i}"));
        return Flash.Redirect($"/leads/merge?{query}", error);
    }
}

using Leadline.Common.Forms;
using Leadline.Data;
using Leadline.Leads;

namespace Leadline.Reviews;

/// <summary>The lead page's outcome and review buttons, Settings → Reviews, and the customer's tracked link.</summary>
internal static class ReviewPageEndpoints
{
    public static void MapReviewPages(this IEndpointRouteBuilder app)
    {
        var leads = app.MapGroup("/leads/{id:int}").RequirePermission(Permission.LeadsWrite);
        leads.MapPost("/outcome", async (int id, HttpRequest request, JobOutcomes outcomes, CancellationToken ct) =>
        {
            var form = await request.ReadFormAsync(ct);
            var result = await outcomes.MarkAsync(id, FormValues.Text(form["outcome"]), ct);
            if (result.NotFound)
                return Results.Redirect("/leads");
            if (!result.Succeeded)
                return Flash.Redirect($"/leads/{id}", string.Join(" ", result.Errors.All));
            // the review status badge shows a request that went out; one that did not says why
            return result.Value!.Review?.Refused is { } refused
                ? Flash.Redirect($"/leads/{id}", $"Outcome saved, but no review request: {refused.Message}")
                : Results.Redirect($"/leads/{id}?saved=1");
        });
        leads.MapPost("/review-request", async (int id, ReviewRequests reviews, CancellationToken ct) =>
        {
            var outcome = await reviews.RequestAsync(id, null, ReviewTrigger.Manual, ct);
            if (outcome.Refused is { Code: "notFound" })
                return Results.Redirect("/leads");
            return outcome.Refused is { } refused ? Flash.Redirect($"/leads/{id}", $"No review request: {refused.Message}") : Results.Redirect($"/leads/{id}?saved=1");
        });
        leads.MapPost("/review-request/completed", async (int id, ReviewRequests reviews, CancellationToken ct) =>
        {
            var result = await reviews.SetStatusAsync(id, ReviewRequestStatus.Completed, ct);
            if (result.NotFound)
                return Results.Redirect("/leads");
            return result.Conflict is { } conflict ? Flash.Redirect($"/leads/{id}", conflict) : Results.Redirect($"/leads/{id}?saved=1");
        });

        app.MapPost("/settings/reviews/save", async (HttpRequest request, ReviewSettingsService service, CancellationToken ct) =>
        {
            var form = await request.ReadFormAsync(ct);
            var result = await service.SaveAsync(new ReviewSettingsRequest
            {
                ReviewLink = form["reviewLink"], PeriodDays = FormValues.Number(form["periodDays"]), AutoOnWon = form["autoOnWon"].ToString() is "on" or "true",
                TemplateName = form["templateName"], TemplateLanguage = form["templateLanguage"], TemplateParameters = form["templateParameters"],
                Text = form["text"], Subject = form["subject"],
            }, ct);
            return result.Succeeded ? Results.Redirect("/settings/reviews?saved=1") : Flash.Redirect("/settings/reviews", string.Join(" ", result.Errors.All));
        }).RequirePermission(Permission.WorkspaceManage);

        // the customer's link: public, found by its unguessable token alone; a click is recorded, then on to the review page
        app.MapGet(ReviewRequests.LinkPath + "{token}", async (string token, ReviewRequests reviews, WorkspaceScope scope, CancellationToken ct) =>
            await reviews.ClickAsync(token, scope, ct) is { } link ? Results.Redirect(link) : Results.NotFound())
            .AllowAnonymous().ExcludeFromDescription();
    }
}

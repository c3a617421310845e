using Leadline.Notes;

namespace Leadline.Duplicates;

internal static class DuplicatePageEndpoints
{
    public static void MapDuplicatePages(this IEndpointRouteBuilder app)
    {
        // the merge page's form: survivor, the merged ids, and choice.{field} = the lead whose value stays
        app.MapPost("/leads/merge/save", async (HttpRequest request, LeadMerger merger, CancellationToken ct) =>
        {
            var form = await request.ReadFormAsync(ct);
            var ids = form["ids"].Select(NotePageEndpoints.Int).Where(i => i is not null).Select(i => i!.Value).ToList();
            var survivor = NotePageEndpoints.Int(form["survivor"]) ?? 0;
            var choices = form.Keys.Where(k => k.StartsWith("choice.", StringComparison.Ordinal))
                .Select(k => (Field: k["choice.".Length..], Source: NotePageEndpoints.Int(form[k])))
                .Where(c => c.Source is not null).ToDictionary(c => c.Field, c => c.Source!.Value);
            var result = await merger.MergeAsync(survivor, new MergeRequest(ids.Where(i => i != survivor).ToList(), choices), ct);
            if (result.Succeeded)
                return Results.Redirect($"/leads/{survivor}?tab=history&saved=1");
            var error = result.NotFound ? "The surviving lead no longer exists." : result.Stale ?? string.Join(" ", result.Errors.All);
            var query = string.Join("&", ids.Select(i => $"ids={i}"));
            return Results.Redirect($"/leads/merge?{query}&error={Uri.EscapeDataString(error)}");
        }).RequireAuthorization().AddEndpointFilter<Common.Security.ValidateAntiforgeryFilter>();
    }
}

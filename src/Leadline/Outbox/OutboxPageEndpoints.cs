using Leadline.Common.Forms;

namespace Leadline.Outbox;

/// <summary>Form posts of Settings → Outbox: retry a failed message (post, then back to the page).</summary>
internal static class OutboxPageEndpoints
{
    private const string Page = "/settings/outbox";

    public static void MapOutboxPages(this IEndpointRouteBuilder app)
    {
        var outbox = app.MapGroup(Page).RequirePermission(Permission.OutboxManage);
        outbox.MapPost("/{id:long}/retry", async (long id, OutboxService service, CancellationToken ct) =>
        {
            var result = await service.RetryAsync(id, ct);
            return Flash.Redirect(Page, result.Succeeded ? $"Message #{id} will be sent again now." : result.Conflict ?? "No such message.");
        });
    }
}

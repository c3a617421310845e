using Leadline.Data;
using Microsoft.EntityFrameworkCore;

namespace Leadline.Common;

internal static class HealthEndpoints
{
    /// <summary><c>GET /health</c>: 200 when the database answers, 503 otherwise. No auth, for load balancers.</summary>
    public static void MapHealth(this IEndpointRouteBuilder app) =>
        app.MapGet("/health", async (LeadlineDb db, CancellationToken ct) =>
        {
            bool up;
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
                timeout.CancelAfter(TimeSpan.FromSeconds(5));
                up = await db.Database.CanConnectAsync(timeout.Token);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                up = false;
            }
            return up
                ? Results.Json(new { status = "ok" })
                : Results.Json(new { status = "unavailable", detail = "The database is unreachable." }, statusCode: StatusCodes.Status503ServiceUnavailable);
        }).AllowAnonymous().WithName("Health").DisableAntiforgery();
}

using Leadline.Data;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Leadline.Common;

internal static class HealthEndpoints
{
    /// <summary><c>GET /health</c>: 200 when the database answers, 503 otherwise. No auth, for load balancers.</summary>
    public static void MapHealth(this IEndpointRouteBuilder app) =>
        app.MapGet("/health", HealthAsync).AllowAnonymous().WithName("Health").DisableAntiforgery();

    public sealed record HealthResponse(string Status, [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] string? Detail = null);

    private static async Task<JsonHttpResult<HealthResponse>> HealthAsync(LeadlineDb db, CancellationToken ct)
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
            ? TypedResults.Json(new HealthResponse("ok"))
            : TypedResults.Json(new HealthResponse("unavailable", "The database is unreachable."), statusCode: StatusCodes.Status503ServiceUnavailable);
    }
}

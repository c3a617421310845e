using Leadline.Common.Api;
using Leadline.Conversations;
using Leadline.Leads;

namespace Leadline.Reviews;

public sealed record ReviewRequestBody(int? ChannelId);

public sealed record ReviewStatusBody(string? Status);

public sealed record JobOutcomeBody(string? Outcome);

public sealed record ReviewRequestSentResponse(int Id, int LeadId, ReviewRequestStatus Status, DateTime SentAt, DateTime? ClickedAt, DateTime? CompletedAt, long? MessageId, int? ChannelId, ReviewTrigger Trigger);

public sealed record JobOutcomeResponse(int LeadId, JobOutcome Outcome, DateTime? At, ReviewRequestSentResponse? ReviewRequest, SendRefusal? ReviewRefused);

/// <summary>
/// <c>POST /api/v1/leads/{id}/review-request</c> (API.md) and what goes with it: marking the job's outcome, moving the
/// request's status by hand, the workspace's review settings.
/// </summary>
internal static class ReviewsApi
{
    public static void MapReviewsApi(this RouteGroupBuilder api)
    {
        var leads = api.MapGroup("/leads/{id:int}").WithTags("Reviews");
        leads.MapPost("/review-request", RequestAsync).WithName("RequestReview").RequirePermission(Permission.LeadsWrite);
        leads.MapPatch("/review-request", SetStatusAsync).WithName("SetReviewRequestStatus").RequirePermission(Permission.LeadsWrite);
        leads.MapPost("/outcome", MarkOutcomeAsync).WithName("MarkJobOutcome").RequirePermission(Permission.LeadsWrite);

        var settings = api.MapGroup("/settings/reviews").WithTags("Reviews").RequirePermission(Permission.WorkspaceManage);
        settings.MapGet("/", async (ReviewSettingsService service, CancellationToken ct) => Results.Ok(ReviewSettingsService.ToResponse(await service.GetAsync(ct))))
            .WithName("GetReviewSettings");
        settings.MapPut("/", async (ReviewSettingsRequest request, ReviewSettingsService service, CancellationToken ct) =>
        {
            var result = await service.SaveAsync(request, ct);
            return result.Succeeded ? Results.Ok(ReviewSettingsService.ToResponse(result.Value!)) : ApiResults.Problem(result);
        }).WithName("SaveReviewSettings");
    }

    private static async Task<IResult> RequestAsync(int id, ReviewRequestBody? body, ReviewRequests reviews, CancellationToken ct)
    {
        var outcome = await reviews.RequestAsync(id, body?.ChannelId, ReviewTrigger.Api, ct);
        return outcome.Refused is { } refused ? Refusal(refused) : Results.Accepted($"/api/v1/leads/{id}", ToResponse(outcome.Request!));
    }

    private static async Task<IResult> SetStatusAsync(int id, ReviewStatusBody body, ReviewRequests reviews, CancellationToken ct)
    {
        if (body.Status is not { } status || !Activities.LeadInteractions.TryParseEnum<ReviewRequestStatus>(status, out var parsed) || parsed == ReviewRequestStatus.Sent)
            return ApiResults.Problem(Result<object>.Invalid("status", "Status must be clicked or completed (a request is sent by POST)."));
        var result = await reviews.SetStatusAsync(id, parsed, ct);
        return result.Succeeded ? Results.Ok(ToResponse(result.Value!)) : ApiResults.Problem(result);
    }

    private static async Task<IResult> MarkOutcomeAsync(int id, JobOutcomeBody body, JobOutcomes outcomes, CancellationToken ct)
    {
        var result = await outcomes.MarkAsync(id, body.Outcome, ct);
        if (!result.Succeeded)
            return ApiResults.Problem(result);
        var (lead, review) = (result.Value!.Lead, result.Value.Review);
        return Results.Ok(new JobOutcomeResponse(lead.Id, lead.JobOutcome!.Value, lead.JobOutcomeAt, review?.Request is { } r ? ToResponse(r) : null, review?.Refused));
    }

    /// <summary>invalid → 400 naming the field; notFound → 404; every other refusal → 409 with its code.</summary>
    internal static IResult Refusal(SendRefusal refusal) => refusal.Code switch
    {
        "invalid" => ApiResults.Problem(Result<object>.Invalid(refusal.Field ?? "channelId", refusal.Message)),
        "notFound" => ApiResults.NotFound(refusal.Message),
        _ => TypedResults.Problem(refusal.Message, statusCode: StatusCodes.Status409Conflict, title: "No review request", type: refusal.Code,
            extensions: new Dictionary<string, object?> { ["code"] = refusal.Code }),
    };

    public static ReviewRequestSentResponse ToResponse(ReviewRequest r) =>
        new(r.Id, r.LeadId, r.Status, r.SentAt, r.ClickedAt, r.CompletedAt, r.MessageId, r.ChannelId, r.Trigger);
}

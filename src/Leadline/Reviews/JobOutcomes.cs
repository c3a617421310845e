using Leadline.Activities;
using Leadline.Common.Api;
using Leadline.Data;
using Leadline.Leads;
using Microsoft.EntityFrameworkCore;

namespace Leadline.Reviews;

/// <summary>The outcome just marked, and what became of the automatic review request (null: none was attempted).</summary>
public sealed record OutcomeMarked(Lead Lead, ReviewOutcome? Review);

/// <summary>
/// Marks how a lead's job went (won/completed, lost, no show) through the lead write path (the history records it);
/// a won job asks for a review by itself when the workspace turned that on and the customer is eligible.
/// </summary>
public sealed class JobOutcomes(LeadlineDb db, TimeProvider time, ReviewRequests reviews, ReviewSettingsService settings)
{
    public async Task<Result<OutcomeMarked>> MarkAsync(int leadId, string? outcome, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(outcome) || !LeadInteractions.TryParseEnum<JobOutcome>(outcome, out var parsed))
            return Result<OutcomeMarked>.Invalid("outcome", "Outcome must be won, lost or noShow.");
        var lead = await db.Leads.FirstOrDefaultAsync(l => l.Id == leadId && l.ArchivedAt == null, ct);
        if (lead is null)
            return Result<OutcomeMarked>.Missing();
        var changed = lead.JobOutcome != parsed;
        lead.RecordOutcome(parsed, time.GetUtcNow().UtcDateTime);
        await db.SaveChangesAsync(ct);
        ReviewOutcome? review = null;
        if (changed && parsed == JobOutcome.Won && (await settings.GetAsync(ct)).AutoOnWon)
            review = await reviews.RequestAsync(lead.Id, null, ReviewTrigger.Outcome, ct);
        return Result<OutcomeMarked>.Ok(new OutcomeMarked(lead, review));
    }
}

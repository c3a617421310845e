using Leadline.Leads.Changes;

namespace Leadline.Leads;

/// <summary>A lead's conversation and response discipline: the customer's messages, our replies, the SLA, job outcomes and review requests.</summary>
public sealed partial class Lead
{
    /// <summary>
    /// The customer wrote at <paramref name="at"/> (the provider's clock, not when the webhook arrived); on WhatsApp that
    /// also opens the 24-hour customer-service window. Only the customer's own messages count: not statuses, not echoes
    /// of our replies, not system notices. A message older than the last one known moves nothing back.
    /// </summary>
    public void RecordInbound(DateTime at, bool whatsapp)
    {
        if (LastInboundAt is null || LastInboundAt < at)
            LastInboundAt = at;
        if (whatsapp && (WhatsappInboundAt is null || WhatsappInboundAt < at))
            WhatsappInboundAt = at;
        Intents.Add(new LeadWroteIn(this, at));
    }

    /// <summary>The job's outcome as marked now (the history records old → new).</summary>
    public void RecordOutcome(JobOutcome outcome, DateTime now)
    {
        if (JobOutcome == outcome)
            return;
        JobOutcome = outcome;
        JobOutcomeAt = now;
    }

    /// <summary>A new review request went out: its status starts again at sent.</summary>
    public void StartReviewRequest(DateTime now)
    {
        ReviewRequestStatus = Leads.ReviewRequestStatus.Sent;
        ReviewRequestAt = now;
    }

    /// <summary>The review request moves on to <paramref name="status"/>; false (nothing changes) for a step back or none at all.</summary>
    public bool AdvanceReviewRequest(ReviewRequestStatus status, DateTime now)
    {
        if (ReviewRequestStatus is not { } current || status <= current)
            return false;
        ReviewRequestStatus = status;
        ReviewRequestAt = now;
        return true;
    }

    /// <summary>
    /// The customer wrote at <paramref name="at"/>: unless a reply is already pending, the SLA clock starts (due at
    /// <paramref name="slaDueAt"/>) and the next action becomes "reply", due now.
    /// </summary>
    public void AwaitReply(DateTime at, DateTime slaDueAt)
    {
        if (AwaitingReplySince is not null)
            return;
        AwaitingReplySince = at;
        SlaDueAt = slaDueAt;
        SlaState = SlaState.Due;
        NextActionType = Leads.NextActionType.Reply;
        NextActionDueAt = at;
    }

    /// <summary>
    /// A reply went out at <paramref name="at"/> (<paramref name="why"/>: what the history says did it): the first response,
    /// the SLA met or breached, a pending "reply" action done.
    /// </summary>
    public void RecordReply(DateTime at, string why)
    {
        if (FirstResponseAt is null || FirstResponseAt > at)
            FirstResponseAt = at;
        if (AwaitingReplySince is not null)
        {
            SlaState = SlaStateAt(at) == SlaState.Breached ? SlaState.Breached : SlaState.Met;
            AwaitingReplySince = null;
            if (NextActionType == Leads.NextActionType.Reply)
                (NextActionType, NextActionDueAt) = (null, null);
        }
        Intents.Add(new LeadRepliedTo(this, at, why));
    }

    /// <summary>The sweeper found the reply overdue.</summary>
    public void MarkSlaBreached()
    {
        SlaState = SlaState.Breached;
        Intents.Add(new LeadSlaBreached(this));
    }
}

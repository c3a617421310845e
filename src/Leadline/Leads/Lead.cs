using Leadline.Common;
using Leadline.Data;
using Leadline.Leads.Changes;
using Leadline.Pipeline;

namespace Leadline.Leads;

/// <summary>
/// A person or company that enquired. Every change is saved through <see cref="LeadWritePath"/>, which turns it into typed
/// <see cref="LeadChange"/>s for the reactions (history, lead flow, match keys, live pages); <see cref="Version"/> is the
/// optimistic-concurrency token (ETag). State that changes by intent changes through the methods at the end.
/// </summary>
public sealed partial class Lead : IWorkspaceOwned, ITimestamped
{
    public int Id { get; set; }

    public int WorkspaceId { get; set; }

    public string Name { get; set; } = "";

    public string? Company { get; set; }

    public string? Title { get; set; }

    public string? Email { get; set; }

    /// <summary>Lower-cased, trimmed e-mail: what search and duplicate checks compare.</summary>
    public string? EmailNormalized { get; set; }

    /// <summary>The phone as typed; <see cref="PhoneE164"/> is the normalised form, null when unverified (kept as typed).</summary>
    public string? Phone { get; set; }

    public string? PhoneE164 { get; set; }

    /// <summary>What the search reads of the phone: its E.164 digits, or the digits typed when it could not be read.</summary>
    public string? PhoneDigits { get; set; }

    public string? Mobile { get; set; }

    public string? MobileE164 { get; set; }

    public string? MobileDigits { get; set; }

    /// <summary>False when a phone is kept as typed because it could not be read as a full number (no area or country code).</summary>
    public bool PhoneVerified => Phone is null || PhoneE164 is not null;

    public bool MobileVerified => Mobile is null || MobileE164 is not null;

    public void SetPhone(PhoneReading? reading) => (Phone, PhoneE164, PhoneDigits) = (reading?.Typed, reading?.E164, reading?.Digits);

    public void SetMobile(PhoneReading? reading) => (Mobile, MobileE164, MobileDigits) = (reading?.Typed, reading?.E164, reading?.Digits);

    public string? Website { get; set; }

    public LeadSource Source { get; set; }

    public string? SourceDetail { get; set; }

    public int PipelineId { get; set; }

    public int StageId { get; set; }

    /// <summary>The stage's category, kept beside the stage so status filters use an index.</summary>
    public StageCategory Status { get; set; }

    /// <summary>Board order within the stage (sparse, so a move rewrites one row).</summary>
    public double Position { get; set; }

    public DateTime StageChangedAt { get; set; }

    public string? LostReason { get; set; }

    public int? OwnerId { get; set; }

    public int Score { get; set; }

    public List<string> Tags { get; set; } = [];

    public string? LifecycleStage { get; set; }

    public bool Active { get; set; } = true;

    public bool Primary { get; set; }

    public string? Code { get; set; }

    public string? Industry { get; set; }

    public int? CompanySize { get; set; }

    public string? Street { get; set; }

    public string? City { get; set; }

    public string? State { get; set; }

    public string? PostalCode { get; set; }

    /// <summary>ISO 3166-1 alpha-2.</summary>
    public string? Country { get; set; }

    public string? Gender { get; set; }

    public DateOnly? DateOfBirth { get; set; }

    public string? MaritalStatus { get; set; }

    public string? AccountType { get; set; }

    public string? RelationshipType { get; set; }

    public string? LoyaltyLevel { get; set; }

    public string? Linkedin { get; set; }

    public string? Twitter { get; set; }

    public string? Facebook { get; set; }

    public string? Instagram { get; set; }

    /// <summary>Workspace-defined fields as a JSON object.</summary>
    public string? CustomFields { get; set; }

    public string? PhotoPath { get; set; }

    public bool HasContactInfo { get; set; }

    public DateTime? LastActivityAt { get; set; }

    public DateTime? FirstResponseAt { get; set; }

    public DateTime? NextFollowUpAt { get; set; }

    public LeadIntakeMode IntakeMode { get; set; }

    /// <summary>The first thing the customer wrote (the first inbound text).</summary>
    public string? Enquiry { get; set; }

    /// <summary>The customer's last inbound message on any channel, by the provider's clock.</summary>
    public DateTime? LastInboundAt { get; set; }

    /// <summary>The customer's last WhatsApp message by Meta's timestamp: the 24-hour customer-service window runs from it.</summary>
    public DateTime? WhatsappInboundAt { get; set; }

    /// <summary>The ad that brought the lead (a click-to-WhatsApp referral): its source type, ad id and click id.</summary>
    public string? ReferralSource { get; set; }

    public string? ReferralAdId { get; set; }

    public string? ReferralCtwaClid { get; set; }

    /// <summary>What should happen next and when: set by hand, or "reply now" by a customer's message (<see cref="AwaitReply"/>).</summary>
    public NextActionType? NextActionType { get; set; }

    public DateTime? NextActionDueAt { get; set; }

    /// <summary>As stored: <see cref="SlaState.Due"/> stays stored until a reply or the sweeper (reads use <see cref="SlaStateAt"/>).</summary>
    public SlaState SlaState { get; set; }

    /// <summary>When the reply to the waiting customer is due: the workspace's first-response minutes in its business hours.</summary>
    public DateTime? SlaDueAt { get; set; }

    /// <summary>The customer's message nobody has answered yet (the oldest of them); null when no reply is pending.</summary>
    public DateTime? AwaitingReplySince { get; set; }

    /// <summary>The SLA as of <paramref name="now"/>: a due time that has passed is breached even before the sweeper marks it.</summary>
    public SlaState SlaStateAt(DateTime now) =>
        SlaState == SlaState.Due && SlaDueAt is { } due && due < now ? SlaState.Breached : SlaState;

    /// <summary>Derived on every write by <see cref="LeadFlowRule"/> from activity, closing notes and the stage.</summary>
    public LeadFlowStatus LeadFlow { get; set; }

    /// <summary>When the lead's flow completed: a closing note, or entering a closing stage (cleared when it leaves one for an open stage).</summary>
    public DateTime? ClosedAt { get; set; }

    /// <summary>When the owner took the lead by recording the first note (reservation); null when assigned otherwise.</summary>
    public DateTime? ReservedAt { get; set; }

    public DateTime? ArchivedAt { get; set; }

    /// <summary>How the job went (Reviews/): set by <see cref="RecordOutcome"/>, never typed into the lead's form.</summary>
    public JobOutcome? JobOutcome { get; set; }

    public DateTime? JobOutcomeAt { get; set; }

    /// <summary>The last review request's status and when it got there (Reviews/ReviewRequests).</summary>
    public ReviewRequestStatus? ReviewRequestStatus { get; set; }

    public DateTime? ReviewRequestAt { get; set; }

    /// <summary>Set on a lead archived by a merge: the lead that survived it.</summary>
    public int? MergedIntoId { get; set; }

    public int Version { get; set; }

    public DateTime CreatedAt { get; set; }

    public DateTime UpdatedAt { get; set; }

    /// <summary>Changes raised by the intent methods below that the diff of columns cannot tell (merged), until the next save.</summary>
    internal List<LeadChange> Intents { get; } = [];

    /// <summary>Into <paramref name="stage"/> at <paramref name="position"/> on the board; status and pipeline follow the stage.</summary>
    public void MoveTo(Stage stage, double position, DateTime now)
    {
        if (stage.Id != StageId)
            StageChangedAt = now;
        StageId = stage.Id;
        PipelineId = stage.PipelineId;
        Status = stage.Category;
        Position = position;
    }

    /// <summary>Given to <paramref name="ownerId"/> (or nobody) by someone: not a reservation.</summary>
    public void AssignTo(int? ownerId)
    {
        OwnerId = ownerId;
        ReservedAt = null;
    }

    /// <summary>Taken by the operator who recorded its first note, until <see cref="ReleaseReservation"/> frees it.</summary>
    public void Reserve(int userId, DateTime now)
    {
        OwnerId = userId;
        ReservedAt = now;
    }

    public void ReleaseReservation()
    {
        OwnerId = null;
        ReservedAt = null;
    }

    public void Archive(DateTime now) => ArchivedAt ??= now;

    public void Restore() => ArchivedAt = null;

    /// <summary>A note, call, e-mail or meeting at <paramref name="at"/>; <paramref name="responds"/>: it also answered the lead.</summary>
    public void RecordInteraction(DateTime at, bool responds)
    {
        if (LastActivityAt is null || LastActivityAt < at)
            LastActivityAt = at;
        if (responds && (FirstResponseAt is null || FirstResponseAt > at))
            FirstResponseAt = at;
    }

    /// <summary>A note that closes the lead (a template with "closes the lead") ends its flow.</summary>
    public void CloseByNote(DateTime now) => ClosedAt ??= now;

    /// <summary>
    /// This lead survives a merge of <paramref name="duplicates"/>: they are archived pointing at it, and it keeps the
    /// earliest response and the latest activity of them all.
    /// </summary>
    public void AbsorbDuplicates(IReadOnlyList<Lead> duplicates, DateTime now)
    {
        foreach (var duplicate in duplicates)
        {
            duplicate.Archive(now);
            duplicate.MergedIntoId = Id;
        }
        LastActivityAt = duplicates.Append(this).Max(l => l.LastActivityAt);
        FirstResponseAt = duplicates.Append(this).Min(l => l.FirstResponseAt);
        Intents.Add(new LeadMerged(this, duplicates));
    }
}

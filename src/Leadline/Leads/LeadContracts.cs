using System.Text.Json.Nodes;

namespace Leadline.Leads;

/// <summary>
/// Body of create and patch. Everything is nullable: on PATCH only the properties present in the JSON change
/// (present with null clears), which is why the API passes the set of present paths along.
/// </summary>
public sealed class LeadInput
{
    public string? Name { get; set; }
    public string? Company { get; set; }
    public string? Title { get; set; }
    public string? Email { get; set; }
    public string? Phone { get; set; }
    public string? Mobile { get; set; }
    public string? Website { get; set; }
    public string? Source { get; set; }
    public string? SourceDetail { get; set; }
    public int? StageId { get; set; }
    public string? LostReason { get; set; }
    public int? OwnerId { get; set; }
    public int? Score { get; set; }
    public List<string>? Tags { get; set; }
    public string? LifecycleStage { get; set; }
    public bool? Active { get; set; }
    public bool? Primary { get; set; }
    public string? Code { get; set; }
    public string? Industry { get; set; }
    public int? CompanySize { get; set; }
    public AddressInput? Address { get; set; }
    public string? Gender { get; set; }
    public string? DateOfBirth { get; set; }
    public string? MaritalStatus { get; set; }
    public string? AccountType { get; set; }
    public string? RelationshipType { get; set; }
    public string? LoyaltyLevel { get; set; }
    public SocialInput? Social { get; set; }
    public JsonObject? CustomFields { get; set; }
}

public sealed class AddressInput
{
    public string? Street { get; set; }
    public string? City { get; set; }
    public string? State { get; set; }
    public string? PostalCode { get; set; }
    public string? Country { get; set; }
}

public sealed class SocialInput
{
    public string? Linkedin { get; set; }
    public string? Twitter { get; set; }
    public string? Facebook { get; set; }
    public string? Instagram { get; set; }
}

public sealed record AddressResponse(string? Street, string? City, string? State, string? PostalCode, string? Country);

public sealed record SocialResponse(string? Linkedin, string? Twitter, string? Facebook, string? Instagram);

public sealed record LeadResponse(
    int Id,
    string Name,
    string? Company,
    string? Title,
    string? Email,
    string? Phone,
    string? PhoneE164,
    string? Mobile,
    string? MobileE164,
    string? Website,
    LeadSource Source,
    string? SourceDetail,
    int PipelineId,
    int StageId,
    string StageName,
    Pipeline.StageCategory Status,
    string? LostReason,
    int? OwnerId,
    string? OwnerName,
    int Score,
    IReadOnlyList<string> Tags,
    string? LifecycleStage,
    bool Active,
    bool Primary,
    string? Code,
    string? Industry,
    int? CompanySize,
    AddressResponse Address,
    string? Gender,
    DateOnly? DateOfBirth,
    string? MaritalStatus,
    string? AccountType,
    string? RelationshipType,
    string? LoyaltyLevel,
    SocialResponse Social,
    JsonObject? CustomFields,
    string? PhotoUrl,
    int? AiScore,
    double? ConversionProbability,
    string? NextBestAction,
    bool HasContactInfo,
    DateTime CreatedAt,
    DateTime UpdatedAt,
    DateTime? LastActivityAt,
    DateTime? FirstResponseAt,
    DateTime? NextFollowUpAt,
    FollowUpState FollowUpState,
    DateTime? StageChangedAt,
    bool Archived,
    LeadFlowStatus LeadFlow,
    DateTime? ClosedAt,
    DateTime? ReservedAt,
    int? MergedIntoId,
    // false when the number could not be read as a full number (no area or country code, as 265-3830): it is kept as typed
    // in phone/mobile, phoneE164/mobileE164 are null, and search and the duplicate check go by its digits; true otherwise
    // (also when there is no number)
    bool PhoneVerified,
    bool MobileVerified,
    // conversations: who the lead is on each channel, the customer's last message, the WhatsApp 24-hour window (null: never wrote)
    IReadOnlyList<ChannelIdentityResponse>? ChannelIdentities = null,
    DateTime? LastInboundAt = null,
    WhatsappWindowResponse? WhatsappWindow = null,
    string? Enquiry = null,
    LeadIntakeMode IntakeMode = LeadIntakeMode.Manual,
    ReferralResponse? Referral = null,
    // how the job went (won|lost|noShow) and the last review request (Reviews/)
    JobOutcome? JobOutcome = null,
    DateTime? JobOutcomeAt = null,
    ReviewRequestResponse? ReviewRequest = null,

    // the response discipline: the first-response SLA of the customer's latest unanswered message, and what to do next
    SlaResponse? Sla = null,
    NextActionResponse? NextAction = null);

/// <summary>The lead's last review request: <c>sent → clicked → completed</c>, and when it got there.</summary>
public sealed record ReviewRequestResponse(ReviewRequestStatus Status, DateTime At);

/// <summary>The first-response SLA: <paramref name="DueAt"/> is when the reply is (or was) due; null with state none.</summary>
public sealed record SlaResponse(DateTime? DueAt, SlaState State);

public sealed record NextActionResponse(NextActionType Type, DateTime? DueAt);

public sealed record ChannelIdentityResponse(int? ChannelId, Channels.ChannelKind Kind, string ExternalId, string? Bsuid);

/// <summary>WhatsApp's customer-service window: open for 24 hours from Meta's timestamp of the customer's last message.</summary>
public sealed record WhatsappWindowResponse(bool Open, DateTime ClosesAt)
{
    public static readonly TimeSpan Length = TimeSpan.FromHours(24);

    public static WhatsappWindowResponse? For(DateTime? lastInbound, DateTime now) =>
        lastInbound is { } at ? new WhatsappWindowResponse(at + Length > now, at + Length) : null;
}

public sealed record ReferralResponse(string? Source, string? AdId, string? CtwaClid);

public enum FollowUpState
{
    None,
    Today,
    Tomorrow,
    Overdue,
    Later,
}

/// <summary>One field change; <paramref name="Field"/> is the API name ("nextFollowUpAt"), <paramref name="Label"/> what people read;
/// <paramref name="Reason"/>: what did it when it was no one's own edit ("first reply by e-mail"), else null.</summary>
public sealed record LeadHistoryResponse(DateTime At, int? UserId, string UserName, string Field, string Label, string? From, string? To, string? Reason = null);

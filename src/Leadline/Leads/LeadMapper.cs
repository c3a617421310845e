using System.Text.Json.Nodes;
using Leadline.Common.Time;
using Leadline.Data;
using Microsoft.EntityFrameworkCore;

namespace Leadline.Leads;

/// <summary>Lead → <see cref="LeadResponse"/>: resolves stage and owner names in two small queries per batch, one for a single lead.</summary>
public sealed class LeadMapper(LeadlineDb db)
{
    public async Task<List<LeadResponse>> MapAsync(IReadOnlyCollection<Lead> leads, WorkspaceClock clock, CancellationToken ct)
    {
        var stageIds = leads.Select(l => l.StageId).Distinct().ToList();
        var stages = await db.Stages.AsNoTracking().Where(s => stageIds.Contains(s.Id)).ToDictionaryAsync(s => s.Id, s => s.Name, ct);
        var ownerIds = leads.Where(l => l.OwnerId is not null).Select(l => l.OwnerId!.Value).Distinct().ToList();
        var owners = ownerIds.Count == 0
            ? []
            : await db.Users.AsNoTracking().Where(u => ownerIds.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.Name, ct);
        var identities = await IdentitiesAsync(leads.Select(l => l.Id).ToList(), ct);
        return leads.Select(l => Map(l, stages.GetValueOrDefault(l.StageId, ""), l.OwnerId is { } o ? owners.GetValueOrDefault(o) : null, clock)
            with { ChannelIdentities = identities[l.Id].ToList() }).ToList();
    }

    /// <summary>One lead (what every single-lead read and write answers with): its stage's and owner's names in one query.</summary>
    public async Task<LeadResponse> MapAsync(Lead lead, WorkspaceClock clock, CancellationToken ct)
    {
        var ownerId = lead.OwnerId;
        var names = await db.Stages.AsNoTracking().Where(s => s.Id == lead.StageId)
            .Select(s => new { s.Name, Owner = ownerId == null ? null : db.Users.Where(u => u.Id == ownerId).Select(u => u.Name).FirstOrDefault() })
            .FirstOrDefaultAsync(ct);
        return Map(lead, names?.Name ?? "", names?.Owner, clock) with { ChannelIdentities = (await IdentitiesAsync([lead.Id], ct))[lead.Id].ToList() };
    }

    private async Task<ILookup<int, ChannelIdentityResponse>> IdentitiesAsync(List<int> leadIds, CancellationToken ct) =>
        leadIds.Count == 0 ? Enumerable.Empty<ChannelIdentityResponse>().ToLookup(_ => 0)
            : (await db.ChannelIdentities.AsNoTracking().Where(i => leadIds.Contains(i.LeadId)).OrderBy(i => i.Id)
                .Select(i => new { i.LeadId, Identity = new ChannelIdentityResponse(i.ChannelId, i.Kind, i.ExternalId, i.Bsuid) }).ToListAsync(ct))
            .ToLookup(i => i.LeadId, i => i.Identity);

    public static FollowUpState FollowUp(DateTime? nextFollowUpAt, WorkspaceClock clock)
    {
        if (nextFollowUpAt is not { } due)
            return FollowUpState.None;
        if (due < clock.UtcNow)
            return FollowUpState.Overdue;
        var day = DateOnly.FromDateTime(clock.ToLocal(due));
        return day == clock.Today ? FollowUpState.Today : day == clock.Today.AddDays(1) ? FollowUpState.Tomorrow : FollowUpState.Later;
    }

    private static LeadResponse Map(Lead l, string stageName, string? ownerName, WorkspaceClock clock) => new(
        l.Id, l.Name, l.Company, l.Title, l.Email, l.Phone, l.PhoneE164, l.Mobile, l.MobileE164, l.Website, l.Source, l.SourceDetail,
        l.PipelineId, l.StageId, stageName, l.Status, l.LostReason, l.OwnerId, ownerName, l.Score, l.Tags, l.LifecycleStage, l.Active, l.Primary,
        l.Code, l.Industry, l.CompanySize, new AddressResponse(l.Street, l.City, l.State, l.PostalCode, l.Country), l.Gender, l.DateOfBirth,
        l.MaritalStatus, l.AccountType, l.RelationshipType, l.LoyaltyLevel, new SocialResponse(l.Linkedin, l.Twitter, l.Facebook, l.Instagram),
        l.CustomFields is null ? null : JsonNode.Parse(l.CustomFields) as JsonObject,
        l.PhotoPath is null ? null : $"/leads/{l.Id}/photo?v={l.Version}",
        null, null, null, l.HasContactInfo, l.CreatedAt, l.UpdatedAt, l.LastActivityAt, l.FirstResponseAt, l.NextFollowUpAt,
        FollowUp(l.NextFollowUpAt, clock), l.StageChangedAt, l.ArchivedAt is not null, l.LeadFlow, l.ClosedAt, l.ReservedAt, l.MergedIntoId,
        l.PhoneVerified, l.MobileVerified, null, l.LastInboundAt, WhatsappWindowResponse.For(l.WhatsappInboundAt, clock.UtcNow), l.Enquiry, l.IntakeMode,
        (l.ReferralSource ?? l.ReferralAdId ?? l.ReferralCtwaClid) is null ? null : new ReferralResponse(l.ReferralSource, l.ReferralAdId, l.ReferralCtwaClid),
        l.JobOutcome, l.JobOutcomeAt, l.ReviewRequestStatus is { } review ? new ReviewRequestResponse(review, l.ReviewRequestAt ?? l.UpdatedAt) : null,
        new SlaResponse(l.SlaDueAt, l.SlaStateAt(clock.UtcNow)),
        l.NextActionType is { } next ? new NextActionResponse(next, l.NextActionDueAt) : null);
}

using Leadline.Channels;
using Leadline.Data;
using Leadline.Duplicates;
using Leadline.Leads;
using Microsoft.EntityFrameworkCore;

namespace Leadline.Conversations.Inbound;

/// <summary>
/// Finds the lead a WhatsApp customer is, or makes one: by channel identity (wa_id, then the business-scoped user id),
/// then by the phone in E.164 (a wa_id is always "+" and its digits), then by the duplicate check's exact level when the
/// number is held by one lead only; otherwise a new lead through the normal create path (intake mode whatsapp).
/// Runs inside the caller's transaction and adds the identity there: when another worker made this sender's identity at
/// the same moment, the unique index refuses the second, the caller rolls back (no orphan lead) and matches again.
/// </summary>
public sealed class InboundLeadMatcher(LeadlineDb db, LeadService leads, DuplicateFinder duplicates, TimeProvider clock)
{
    /// <summary>The customer's lead (tracked), and whether it was made now; null when none is found and <paramref name="mayCreate"/> is false.</summary>
    public async Task<(Lead Lead, bool Created)?> FindOrCreateAsync(Channel channel, InboundMessage message, bool mayCreate, CancellationToken ct)
    {
        var waId = message.WaId;
        var bsuid = message.Bsuid;
        var identities = await db.ChannelIdentities
            .Where(i => i.Kind == ChannelKind.Whatsapp && (i.ExternalId == waId || (bsuid != null && i.Bsuid == bsuid))).ToListAsync(ct);
        var identity = identities.FirstOrDefault(i => i.ExternalId == waId) ?? identities.FirstOrDefault();
        if (identity is not null && await LeadOfAsync(identity.LeadId, ct) is { } known)
        {
            if (identity.ExternalId == waId && bsuid is not null && identity.Bsuid is null)
                identity.Bsuid = bsuid;
            else if (identity.ExternalId != waId && WhatsappPayload.IsDigits(waId))
                AddIdentity(known, channel, waId, bsuid);   // the same user id with a new number: keep both
            return (known, false);
        }

        Lead? found = null;
        if (WhatsappPayload.IsDigits(waId))
        {
            var e164 = "+" + waId;
            var key = LeadMatchKey.Stored("p:" + e164);
            var holders = await db.LeadMatchKeys.Where(k => k.Key == key).Select(k => k.LeadId).Take(DuplicateFinder.MaxPerKey).ToListAsync(ct);
            if (holders.Count > 0)
            {
                // several leads with the number (duplicates not merged yet): the one the customer wrote to last, else the newest
                found = await db.Leads.Where(l => holders.Contains(l.Id) && l.ArchivedAt == null)
                    .OrderByDescending(l => l.LastInboundAt != null).ThenByDescending(l => l.LastInboundAt).ThenByDescending(l => l.Id).FirstOrDefaultAsync(ct);
            }
            if (found is null)
            {
                var country = (await leads.WorkspaceAsync(ct)).DefaultCountry;
                var record = NormalizedRecord.From(new MatchRecord { Id = -1, Name = message.ProfileName, Phone = e164, Country = country }, country);
                if ((await duplicates.FindExactAsync([record], country, ct)).TryGetValue(record.Id, out var leadId))
                    found = await LeadOfAsync(leadId, ct);
            }
        }
        if (found is not null)
        {
            AddIdentity(found, channel, waId, bsuid);
            return (found, false);
        }
        if (!mayCreate)
            return null;
        var created = await CreateAsync(message, ct);   // saved in the caller's transaction: it has its id
        AddIdentity(created, channel, waId, bsuid);
        return (created, true);
    }

    /// <summary>Another wa_id for the lead (a number change), unless some lead already has it.</summary>
    public async Task AddNumberAsync(Lead lead, Channel channel, string waId, CancellationToken ct)
    {
        if (!await db.ChannelIdentities.AnyAsync(i => i.Kind == ChannelKind.Whatsapp && i.ExternalId == waId, ct))
            AddIdentity(lead, channel, waId, null);
    }

    private void AddIdentity(Lead lead, Channel channel, string waId, string? bsuid) =>
        db.ChannelIdentities.Add(new ChannelIdentity
        {
            WorkspaceId = channel.WorkspaceId, LeadId = lead.Id, ChannelId = channel.Id, Kind = ChannelKind.Whatsapp,
            ExternalId = WhatsappPayload.Cut(waId, 320)!, Bsuid = WhatsappPayload.Cut(bsuid, 200), CreatedAt = clock.GetUtcNow().UtcDateTime,
        });

    /// <summary>A merged lead's customer writes to the lead it was merged into.</summary>
    private async Task<Lead?> LeadOfAsync(int leadId, CancellationToken ct)
    {
        for (var hops = 0; hops < 10; hops++)
        {
            var lead = await db.Leads.FirstOrDefaultAsync(l => l.Id == leadId, ct);
            if (lead?.MergedIntoId is not { } survivor)
                return lead;
            leadId = survivor;
        }
        return null;
    }

    private async Task<Lead> CreateAsync(InboundMessage message, CancellationToken ct)
    {
        var number = WhatsappPayload.IsDigits(message.WaId) ? "+" + message.WaId : null;
        var name = string.IsNullOrWhiteSpace(message.ProfileName) ? number ?? message.WaId : message.ProfileName.Trim();
        var input = new LeadInput { Name = WhatsappPayload.Cut(name, 200), Phone = number, Source = nameof(LeadSource.Whatsapp) };
        var present = new HashSet<string> { "name", "source" };
        if (number is not null)
            present.Add("phone");
        void Prepare(Lead lead)
        {
            lead.IntakeMode = LeadIntakeMode.Whatsapp;
            if (message.Type == MessageType.Text)
                lead.Enquiry = WhatsappPayload.Cut(message.Text, 4000);
            if (message.Referral is { } referral)
                (lead.ReferralSource, lead.ReferralAdId, lead.ReferralCtwaClid) = (referral.Source, referral.AdId, referral.CtwaClid);
        }
        for (var attempt = 0; ; attempt++)
        {
            var result = await leads.CreateAsync(input, present, Prepare, ct);
            if (result.Succeeded)
                return result.Value!;
            // a profile name or number the lead rules refuse (control characters, too short): the lead is not lost for it
            if (attempt < 2 && result.Errors.For("name").Count > 0)
                input.Name = number ?? "WhatsApp " + WhatsappPayload.Cut(message.WaId, 100);
            else if (attempt < 2 && result.Errors.For("phone").Count > 0)
                present.Remove("phone");
            else
                throw new InvalidOperationException("The WhatsApp sender's lead could not be created: " + string.Join(" ", result.Errors.All) + result.Stale);
        }
    }
}

using Leadline.Channels;
using Leadline.Data;
using Leadline.Duplicates;
using Leadline.Leads;
using Microsoft.EntityFrameworkCore;

namespace Leadline.Conversations.Inbound;

/// <summary>
/// Who wrote in, as a channel knows them: the identity it gives (<see cref="Kind"/> + <see cref="ExternalId"/>: a wa_id, a
/// PSID, an e-mail address, a phone number), what it tells of the person, and what a new lead starts with.
/// </summary>
public sealed record InboundSender(ChannelKind Kind, string ExternalId, LeadIntakeMode IntakeMode)
{
    /// <summary>WhatsApp's business-scoped user id: the same person when Meta gives it without a wa_id.</summary>
    public string? Bsuid { get; init; }

    public string? Name { get; init; }

    /// <summary>A number the channel vouches for (a wa_id, an SMS sender), in E.164: matched, and the new lead's phone.</summary>
    public string? PhoneE164 { get; init; }

    /// <summary>A number as the person typed it (a web form): matched when it normalises, kept as typed otherwise.</summary>
    public string? Phone { get; init; }

    public string? Email { get; init; }

    /// <summary>The new lead's source (LeadSource name or free text).</summary>
    public string? Source { get; init; }

    /// <summary>The new lead's enquiry: the first text the customer sent.</summary>
    public string? Enquiry { get; init; }

    public InboundReferral? Referral { get; init; }

    /// <summary>More fields for a new lead (a web form's extra fields): called with the create input and the set of fields present.</summary>
    public Action<LeadInput, ISet<string>>? Input { get; init; }

    /// <summary>Sets what the input cannot on a new lead (before it is first saved).</summary>
    public Action<Lead>? Prepare { get; init; }
}

/// <summary>
/// Finds the lead a customer is, or makes one: by channel identity (the kind's external id, or WhatsApp's business-scoped
/// user id), then by the phone in E.164 or the e-mail address held by leads (several: the one the customer wrote to
/// last), then by the duplicate check's exact level; otherwise a new lead through the normal create path with the
/// sender's intake mode. Runs inside the caller's transaction and adds the identity there: when another worker made this
/// sender's identity at the same moment, the unique index refuses the second, the caller rolls back (no orphan lead)
/// and matches again.
/// </summary>
public sealed class InboundLeadMatcher(LeadlineDb db, LeadService leads, DuplicateFinder duplicates, TimeProvider clock)
{
    /// <summary>The customer's lead (tracked), and whether it was made now; null when none is found and <paramref name="mayCreate"/> is false.</summary>
    public async Task<(Lead Lead, bool Created)?> FindOrCreateAsync(Channel channel, InboundSender sender, bool mayCreate, CancellationToken ct)
    {
        var externalId = Cut(sender.ExternalId, 320)!;
        var bsuid = sender.Bsuid;
        var identities = await db.ChannelIdentities
            .Where(i => i.Kind == sender.Kind && (i.ExternalId == externalId || (bsuid != null && i.Bsuid == bsuid))).ToListAsync(ct);
        var identity = identities.FirstOrDefault(i => i.ExternalId == externalId) ?? identities.FirstOrDefault();
        if (identity is not null && await LeadOfAsync(identity.LeadId, ct) is { } known)
        {
            if (identity.ExternalId == externalId && bsuid is not null && identity.Bsuid is null)
                identity.Bsuid = bsuid;
            else if (identity.ExternalId != externalId && (sender.Kind != ChannelKind.Whatsapp || sender.PhoneE164 is not null))
                AddIdentity(known, channel, sender.Kind, externalId, bsuid);   // the same user id with a new number: keep both
            return (known, false);
        }

        var found = await ByContactAsync(sender, ct);
        if (found is not null)
        {
            AddIdentity(found, channel, sender.Kind, externalId, bsuid);
            return (found, false);
        }
        if (!mayCreate)
            return null;
        var created = await CreateAsync(sender, ct);   // saved in the caller's transaction: it has its id
        AddIdentity(created, channel, sender.Kind, externalId, bsuid);
        return (created, true);
    }

    /// <summary>Another identity of the kind for the lead (a WhatsApp number change), unless some lead already has it.</summary>
    public async Task AddIdentityAsync(Lead lead, Channel channel, ChannelKind kind, string externalId, CancellationToken ct)
    {
        if (!await db.ChannelIdentities.AnyAsync(i => i.Kind == kind && i.ExternalId == externalId, ct))
            AddIdentity(lead, channel, kind, externalId, null);
    }

    /// <summary>A lead holding the sender's number or address; several (duplicates not merged yet): the one the customer wrote to last, else the newest.</summary>
    private async Task<Lead?> ByContactAsync(InboundSender sender, CancellationToken ct)
    {
        if (sender.PhoneE164 is null && sender.Phone is null && sender.Email is null)
            return null;
        var country = (await leads.WorkspaceAsync(ct)).DefaultCountry;
        var record = NormalizedRecord.From(new MatchRecord
        {
            Id = -1, Name = sender.Name, Phone = sender.PhoneE164 ?? sender.Phone, Email = sender.Email, Country = country,
        }, country);
        var keys = record.BlockingKeys.Where(k => k.StartsWith("p:", StringComparison.Ordinal) || k.StartsWith("e:", StringComparison.Ordinal))
            .Select(LeadMatchKey.Stored).ToList();
        if (keys.Count > 0)
        {
            var holders = await db.LeadMatchKeys.Where(k => keys.Contains(k.Key)).Select(k => k.LeadId).Take(DuplicateFinder.MaxPerKey).ToListAsync(ct);
            if (holders.Count > 0)
            {
                var holder = await db.Leads.Where(l => holders.Contains(l.Id) && l.ArchivedAt == null)
                    .OrderByDescending(l => l.LastInboundAt != null).ThenByDescending(l => l.LastInboundAt).ThenByDescending(l => l.Id).FirstOrDefaultAsync(ct);
                if (holder is not null)
                    return await LeadOfAsync(holder.Id, ct);
            }
        }
        return (await duplicates.FindExactAsync([record], country, ct)).TryGetValue(record.Id, out var leadId) ? await LeadOfAsync(leadId, ct) : null;
    }

    private void AddIdentity(Lead lead, Channel channel, ChannelKind kind, string externalId, string? bsuid) =>
        db.ChannelIdentities.Add(new ChannelIdentity
        {
            WorkspaceId = channel.WorkspaceId, LeadId = lead.Id, ChannelId = channel.Id, Kind = kind,
            ExternalId = Cut(externalId, 320)!, Bsuid = Cut(bsuid, 200), CreatedAt = clock.GetUtcNow().UtcDateTime,
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

    private async Task<Lead> CreateAsync(InboundSender sender, CancellationToken ct)
    {
        var number = sender.PhoneE164 ?? sender.Phone;
        var fallbackName = number ?? sender.Email ?? $"{(sender.Kind == ChannelKind.Whatsapp ? "WhatsApp" : sender.Kind.ToString())} {Cut(sender.ExternalId, 100)}";
        var input = new LeadInput
        {
            Name = Cut(string.IsNullOrWhiteSpace(sender.Name) ? fallbackName : sender.Name.Trim(), 200),
            Phone = number, Email = sender.Email, Source = sender.Source,
        };
        var present = new HashSet<string> { "name" };
        if (number is not null)
            present.Add("phone");
        if (sender.Email is not null)
            present.Add("email");
        if (sender.Source is not null)
            present.Add("source");
        sender.Input?.Invoke(input, present);
        void Prepare(Lead lead)
        {
            lead.IntakeMode = sender.IntakeMode;
            lead.Enquiry = Cut(sender.Enquiry, 4000);
            if (sender.Referral is { } referral)
                (lead.ReferralSource, lead.ReferralAdId, lead.ReferralCtwaClid) = (referral.Source, referral.AdId, referral.CtwaClid);
            sender.Prepare?.Invoke(lead);
        }
        for (var attempt = 0; ; attempt++)
        {
            var result = await leads.CreateAsync(input, present, Prepare, requireCustomFields: false, ct);
            if (result.Succeeded)
                return result.Value!;
            // a name, number or address the lead rules refuse (control characters, too short, not an address): the lead
            // is not lost for it; what was refused is dropped from the new lead (the message keeps what was sent)
            var refused = present.Where(f => f != "name" && result.Errors.For(f).Count > 0).ToList();
            if (present.Contains("customFields") && result.Errors.ToDictionary().Keys.Any(k => k.StartsWith("customFields", StringComparison.Ordinal)))
                refused.Add("customFields");
            if (attempt < 3 && result.Errors.For("name").Count > 0)
                input.Name = Cut(fallbackName, 200);
            else if (attempt < 3 && refused.Count > 0)
                present.ExceptWith(refused);
            else
                throw new InvalidOperationException($"The {sender.Kind} sender's lead could not be created: " + string.Join(" ", result.Errors.All) + result.Stale);
        }
    }

    internal static string? Cut(string? value, int max) => value is null || value.Length <= max ? value : value[..max];
}

using System.Text.Json;
using Leadline.Channels;
using Leadline.Data;
using Leadline.Leads;
using Leadline.Submissions;
using Microsoft.EntityFrameworkCore;

namespace Leadline.Conversations.Inbound;

/// <summary>What processing one delivery changed: leads whose timeline changed, and leads the customer wrote to.</summary>
public sealed class InboundOutcome
{
    public HashSet<int> ChangedLeads { get; } = [];

    public HashSet<int> WroteIn { get; } = [];
}

/// <summary>
/// Processes a stored WhatsApp webhook delivery (its workspace entered): each message is stored once per channel and
/// provider id (a unique index; losing a race to another worker means it is already stored), on the lead the customer
/// is (<see cref="InboundLeadMatcher"/>), in one transaction with the lead's last-inbound time, the lead it may create,
/// and the submission of a Flow reply. Statuses move outbound messages forward only. Idempotent: processing a delivery
/// twice, or ten copies of it at once, stores each message once.
/// </summary>
public sealed class WhatsappInbound(
    LeadlineDb db, InboundLeadMatcher matcher, WhatsappMedia media, MessageStatuses statuses, ConversationObservers observers, ILogger<WhatsappInbound> log)
    : IWebhookDeliveryHandler
{
    private const int MaxTries = 6;

    public IReadOnlyCollection<ChannelKind> Kinds { get; } = [ChannelKind.Whatsapp];

    public async Task<InboundOutcome> ProcessAsync(WebhookDelivery delivery, CancellationToken ct)
    {
        var outcome = new InboundOutcome();
        using var opened = await MetaDelivery.OpenAsync(db, delivery, ct);
        if (opened is null || opened.ObjectKind is not (null or "whatsapp_business_account"))
            return outcome;   // Messenger and Instagram share the endpoint; they are read elsewhere
        var channel = opened.Channel;
        foreach (var entry in opened.Entries.EnumerateArray())
        {
            if (!entry.TryGetProperty("changes", out var changes) || changes.ValueKind != JsonValueKind.Array)
                continue;
            foreach (var change in changes.EnumerateArray())
            {
                if (!change.TryGetProperty("value", out var value) || value.ValueKind != JsonValueKind.Object)
                    continue;
                var field = change.TryGetProperty("field", out var f) ? f.GetString() : null;
                if (field is not ("messages" or "smb_message_echoes"))
                    continue;   // account, template and call updates: nothing for a lead's timeline
                var target = await ChannelOfAsync(value, channel, ct);
                foreach (var message in WhatsappPayload.Messages(value))
                    await StoreAsync(target, message, MessageDirection.Inbound, delivery.Attempts > 1, outcome, ct);
                foreach (var echo in WhatsappPayload.Messages(value, echoes: true))
                    await StoreAsync(target, echo, MessageDirection.Outbound, delivery.Attempts > 1, outcome, ct);
                foreach (var status in WhatsappPayload.Statuses(value))
                    await ApplyStatusAsync(target, status, outcome, ct);
            }
        }
        return outcome;
    }

    /// <summary>
    /// The channel the change is for: Meta posts every number of an app to one callback URL, so the number's id in the
    /// change's metadata names it; the URL's channel otherwise.
    /// </summary>
    private async Task<Channel> ChannelOfAsync(JsonElement value, Channel fallback, CancellationToken ct)
    {
        var phoneNumberId = value.TryGetProperty("metadata", out var meta) && meta.TryGetProperty("phone_number_id", out var p) ? p.GetString() : null;
        if (phoneNumberId is null || PhoneNumberId(fallback) == phoneNumberId)
            return fallback;
        var candidates = await db.Channels.AsNoTracking().Where(c => c.Kind == ChannelKind.Whatsapp && c.Active && c.Settings.Contains(phoneNumberId)).ToListAsync(ct);
        return candidates.FirstOrDefault(c => PhoneNumberId(c) == phoneNumberId) ?? fallback;
    }

    private static string? PhoneNumberId(Channel channel)
    {
        try
        {
            using var settings = JsonDocument.Parse(channel.Settings);
            return settings.RootElement.TryGetProperty("phoneNumberId", out var id) ? id.ToString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private async Task StoreAsync(Channel channel, InboundMessage m, MessageDirection direction, bool retry, InboundOutcome outcome, CancellationToken ct)
    {
        var inbound = direction == MessageDirection.Inbound;
        var providerId = WhatsappPayload.Cut(m.ProviderMessageId, 200)!;
        for (var attempt = 1; ; attempt++)
        {
            db.ChangeTracker.Clear();
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            try
            {
                var existing = await db.Messages.AsNoTracking().Where(x => x.ChannelId == channel.Id && x.ProviderMessageId == providerId)
                    .Select(x => new { x.Id, x.LeadId, x.MediaKey, x.MediaProviderId }).FirstOrDefaultAsync(ct);
                if (existing is not null)
                {
                    await tx.CommitAsync(ct);
                    // a retried delivery fetches what its first try could not
                    if (retry && existing.MediaKey is null && existing.MediaProviderId is { } pending)
                        await media.FetchAsync(channel, existing.Id, pending, ct);
                    return;
                }
                // an echo of a reply sent from the WhatsApp Business app belongs to a known customer; it makes no lead
                if (await matcher.FindOrCreateAsync(channel, Sender(m), mayCreate: inbound, ct) is not { Lead: var lead })
                {
                    log.LogInformation("An echo of a message to {WaId} matched no lead; not stored", m.WaId);
                    await tx.CommitAsync(ct);
                    return;
                }
                if (db.Database.IsNpgsql() && db.Entry(lead).State == EntityState.Unchanged)
                {
                    // two messages of one customer at once: the later timestamp must win, so the row is read under its lock
                    await db.Database.ExecuteSqlInterpolatedAsync($"SELECT 1 FROM leads WHERE id = {lead.Id} FOR UPDATE", ct);
                    await db.Entry(lead).ReloadAsync(ct);
                }
                var message = new Message
                {
                    WorkspaceId = channel.WorkspaceId, LeadId = lead.Id, ChannelId = channel.Id, Direction = direction, Type = m.Type,
                    Text = m.Text, MediaProviderId = WhatsappPayload.Cut(m.MediaProviderId, 200), MediaMimeType = WhatsappPayload.Cut(m.MediaMimeType, 200),
                    MediaCaption = WhatsappPayload.Cut(m.MediaCaption, 4000), Payload = m.Payload, Error = m.Error,
                    // inbound messages were delivered (to us); an echo was sent from the business's phone
                    Status = inbound ? MessageStatus.Delivered : MessageStatus.Sent,
                    ProviderMessageId = providerId, At = m.At,
                };
                db.Messages.Add(message);
                if (inbound && m.FromCustomer)
                {
                    lead.RecordInbound(m.At, whatsapp: true);
                    if (m.Type == MessageType.Text && !string.IsNullOrWhiteSpace(m.Text) && await IsFirstTextAsync(lead, m.At, ct))
                        lead.Enquiry = WhatsappPayload.Cut(m.Text, 4000);
                    if (m.Referral is { } referral && lead.ReferralCtwaClid is null && lead.ReferralAdId is null)
                        (lead.ReferralSource, lead.ReferralAdId, lead.ReferralCtwaClid) = (referral.Source, referral.AdId, referral.CtwaClid);
                }
                if (inbound && m.NewWaId is { } newNumber && newNumber != m.WaId)
                    await matcher.AddIdentityAsync(lead, channel, ChannelKind.Whatsapp, newNumber, ct);   // the old number stays an identity too
                if (inbound && m.FromCustomer)
                    await observers.CustomerWroteAsync(lead, message, ct);
                await db.SaveChangesAsync(ct);
                if (inbound && m.Flow is { } flow)
                {
                    db.Submissions.Add(new Submission
                    {
                        WorkspaceId = channel.WorkspaceId, LeadId = lead.Id, MessageId = message.Id, Flow = flow.Flow, Data = flow.Data, Status = SubmissionStatus.Pending,
                    });
                    await db.SaveChangesAsync(ct);
                }
                await tx.CommitAsync(ct);
                outcome.ChangedLeads.Add(lead.Id);
                if (inbound && m.FromCustomer)
                    outcome.WroteIn.Add(lead.Id);
                if (message.MediaProviderId is { } mediaId)
                    await media.FetchAsync(channel, message.Id, mediaId, ct);
                return;
            }
            catch (DbUpdateException ex) when (attempt < MaxTries)
            {
                // another worker stored this message, or made this sender's lead, a moment ago (unique index), or changed
                // the lead (version): nothing of this try is kept; the next one finds what the other stored
                await tx.RollbackAsync(CancellationToken.None);
                log.LogDebug(ex, "Message {ProviderId}: try {Attempt} lost a race; trying again", providerId, attempt);
            }
        }
    }

    /// <summary>The WhatsApp customer as lead matching sees them: a wa_id is always "+" and its digits in E.164.</summary>
    private static InboundSender Sender(InboundMessage m) => new(ChannelKind.Whatsapp, m.WaId, LeadIntakeMode.Whatsapp)
    {
        Bsuid = m.Bsuid,
        Name = m.ProfileName,
        PhoneE164 = WhatsappPayload.IsDigits(m.WaId) ? "+" + m.WaId : null,
        Source = nameof(LeadSource.Whatsapp),
        Enquiry = m.Type == MessageType.Text ? m.Text : null,
        Referral = m.Referral,
    };

    /// <summary>
    /// Whether a customer's text sent at <paramref name="at"/> is the lead's enquiry: the first text by Meta's time.
    /// Deliveries are processed in parallel, so a later text may have been stored first and made the enquiry; an earlier
    /// one replaces it, but only while the enquiry is still that text (one given otherwise — a form, a person — stays).
    /// </summary>
    private async Task<bool> IsFirstTextAsync(Lead lead, DateTime at, CancellationToken ct)
    {
        if (lead.Enquiry is null)
            return true;
        var first = await db.Messages.AsNoTracking()
            .Where(x => x.LeadId == lead.Id && x.Direction == MessageDirection.Inbound && x.Type == MessageType.Text && x.Text != null)
            .OrderBy(x => x.At).ThenBy(x => x.Id).Select(x => new { x.At, x.Text }).FirstOrDefaultAsync(ct);
        return first is not null && first.At > at && WhatsappPayload.Cut(first.Text, 4000) == lead.Enquiry;
    }

    /// <summary>
    /// A delivery state for one of our messages, forward only (<see cref="MessageStatuses.ApplyAsync"/>). A status for a
    /// message not known yet is held: Meta may post it before its answer to our send gave the outbox the message's id.
    /// </summary>
    private async Task ApplyStatusAsync(Channel channel, InboundStatus status, InboundOutcome outcome, CancellationToken ct)
    {
        await statuses.ApplyOrHoldAsync(channel, status.ProviderMessageId, status.Status, status.Error, status.At, outcome, ct);
    }
}

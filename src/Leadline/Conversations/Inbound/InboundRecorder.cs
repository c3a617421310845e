using Leadline.Channels;
using Leadline.Data;
using Microsoft.EntityFrameworkCore;

namespace Leadline.Conversations.Inbound;

/// <summary>A customer's message as a channel read it, ready for the timeline.</summary>
public sealed record IncomingMessage
{
    /// <summary>Unique per channel (a Twilio MessageSid, an e-mail's Message-ID, a form submission's id): stored once.</summary>
    public required string ProviderMessageId { get; init; }

    /// <summary>When the customer sent it, as the provider says (the customer-service windows run from it).</summary>
    public required DateTime At { get; init; }

    public MessageType Type { get; init; } = MessageType.Text;

    public string? Text { get; init; }

    public string? Subject { get; init; }

    /// <summary>What the provider sent, as JSON (kept with the message; shown for unknown types).</summary>
    public string? Payload { get; init; }

    public string? MediaKey { get; init; }

    public string? MediaMimeType { get; init; }

    public string? MediaCaption { get; init; }

    /// <summary>
    /// Provider ids of earlier messages of this channel the customer answers (an e-mail's In-Reply-To and References):
    /// the lead of the first one found is the customer's, whatever address they write from now.
    /// </summary>
    public IReadOnlyList<string> InReplyTo { get; init; } = [];
}

/// <summary>Where a recorded message landed.</summary>
public sealed record RecordedInbound(int LeadId, long MessageId, bool LeadCreated, bool AlreadyStored);

/// <summary>
/// Stores a customer's message on the lead they are, for any channel: once per channel and provider id (a unique index;
/// losing a race to another worker means it is stored already), on the lead of the message it answers, else the one
/// <see cref="InboundLeadMatcher"/> finds or makes, in one transaction with the lead's last-inbound time, its enquiry and
/// what the <see cref="IConversationObserver"/>s change. The caller announces the outcome (<see cref="InboundAnnouncer"/>).
/// WhatsApp has its own path (echoes, number changes, Flow submissions, media fetched later) on the same tables.
/// </summary>
public sealed class InboundRecorder(LeadlineDb db, InboundLeadMatcher matcher, ConversationObservers observers, ILogger<InboundRecorder> log)
{
    private const int MaxTries = 6;

    public async Task<RecordedInbound> RecordAsync(Channel channel, InboundSender sender, IncomingMessage m, InboundOutcome outcome, CancellationToken ct)
    {
        var providerId = InboundLeadMatcher.Cut(m.ProviderMessageId, 200)!;
        for (var attempt = 1; ; attempt++)
        {
            db.ChangeTracker.Clear();
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            try
            {
                var existing = await db.Messages.AsNoTracking().Where(x => x.ChannelId == channel.Id && x.ProviderMessageId == providerId)
                    .Select(x => new { x.Id, x.LeadId }).FirstOrDefaultAsync(ct);
                if (existing is not null)
                {
                    await tx.CommitAsync(ct);
                    return new RecordedInbound(existing.LeadId, existing.Id, false, true);
                }
                var (lead, created) = await ThreadLeadAsync(channel, m, ct) is { } threaded
                    ? (threaded, false)
                    : (await matcher.FindOrCreateAsync(channel, sender, mayCreate: true, ct))!.Value;
                if (db.Database.IsNpgsql() && db.Entry(lead).State == EntityState.Unchanged)
                {
                    // two messages of one customer at once: the later time must win, so the row is read under its lock
                    await db.Database.ExecuteSqlInterpolatedAsync($"SELECT 1 FROM leads WHERE id = {lead.Id} FOR UPDATE", ct);
                    await db.Entry(lead).ReloadAsync(ct);
                }
                var message = new Message
                {
                    WorkspaceId = channel.WorkspaceId, LeadId = lead.Id, ChannelId = channel.Id, Direction = MessageDirection.Inbound, Type = m.Type,
                    Text = InboundLeadMatcher.Cut(m.Text, 64_000), Subject = InboundLeadMatcher.Cut(m.Subject, 300), Payload = m.Payload,
                    MediaKey = m.MediaKey, MediaMimeType = InboundLeadMatcher.Cut(m.MediaMimeType, 200), MediaCaption = InboundLeadMatcher.Cut(m.MediaCaption, 4000),
                    Status = MessageStatus.Delivered, ProviderMessageId = providerId, At = m.At,
                };
                db.Messages.Add(message);
                lead.RecordInbound(m.At, whatsapp: false);
                if (lead.Enquiry is null && !string.IsNullOrWhiteSpace(m.Text))
                    lead.Enquiry = InboundLeadMatcher.Cut(m.Text.Trim(), 4000);
                await observers.CustomerWroteAsync(lead, message, ct);
                await db.SaveChangesAsync(ct);
                await tx.CommitAsync(ct);
                outcome.ChangedLeads.Add(lead.Id);
                outcome.WroteIn.Add(lead.Id);
                return new RecordedInbound(lead.Id, message.Id, created, false);
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

    /// <summary>The lead of the message this one answers, when the channel threads (e-mail), following merges.</summary>
    private async Task<Leads.Lead?> ThreadLeadAsync(Channel channel, IncomingMessage m, CancellationToken ct)
    {
        if (m.InReplyTo.Count == 0)
            return null;
        var ids = m.InReplyTo.Select(i => InboundLeadMatcher.Cut(i, 200)!).Distinct().Take(50).ToList();
        var leadId = await db.Messages.Where(x => x.ChannelId == channel.Id && x.ProviderMessageId != null && ids.Contains(x.ProviderMessageId))
            .OrderByDescending(x => x.Id).Select(x => (int?)x.LeadId).FirstOrDefaultAsync(ct);
        for (var hops = 0; leadId is { } id && hops < 10; hops++)
        {
            var lead = await db.Leads.FirstOrDefaultAsync(l => l.Id == id, ct);
            if (lead?.MergedIntoId is not { } survivor)
                return lead;
            leadId = survivor;
        }
        return null;
    }
}

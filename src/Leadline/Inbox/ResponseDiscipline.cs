using Leadline.Conversations;
using Leadline.Data;
using Leadline.Leads;
using Leadline.Pipeline;
using Microsoft.EntityFrameworkCore;

namespace Leadline.Inbox;

/// <summary>
/// The response discipline, in the transaction of each message: a customer's message starts the first-response SLA (when
/// no reply is pending) and makes "reply" the next action, due now; a reply records the first response, meets or misses
/// the SLA, and moves a lead still in a New stage to its pipeline's first Contacted stage, the history naming the reply.
/// </summary>
internal sealed class ResponseDiscipline(LeadlineDb db, TimeProvider clock) : IConversationObserver
{
    public async Task CustomerWroteAsync(Lead lead, Message message, CancellationToken ct)
    {
        if (lead.AwaitingReplySince is not null)
            return;   // the clock already runs from the first unanswered message
        var now = clock.GetUtcNow().UtcDateTime;
        var at = message.At < now ? message.At : now;   // the provider's clock, never ahead of ours
        var settings = await ResponseSettings.LoadAsync(db, lead.WorkspaceId, ct);
        lead.AwaitReply(at, settings.DueAt(at));
    }

    public async Task ReplyQueuedAsync(Lead lead, Message message, bool byUser, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var kind = await db.Channels.IgnoreQueryFilters().Where(c => c.Id == message.ChannelId).Select(c => (Channels.ChannelKind?)c.Kind).FirstOrDefaultAsync(ct);
        var how = kind switch
        {
            Channels.ChannelKind.Email => "e-mail",
            Channels.ChannelKind.Sms => "SMS",
            Channels.ChannelKind.Whatsapp => "WhatsApp",
            Channels.ChannelKind.Messenger => "Messenger",
            Channels.ChannelKind.Instagram => "Instagram",
            _ => "message",
        };
        lead.RecordReply(now, (lead.FirstResponseAt is null ? "first reply by " : "reply by ") + how);
        if (lead.Status != StageCategory.New)
            return;
        var contacted = await db.Stages.IgnoreQueryFilters().AsNoTracking()
            .Where(s => s.PipelineId == lead.PipelineId && s.Category == StageCategory.Contacted).OrderBy(s => s.Order).FirstOrDefaultAsync(ct);
        if (contacted is null)
            return;   // a pipeline without a Contacted stage keeps its lead where it is
        var last = await db.Leads.IgnoreQueryFilters().Where(l => l.WorkspaceId == lead.WorkspaceId && l.StageId == contacted.Id).MaxAsync(l => (double?)l.Position, ct);
        lead.MoveTo(contacted, (last ?? 0) + 1024, now);
    }
}

using Leadline.Conversations;
using Leadline.Conversations.Sending;
using Leadline.Data;
using Microsoft.EntityFrameworkCore;

namespace Leadline.Reminders;

/// <summary>
/// WhatsApp-template reminders: at their due time the template is queued in the outbox (the dispatcher sends it), in the
/// same transaction as the reminder's "sent" mark, so it is queued exactly once — the claim skips a reminder another
/// instance holds, and the outbox's idempotency key (<c>reminder:{id}</c>) refuses a second copy even so. A yearly rule
/// (a birthday) schedules next year's reminder in that transaction too.
/// </summary>
public sealed partial class ReminderDispatcher
{
    private async Task<int> RunTemplatesAsync(CancellationToken ct)
    {
        var total = 0;
        while (true)
        {
            var now = clock.GetUtcNow().UtcDateTime;
            var due = await db.Reminders.IgnoreQueryFilters().AsNoTracking()
                .Where(r => r.Status == ReminderStatus.Pending && r.Kind == ReminderKind.WhatsappTemplate && r.DueAt <= now)
                .OrderBy(r => r.DueAt).Take(BatchSize).Select(r => new { r.Id, r.WorkspaceId }).ToListAsync(ct);
            foreach (var reminder in due)
            {
                if (await SendTemplateAsync(reminder.Id, reminder.WorkspaceId, ct))
                    total++;
            }
            if (due.Count < BatchSize)
                return total;
        }
    }

    /// <summary>One reminder in its own workspace scope and transaction; false when another instance had it.</summary>
    private async Task<bool> SendTemplateAsync(int id, int workspaceId, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<WorkspaceScope>().Enter(workspaceId);
        var wdb = scope.ServiceProvider.GetRequiredService<LeadlineDb>();
        var sender = scope.ServiceProvider.GetRequiredService<ConversationSender>();
        var now = clock.GetUtcNow().UtcDateTime;
        await using var tx = await wdb.Database.BeginTransactionAsync(ct);
        if (options.Provider == DatabaseProvider.Postgres
            && (await wdb.Database.SqlQuery<int>($"SELECT id AS \"Value\" FROM reminders WHERE id = {id} AND status = 'Pending' FOR UPDATE SKIP LOCKED").ToListAsync(ct)).Count == 0)
            return false;
        var reminder = await wdb.Reminders.FirstOrDefaultAsync(r => r.Id == id && r.Status == ReminderStatus.Pending, ct);
        if (reminder is null)
            return false;

        var outcome = await sender.QueueAsync(reminder.LeadId, null, null, null,
            new TemplateRequest(reminder.TemplateName ?? "", reminder.Language ?? "", reminder.Parameters), null, $"reminder:{reminder.Id}", ct);
        reminder.Status = ReminderStatus.Sent;
        reminder.FiredAt = now;
        int? notify = null;
        if (outcome.Refused is { } refusal)
        {
            // nothing could be queued (no channel, no number): the owner hears of it instead of the reminder waiting forever
            var lead = await wdb.Leads.Where(l => l.Id == reminder.LeadId).Select(l => new { l.Name, l.OwnerId }).FirstOrDefaultAsync(ct);
            log.LogWarning("WhatsApp reminder {Reminder} could not be sent: {Reason}", reminder.Id, refusal.Message);
            if ((reminder.NotifyUserId ?? lead?.OwnerId ?? reminder.CreatedById) is { } userId)
            {
                notify = userId;
                var text = $"The WhatsApp template \"{reminder.TemplateName}\" to {lead?.Name ?? "a lead"} could not be sent: {refusal.Message}";
                wdb.Notifications.Add(new Notification
                {
                    WorkspaceId = reminder.WorkspaceId, UserId = userId, LeadId = reminder.LeadId, ReminderId = reminder.Id,
                    Text = text.Length > 1000 ? text[..1000] : text, CreatedAt = now,
                });
            }
        }
        await ScheduleNextAsync(wdb, reminder, now, ct);
        await wdb.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        if (notify is { } user)
            await PublishAsync(new Common.Live.LiveEvent(workspaceId, "notifications", user.ToString(System.Globalization.CultureInfo.InvariantCulture)), ct);
        return true;
    }

    /// <summary>A yearly reminder that fired schedules its next occurrence (next year's birthday) as a new pending reminder.</summary>
    private async Task ScheduleNextAsync(LeadlineDb target, Reminder fired, DateTime now, CancellationToken ct)
    {
        if (DueRule.Read(fired.DueRule) is not { IsYearly: true } rule)
            return;
        var lead = await target.Leads.IgnoreQueryFilters().AsNoTracking().FirstOrDefaultAsync(l => l.Id == fired.LeadId && l.ArchivedAt == null, ct);
        if (lead is null)
            return;
        var timeZone = await target.Workspaces.Where(w => w.Id == fired.WorkspaceId).Select(w => w.TimeZone).FirstAsync(ct);
        var after = fired.DueAt > now ? fired.DueAt : now;
        if (rule.Next(lead, new Common.Time.WorkspaceClock(clock, timeZone), after, new Common.Api.Errors()) is not { } next)
            return;
        target.Reminders.Add(new Reminder
        {
            WorkspaceId = fired.WorkspaceId,
            LeadId = fired.LeadId,
            DueAt = next,
            Kind = fired.Kind,
            Message = fired.Message,
            TemplateName = fired.TemplateName,
            Language = fired.Language,
            Parameters = [.. fired.Parameters],
            NotifyUserId = fired.NotifyUserId,
            CreatedById = fired.CreatedById,
            DueRule = fired.DueRule,
            Status = ReminderStatus.Pending,
        });
    }
}

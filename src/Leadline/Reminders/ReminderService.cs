using Leadline.Common.Api;
using Leadline.Common.Security;
using Leadline.Data;
using Microsoft.EntityFrameworkCore;

namespace Leadline.Reminders;

/// <summary>Follow-up reminders of a lead; keeps the lead's NextFollowUpAt equal to its earliest open reminder.</summary>
public sealed class ReminderService(LeadlineDb db, CurrentUser me, TimeProvider clock)
{
    public async Task<List<ReminderResponse>?> ListAsync(int leadId, CancellationToken ct)
    {
        if (!await db.Leads.AnyAsync(l => l.Id == leadId, ct))
            return null;
        var rows = await db.Reminders.AsNoTracking().Where(r => r.LeadId == leadId).OrderBy(r => r.DueAt).ToListAsync(ct);
        return rows.Select(ToResponse).ToList();
    }

    public async Task<Result<ReminderResponse>> CreateAsync(int leadId, ReminderRequest request, CancellationToken ct)
    {
        var lead = await db.Leads.FirstOrDefaultAsync(l => l.Id == leadId && l.ArchivedAt == null, ct);
        if (lead is null)
            return Result<ReminderResponse>.Missing();
        var errors = new Errors();
        if (request.DueAt is null && request.DueRule is null)
            errors.Add("dueAt", "Say when the follow-up is due (an ISO-8601 time).");
        var dueAt = request.DueAt?.ToUniversalTime();
        if (request.DueRule is { } rule)
        {
            var timeZone = await db.Workspaces.Where(w => w.Id == lead.WorkspaceId).Select(w => w.TimeZone).FirstAsync(ct);
            dueAt = rule.Next(lead, new Common.Time.WorkspaceClock(clock, timeZone), Now, errors);
        }
        var kind = ReminderKind.Internal;
        if (request.Kind is { } k && (!Enum.TryParse(k, ignoreCase: true, out kind) || k.All(char.IsAsciiDigit)))
            errors.Add("kind", "Kind must be internal or whatsappTemplate.");
        var message = string.IsNullOrWhiteSpace(request.Message) ? null : request.Message.Trim();
        if (message is { Length: > 1000 })
            errors.Add("message", "The message must be at most 1,000 characters.");
        errors.CheckPlainText("message", message, "The message");
        if (kind == ReminderKind.WhatsappTemplate)
        {
            if (string.IsNullOrWhiteSpace(request.TemplateName))
                errors.Add("templateName", "A WhatsApp reminder needs the approved template's name.");
            if (string.IsNullOrWhiteSpace(request.Language))
                errors.Add("language", "A WhatsApp reminder needs the template's language code (e.g. en_US).");
        }
        if (request.NotifyUserId is { } userId && !await db.Users.AnyAsync(u => u.Id == userId && u.IsActive, ct))
            errors.Add("notifyUserId", "Unknown user: choose an active user of this workspace.");
        if (errors.Any)
            return Result<ReminderResponse>.Invalid(errors);

        var reminder = new Reminder
        {
            LeadId = lead.Id,
            DueAt = dueAt!.Value,
            DueRule = request.DueRule?.Serialize(),
            Kind = kind,
            Message = message,
            TemplateName = request.TemplateName?.Trim(),
            Language = request.Language?.Trim(),
            Parameters = request.Parameters ?? [],
            NotifyUserId = request.NotifyUserId ?? (kind == ReminderKind.Internal ? me.Id is > 0 and var id ? id : lead.OwnerId : null),
            CreatedById = me.Id > 0 ? me.Id : null,
        };
        db.Reminders.Add(reminder);
        await db.SaveChangesAsync(ct);
        await RefreshFollowUpAsync(lead.Id, ct);
        return Result<ReminderResponse>.Ok(ToResponse(reminder));
    }

    /// <summary>Cancels a reminder that has not fired yet; an open follow-up that fired is marked done instead.</summary>
    public Task<Result<ReminderResponse>> CancelAsync(int id, CancellationToken ct) =>
        ChangeAsync(id, ReminderStatus.Pending, ReminderStatus.Cancelled, "Only a pending reminder can be cancelled.", ct);

    public Task<Result<ReminderResponse>> CompleteAsync(int id, CancellationToken ct) =>
        ChangeAsync(id, null, ReminderStatus.Done, "This follow-up is already closed.", ct);

    private async Task<Result<ReminderResponse>> ChangeAsync(int id, ReminderStatus? from, ReminderStatus to, string refusal, CancellationToken ct)
    {
        var reminder = await db.Reminders.FirstOrDefaultAsync(r => r.Id == id, ct);
        if (reminder is null)
            return Result<ReminderResponse>.Missing();
        var allowed = from is { } f ? reminder.Status == f : reminder.Status is ReminderStatus.Pending or ReminderStatus.Sent;
        if (!allowed)
            return Result<ReminderResponse>.Conflicting(refusal);
        reminder.Status = to;
        await db.SaveChangesAsync(ct);
        await RefreshFollowUpAsync(reminder.LeadId, ct);
        return Result<ReminderResponse>.Ok(ToResponse(reminder));
    }

    /// <summary>
    /// The lead's next follow-up is its earliest open reminder (pending, or fired but not done) or scheduled meeting or
    /// task that is not done yet.
    /// </summary>
    public async Task RefreshFollowUpAsync(int leadId, CancellationToken ct)
    {
        var reminder = await db.Reminders.Where(r => r.LeadId == leadId && (r.Status == ReminderStatus.Pending || r.Status == ReminderStatus.Sent))
            .MinAsync(r => (DateTime?)r.DueAt, ct);
        var scheduled = await db.Activities.Where(a => a.LeadId == leadId && a.DueAt != null && a.DoneAt == null).MinAsync(a => a.DueAt, ct);
        var next = reminder is null ? scheduled : scheduled is null || reminder < scheduled ? reminder : scheduled;
        var lead = await db.Leads.FirstAsync(l => l.Id == leadId, ct);
        if (lead.NextFollowUpAt != next)
        {
            lead.NextFollowUpAt = next;
            await db.SaveChangesAsync(ct);
        }
    }

    public DateTime Now => clock.GetUtcNow().UtcDateTime;

    public static ReminderResponse ToResponse(Reminder r) =>
        new(r.Id, r.LeadId, r.DueAt, r.Kind, r.Status, r.Message, r.TemplateName, r.Language, r.Parameters, r.NotifyUserId, r.CreatedAt, r.FiredAt, DueRule.Read(r.DueRule));
}

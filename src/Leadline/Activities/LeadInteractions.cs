using Leadline.Common.Api;
using Leadline.Common.Security;
using Leadline.Common.Time;
using Leadline.Data;
using Leadline.Leads;
using Leadline.Notes;
using Leadline.Reminders;
using Microsoft.EntityFrameworkCore;

namespace Leadline.Activities;

/// <summary>
/// Records what operators do with a lead: notes (from a template or typed), logged calls and e-mails, scheduled
/// meetings and tasks. One save per interaction carries every consequence: the template's tags and outcome, closing,
/// the lead's last activity and first response, and the reservation of an unowned lead, so none happens without the
/// others. The reservation is atomic through the lead's row version: of many first notes at the same instant exactly
/// one save changes the owner; the others are refused by the version check, reload and save their note without it.
/// </summary>
public sealed class LeadInteractions(LeadlineDb db, CurrentUser me, TimeProvider time, ReminderService reminders, LeadService leads)
{
    private const int Attempts = 8;

    public Task<Result<NoteResponse>> AddNoteAsync(int leadId, NoteRequest request, CancellationToken ct) => AddNoteAsync(leadId, request, [], ct);

    /// <summary>A note with files already checked and stored (<see cref="NoteAttachments"/>): their rows are saved with the note.</summary>
    public async Task<Result<NoteResponse>> AddNoteAsync(int leadId, NoteRequest request, IReadOnlyList<NoteAttachment> attachments, CancellationToken ct)
    {
        var draft = await ValidateNoteAsync(leadId, request, required: attachments.Count == 0, ct);
        if (draft.Errors.Any)
            return Result<NoteResponse>.Invalid(draft.Errors);
        var saved = await RecordAsync(leadId, null, draft with { Attachments = attachments }, ct);
        return saved is null ? Result<NoteResponse>.Missing()
            : Result<NoteResponse>.Ok(ToResponse(saved.Value.Note!, [.. saved.Value.Attachments.Select(a => NoteAttachments.ToResponse(a, NoteAttachments.ApiUrl(a)))]));
    }

    public async Task<Result<ActivityResponse>> AddActivityAsync(int leadId, ActivityRequest request, CancellationToken ct)
    {
        var errors = new Errors();
        var activity = new Activity();
        if (request.Type is null)
            errors.Add("type", "Type is required: call, email, meeting or task.");
        else if (!TryParseEnum<ActivityType>(request.Type, out var type))
            errors.Add("type", "Type must be call, email, meeting or task.");
        else
            activity.Type = type;
        var subject = request.Subject?.Trim();
        if (subject is { Length: > 300 })
            errors.Add("subject", "The subject must be at most 300 characters.");
        errors.CheckPlainText("subject", subject, "The subject");
        activity.Subject = string.IsNullOrEmpty(subject) ? DefaultSubject(activity.Type) : subject;
        if (request.Outcome is not null)
        {
            if (TryParseEnum<Outcome>(request.Outcome, out var outcome))
                activity.Outcome = outcome;
            else
                errors.Add("outcome", "Outcome must be positive, negative, partial or unclassified.");
        }
        if (request.DurationSeconds is { } seconds && (seconds < 0 || seconds > 24 * 3600))
            errors.Add("durationSeconds", "The duration must be between 0 and 86,400 seconds.");
        activity.DurationSeconds = request.DurationSeconds;
        var now = Now;
        var scheduled = activity.Type is ActivityType.Meeting or ActivityType.Task;
        if (scheduled && request.DueAt is null && request.DoneAt is null)
            errors.Add("dueAt", "Say when the meeting or task is due.");
        activity.DueAt = request.DueAt?.ToUniversalTime();
        // calls and e-mails are logged when they happened; a meeting or task is done when someone says so
        activity.DoneAt = request.DoneAt?.ToUniversalTime() ?? (scheduled ? null : now);
        if (activity.DoneAt > now.AddMinutes(5))
            errors.Add("doneAt", "An activity cannot be done in the future.");
        if (activity.DoneAt is null && activity.DueAt is { } due && ScheduledTime.IsPast(due, now))
            errors.Add("dueAt", ScheduledTime.PastMessage);

        NoteDraft? note = null;
        if (!string.IsNullOrWhiteSpace(request.Note) || request.TemplateId is not null)
        {
            note = await ValidateNoteAsync(leadId, new NoteRequest(request.Note, request.TemplateId, request.Outcome, null), required: false, ct);
            foreach (var field in new[] { "text", "templateId" })
                foreach (var message in note.Errors.For(field))
                    errors.Add(field == "text" ? "note" : field, message);
            // a call logged with a template takes the template's outcome unless one was chosen
            activity.Outcome ??= note.Note.Outcome;
        }
        if (errors.Any)
            return Result<ActivityResponse>.Invalid(errors);

        var saved = await RecordAsync(leadId, activity, note, ct);
        if (saved is null)
            return Result<ActivityResponse>.Missing();
        if (activity.DueAt is not null)
            await reminders.RefreshFollowUpAsync(leadId, ct);
        return Result<ActivityResponse>.Ok(ToResponse(saved.Value.Activity!, saved.Value.Note?.Id));
    }

    /// <summary>Marks a scheduled meeting or task done; the lead's next follow-up moves on.</summary>
    public async Task<Result<ActivityResponse>> CompleteActivityAsync(int id, CancellationToken ct)
    {
        var activity = await db.Activities.FirstOrDefaultAsync(a => a.Id == id, ct);
        if (activity is null)
            return Result<ActivityResponse>.Missing();
        if (activity.DoneAt is not null)
            return Result<ActivityResponse>.Conflicting("This activity is already done.");
        activity.DoneAt = Now;
        var lead = await db.Leads.FirstAsync(l => l.Id == activity.LeadId, ct);
        lead.RecordInteraction(activity.DoneAt.Value, responds: true);
        await db.SaveChangesAsync(ct);
        await reminders.RefreshFollowUpAsync(activity.LeadId, ct);
        return Result<ActivityResponse>.Ok(ToResponse(activity, null));
    }

    public async Task<List<NoteResponse>?> NotesAsync(int leadId, CancellationToken ct)
    {
        if (!await db.Leads.AnyAsync(l => l.Id == leadId, ct))
            return null;
        var notes = await db.Notes.AsNoTracking().Where(n => n.LeadId == leadId).OrderByDescending(n => n.CreatedAt).ThenByDescending(n => n.Id).ToListAsync(ct);
        var files = (await db.NoteAttachments.AsNoTracking().Where(a => a.LeadId == leadId).OrderBy(a => a.Id).ToListAsync(ct)).ToLookup(a => a.NoteId);
        return notes.Select(n => ToResponse(n, files.Contains(n.Id) ? [.. files[n.Id].Select(a => NoteAttachments.ToResponse(a, NoteAttachments.ApiUrl(a)))] : [])).ToList();
    }

    public async Task<List<ActivityResponse>?> ActivitiesAsync(int leadId, CancellationToken ct)
    {
        if (!await db.Leads.AnyAsync(l => l.Id == leadId, ct))
            return null;
        var activities = await db.Activities.AsNoTracking().Where(a => a.LeadId == leadId)
            .OrderByDescending(a => a.DoneAt ?? a.DueAt ?? a.CreatedAt).ThenByDescending(a => a.Id).ToListAsync(ct);
        var notes = await db.Notes.AsNoTracking().Where(n => n.LeadId == leadId && n.ActivityId != null)
            .Select(n => new { n.ActivityId, n.Id }).ToListAsync(ct);
        var noteOf = notes.GroupBy(n => n.ActivityId!.Value).ToDictionary(g => g.Key, g => g.Max(n => n.Id));
        return activities.Select(a => ToResponse(a, noteOf.TryGetValue(a.Id, out var n) ? n : null)).ToList();
    }

    private sealed record NoteDraft(Note Note, NoteTemplate? Template, Errors Errors)
    {
        public IReadOnlyList<NoteAttachment> Attachments { get; init; } = [];
    }

    private async Task<NoteDraft> ValidateNoteAsync(int leadId, NoteRequest request, bool required, CancellationToken ct)
    {
        var errors = new Errors();
        var note = new Note { Text = request.Text?.Trim() ?? "", ParentId = request.ParentId };
        NoteTemplate? template = null;
        if (request.TemplateId is { } templateId)
        {
            template = await db.NoteTemplates.AsNoTracking().FirstOrDefaultAsync(t => t.Id == templateId, ct);
            if (template is null)
                errors.Add("templateId", "Unknown note template.");
            else
            {
                note.TemplateId = template.Id;
                note.Outcome = template.Outcome;
                note.ClosesLead = template.ClosesLead;
                if (note.Text.Length == 0)
                    note.Text = template.Text;
            }
        }
        if (note.Text.Length == 0 && (required || template is not null))
            errors.Add("text", "Write the note (or choose a predefined note).");
        if (note.Text.Length > Note.MaxLength)
            errors.Add("text", $"A note must be at most {Note.MaxLength:N0} characters.");
        errors.CheckPlainText("text", note.Text, "The note");
        if (request.Outcome is not null)
        {
            if (TryParseEnum<Outcome>(request.Outcome, out var outcome))
                note.Outcome = outcome;
            else
                errors.Add("outcome", "Outcome must be positive, negative, partial or unclassified.");
        }
        if (request.ParentId is { } parentId && !await db.Notes.AnyAsync(n => n.Id == parentId && n.LeadId == leadId, ct))
            errors.Add("parentId", "The note you reply to is not on this lead.");
        return new NoteDraft(note, template, errors);
    }

    /// <summary>Saves the activity and/or note with their effects on the lead; null when the lead does not exist.</summary>
    private async Task<(Activity? Activity, Note? Note, List<NoteAttachment> Attachments)?> RecordAsync(int leadId, Activity? activityDraft, NoteDraft? noteDraft, CancellationToken ct)
    {
        var workspace = await leads.WorkspaceAsync(ct);
        var reserving = me.IsAuthenticated && workspace.ReservationRoles.Contains(me.Role, StringComparer.OrdinalIgnoreCase);
        for (var attempt = 1; ; attempt++)
        {
            var lead = await db.Leads.FirstOrDefaultAsync(l => l.Id == leadId && l.ArchivedAt == null, ct);
            if (lead is null)
                return null;
            var now = Now;
            Activity? activity = null;
            Note? note = null;
            var attachments = new List<NoteAttachment>();
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            try
            {
                if (activityDraft is not null)
                {
                    activity = Copy(activityDraft);
                    activity.LeadId = lead.Id;
                    activity.UserId = me.IsAuthenticated ? me.Id : null;
                    activity.UserName = me.IsAuthenticated ? me.Name : "System";
                    db.Activities.Add(activity);
                    if (activity.DoneAt is { } done)
                        lead.RecordInteraction(done, responds: true);
                    await db.SaveChangesAsync(ct);   // the note below points at the activity's id
                }
                if (noteDraft is not null)
                {
                    note = Copy(noteDraft.Note);
                    note.LeadId = lead.Id;
                    note.ActivityId = activity?.Id;
                    note.AuthorId = me.IsAuthenticated ? me.Id : null;
                    note.AuthorName = me.IsAuthenticated ? me.Name : "System";
                    note.CreatedAt = now;
                    db.Notes.Add(note);
                    foreach (var file in noteDraft.Attachments)
                    {
                        var attachment = Copy(file);
                        attachment.Note = note;
                        attachment.LeadId = lead.Id;
                        attachments.Add(attachment);
                        db.NoteAttachments.Add(attachment);
                    }
                    if (noteDraft.Template is { Tags.Count: > 0 } template)
                    {
                        var tags = lead.Tags.Union(template.Tags, StringComparer.OrdinalIgnoreCase).ToList();
                        if (tags.Count != lead.Tags.Count)
                            lead.Tags = tags;   // a new list, so the history interceptor sees old → new
                    }
                    if (note.ClosesLead)
                        lead.CloseByNote(now);
                    lead.RecordInteraction(now, responds: false);
                }
                if (reserving && lead.OwnerId is null)
                    lead.Reserve(me.Id, now);
                await db.SaveChangesAsync(ct);
                await transaction.CommitAsync(ct);
                return (activity, note, attachments);
            }
            catch (DbUpdateConcurrencyException) when (attempt < Attempts)
            {
                // someone changed the lead meanwhile (another operator's first note took the reservation): start again
                await transaction.RollbackAsync(ct);
                db.ChangeTracker.Clear();
            }
        }
    }

    private static Activity Copy(Activity a) => new()
    {
        Type = a.Type, Subject = a.Subject, Outcome = a.Outcome, DurationSeconds = a.DurationSeconds, DueAt = a.DueAt, DoneAt = a.DoneAt,
    };

    private static NoteAttachment Copy(NoteAttachment a) => new()
    {
        WorkspaceId = a.WorkspaceId, FileName = a.FileName, ContentType = a.ContentType, Size = a.Size, StorageKey = a.StorageKey, CreatedAt = a.CreatedAt,
    };

    private static Note Copy(Note n) => new()
    {
        Text = n.Text, ParentId = n.ParentId, TemplateId = n.TemplateId, Outcome = n.Outcome, ClosesLead = n.ClosesLead,
    };

    private DateTime Now => time.GetUtcNow().UtcDateTime;

    private static string DefaultSubject(ActivityType type) => type switch
    {
        ActivityType.Call => "Call",
        ActivityType.Email => "E-mail",
        ActivityType.Meeting => "Meeting",
        _ => "Task",
    };

    /// <summary>Enumerations arrive as names, case-insensitively; numbers are refused.</summary>
    public static bool TryParseEnum<T>(string value, out T result) where T : struct, Enum =>
        Enum.TryParse(value.Trim(), ignoreCase: true, out result) && !value.Trim().All(char.IsAsciiDigit) && Enum.IsDefined(result);

    public static NoteResponse ToResponse(Note n) => ToResponse(n, null);

    public static NoteResponse ToResponse(Note n, IReadOnlyList<NoteAttachmentResponse>? attachments) =>
        new(n.Id, n.LeadId, n.ParentId, n.AuthorId, n.AuthorName, n.Text, n.TemplateId, n.Outcome, n.ClosesLead, n.ActivityId, n.CreatedAt, attachments);

    public static ActivityResponse ToResponse(Activity a, int? noteId) =>
        new(a.Id, a.LeadId, a.Type, a.Subject, a.Outcome, a.DurationSeconds, a.DueAt, a.DoneAt, a.UserId, a.UserName, a.CreatedAt, noteId);
}

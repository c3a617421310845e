using System.Text.Json;
using Leadline.Activities;
using Leadline.Common.Api;
using Leadline.Data;
using Leadline.Identity;
using Leadline.Notes;
using Microsoft.EntityFrameworkCore;

namespace Leadline.Submissions;

/// <summary>Bot-flow submissions: listed for review, per lead, created by the API, approved or rejected once.</summary>
public sealed class SubmissionService(LeadlineDb db, CurrentUser me, TimeProvider time, LeadInteractions interactions)
{
    public const int MaxFlow = 200;

    public async Task<List<SubmissionResponse>> ListAsync(SubmissionStatus? status, CancellationToken ct)
    {
        var rows = await db.Submissions.AsNoTracking().Where(s => status == null || s.Status == status)
            .OrderBy(s => s.Status == SubmissionStatus.Pending ? 0 : 1).ThenBy(s => s.Status == SubmissionStatus.Pending ? s.Id : -s.Id)
            .Take(500).ToListAsync(ct);
        return await MapAsync(rows, ct);
    }

    /// <summary>A lead's submissions, newest first; null when the user cannot see the lead.</summary>
    public async Task<List<SubmissionResponse>?> ForLeadAsync(int leadId, CancellationToken ct)
    {
        if (!await db.Leads.AnyAsync(l => l.Id == leadId, ct))
            return null;
        var rows = await db.Submissions.AsNoTracking().Where(s => s.LeadId == leadId).OrderByDescending(s => s.Id).ToListAsync(ct);
        return await MapAsync(rows, ct);
    }

    public async Task<SubmissionResponse?> GetAsync(long id, CancellationToken ct) =>
        await db.Submissions.AsNoTracking().FirstOrDefaultAsync(s => s.Id == id, ct) is { } s ? (await MapAsync([s], ct))[0] : null;

    public async Task<Result<SubmissionResponse>> CreateAsync(int leadId, SubmissionRequest request, CancellationToken ct)
    {
        if (!await db.Leads.AnyAsync(l => l.Id == leadId, ct))
            return Result<SubmissionResponse>.Missing();
        var errors = new Errors();
        var flow = request.Flow?.Trim();
        if (string.IsNullOrEmpty(flow))
            errors.Add("flow", "Name the flow the answers came from.");
        else if (flow.Length > MaxFlow)
            errors.Add("flow", $"The flow name is at most {MaxFlow} characters.");
        else
            errors.CheckPlainText("flow", flow, "The flow name");
        if (request.Data is not { ValueKind: JsonValueKind.Object } data)
            errors.Add("data", "The answers must be a JSON object.");
        else if (data.GetRawText().Contains("\\u0000", StringComparison.Ordinal))
            errors.Add("data", "The answers contain a NUL character.");
        if (errors.Any)
            return Result<SubmissionResponse>.Invalid(errors);
        var now = time.GetUtcNow().UtcDateTime;
        var submission = new Submission
        {
            LeadId = leadId, Flow = flow!, Data = request.Data!.Value.GetRawText(), Status = SubmissionStatus.Pending, CreatedAt = now, UpdatedAt = now,
        };
        db.Submissions.Add(submission);
        await db.SaveChangesAsync(ct);
        return Result<SubmissionResponse>.Ok((await MapAsync([submission], ct))[0]);
    }

    /// <summary>Approves or rejects a pending submission once (a second review is a conflict), and notes it on the lead.</summary>
    public async Task<Result<SubmissionResponse>> ReviewAsync(long id, bool approve, string? note, CancellationToken ct)
    {
        note = string.IsNullOrWhiteSpace(note) ? null : note.Trim();
        var errors = new Errors();
        if (note is { Length: > 2000 })
            errors.Add("note", "The note is at most 2000 characters.");
        errors.CheckPlainText("note", note, "The note");
        if (errors.Any)
            return Result<SubmissionResponse>.Invalid(errors);
        var submission = await db.Submissions.AsNoTracking().FirstOrDefaultAsync(s => s.Id == id, ct);
        if (submission is null)
            return Result<SubmissionResponse>.Missing();
        var now = time.GetUtcNow().UtcDateTime;
        var status = approve ? SubmissionStatus.Approved : SubmissionStatus.Rejected;
        var reviewer = me.Id;
        // claimed with a condition, so two reviewers at once cannot both decide: the second gets a conflict
        var claimed = await db.Submissions.Where(s => s.Id == id && s.Status == SubmissionStatus.Pending).ExecuteUpdateAsync(u => u
            .SetProperty(s => s.Status, status).SetProperty(s => s.ReviewNote, note).SetProperty(s => s.ReviewedById, reviewer)
            .SetProperty(s => s.ReviewedAt, now).SetProperty(s => s.UpdatedAt, now), ct);
        if (claimed == 0)
            return Result<SubmissionResponse>.Conflicting($"This submission was already {submission.Status.ToString().ToLowerInvariant()}.");
        var text = $"{(approve ? "Approved" : "Rejected")} the \"{submission.Flow}\" submission #{id}{(note is null ? "." : $": {note}")}";
        await interactions.AddNoteAsync(submission.LeadId, new NoteRequest(text.Length > Note.MaxLength ? text[..Note.MaxLength] : text, null, null, null), ct);
        return Result<SubmissionResponse>.Ok((await GetAsync(id, ct))!);
    }

    public async Task<List<FlowMappingResponse>> MappingsAsync(CancellationToken ct) =>
        (await db.SubmissionFlowMappings.AsNoTracking().OrderBy(m => m.Flow).ToListAsync(ct))
            .Select(m => new FlowMappingResponse(m.Id, m.Flow, m.FieldList())).ToList();

    /// <summary>Sets the labels of a flow (an empty list removes the flow's mapping).</summary>
    public async Task<Result<FlowMappingResponse?>> SaveMappingAsync(string? flow, IReadOnlyList<FlowField> fields, CancellationToken ct)
    {
        var errors = new Errors();
        flow = flow?.Trim();
        if (string.IsNullOrEmpty(flow) || flow.Length > MaxFlow)
            errors.Add("flow", $"Name the flow (at most {MaxFlow} characters).");
        var clean = fields.Where(f => !string.IsNullOrWhiteSpace(f.Path) || !string.IsNullOrWhiteSpace(f.Label))
            .Select(f => new FlowField(f.Path.Trim(), f.Label.Trim())).ToList();
        foreach (var f in clean)
        {
            if (!JsonPaths.IsValid(f.Path))
                errors.Add("path", $"\"{f.Path}\" is not a JSON path such as $.transaction_id or $.payment.amount.");
            if (f.Label.Length is 0 or > 100)
                errors.Add("label", $"Give \"{f.Path}\" a label of at most 100 characters.");
        }
        if (clean.Select(f => f.Label).Distinct(StringComparer.OrdinalIgnoreCase).Count() != clean.Count)
            errors.Add("label", "Each label once per flow.");
        if (errors.Any)
            return Result<FlowMappingResponse?>.Invalid(errors);
        var mapping = await db.SubmissionFlowMappings.FirstOrDefaultAsync(m => m.Flow == flow, ct);
        var now = time.GetUtcNow().UtcDateTime;
        if (clean.Count == 0)
        {
            if (mapping is not null)
            {
                db.SubmissionFlowMappings.Remove(mapping);
                await db.SaveChangesAsync(ct);
            }
            return Result<FlowMappingResponse?>.Ok(null);
        }
        if (mapping is null)
            db.SubmissionFlowMappings.Add(mapping = new SubmissionFlowMapping { Flow = flow!, CreatedAt = now });
        mapping.Fields = JsonSerializer.Serialize(clean, JsonSerializerOptions.Web);
        mapping.UpdatedAt = now;
        await db.SaveChangesAsync(ct);
        return Result<FlowMappingResponse?>.Ok(new FlowMappingResponse(mapping.Id, mapping.Flow, clean));
    }

    /// <summary>A stored file of a submission on a lead the user can see: its key and name, or null.</summary>
    public async Task<(string Key, string Name, string? MimeType)?> FileAsync(long id, int index, CancellationToken ct)
    {
        var submission = await db.Submissions.AsNoTracking().Where(s => s.Id == id && db.Leads.Any(l => l.Id == s.LeadId)).FirstOrDefaultAsync(ct);
        var files = SubmissionJson.Files(submission?.Files);
        return index >= 0 && index < files.Count ? (files[index].Key, files[index].Name, files[index].MimeType) : null;
    }

    private async Task<List<SubmissionResponse>> MapAsync(List<Submission> rows, CancellationToken ct)
    {
        var flows = rows.Select(r => r.Flow).Distinct().ToList();
        var mappings = (await db.SubmissionFlowMappings.AsNoTracking().Where(m => flows.Contains(m.Flow)).ToListAsync(ct))
            .ToDictionary(m => m.Flow, m => m.FieldList());
        var userIds = rows.Where(r => r.ReviewedById != null).Select(r => r.ReviewedById!.Value).Distinct().ToList();
        var users = await db.Users.AsNoTracking().Where(u => userIds.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.Name, ct);
        var leadIds = rows.Select(r => r.LeadId).Distinct().ToList();
        var leads = await db.Leads.AsNoTracking().Where(l => leadIds.Contains(l.Id)).ToDictionaryAsync(l => l.Id, l => l.Name, ct);
        return rows.Select(r =>
        {
            var data = SubmissionJson.Parse(r.Data);
            var mapped = new Dictionary<string, string?>();
            foreach (var f in mappings.GetValueOrDefault(r.Flow) ?? [])
                mapped[f.Label] = JsonPaths.Read(data, f.Path);
            var files = SubmissionJson.Files(r.Files).Select((f, i) => new SubmissionFile(f.Name, $"/api/v1/submissions/{r.Id}/files/{i}")
                { ImageType = f.MimeType?.StartsWith("image/", StringComparison.OrdinalIgnoreCase) == true }).ToList();
            return new SubmissionResponse(r.Id, r.LeadId, leads.GetValueOrDefault(r.LeadId) ?? "", r.Flow, data, mapped, files,
                r.Status.ToString().ToLowerInvariant(), r.ReviewedById is { } by ? users.GetValueOrDefault(by) : null, r.ReviewedAt, r.ReviewNote, r.CreatedAt);
        }).ToList();
    }
}

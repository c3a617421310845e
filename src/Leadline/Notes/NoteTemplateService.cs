using Leadline.Activities;
using Leadline.Common.Api;
using Leadline.Data;
using Microsoft.EntityFrameworkCore;

namespace Leadline.Notes;

/// <summary>Predefined notes of the workspace (Settings → Note templates).</summary>
public sealed class NoteTemplateService(LeadlineDb db)
{
    public async Task<List<NoteTemplateResponse>> ListAsync(CancellationToken ct) =>
        (await db.NoteTemplates.AsNoTracking().OrderBy(t => t.Title).ToListAsync(ct)).Select(ToResponse).ToList();

    public async Task<NoteTemplateResponse?> GetAsync(int id, CancellationToken ct) =>
        await db.NoteTemplates.AsNoTracking().FirstOrDefaultAsync(t => t.Id == id, ct) is { } t ? ToResponse(t) : null;

    public Task<Result<NoteTemplateResponse>> CreateAsync(NoteTemplateRequest request, CancellationToken ct) => SaveAsync(new NoteTemplate(), request, ct);

    public async Task<Result<NoteTemplateResponse>> UpdateAsync(int id, NoteTemplateRequest request, CancellationToken ct) =>
        await db.NoteTemplates.FirstOrDefaultAsync(t => t.Id == id, ct) is { } template
            ? await SaveAsync(template, request, ct)
            : Result<NoteTemplateResponse>.Missing();

    public async Task<bool> DeleteAsync(int id, CancellationToken ct)
    {
        var template = await db.NoteTemplates.FirstOrDefaultAsync(t => t.Id == id, ct);
        if (template is null)
            return false;
        // notes made from it keep their text, tags and outcome; only the link to the template goes
        db.NoteTemplates.Remove(template);
        await db.SaveChangesAsync(ct);
        return true;
    }

    private async Task<Result<NoteTemplateResponse>> SaveAsync(NoteTemplate template, NoteTemplateRequest request, CancellationToken ct)
    {
        var errors = new Errors();
        var title = request.Title?.Trim() ?? "";
        var text = request.Text?.Trim() ?? "";
        errors.CheckPlainText("title", title, "The title");
        if (title.Length == 0)
            errors.Add("title", "Give the template a title.");
        else if (title.Length > 200)
            errors.Add("title", "The title must be at most 200 characters.");
        // only a title validation accepted is looked up (PostgreSQL cannot even take a NUL as a parameter)
        else if (errors.For("title").Count == 0 && await db.NoteTemplates.AnyAsync(t => t.Title == title && t.Id != template.Id, ct))
            errors.Add("title", $"A template called \"{title}\" already exists.");
        if (text.Length == 0)
            errors.Add("text", "Write the note text.");
        else if (text.Length > Note.MaxLength)
            errors.Add("text", $"The text must be at most {Note.MaxLength:N0} characters.");
        var tags = (request.Tags ?? []).Select(t => t.Trim().ToLowerInvariant()).Where(t => t.Length > 0).Distinct().ToList();
        if (tags.Any(t => t.Length > 50))
            errors.Add("tags", "A tag must be at most 50 characters.");
        errors.CheckPlainText("text", text, "The text");
        foreach (var tag in tags)
            errors.CheckPlainText("tags", tag, "A tag");
        Outcome? outcome = null;
        if (!string.IsNullOrWhiteSpace(request.Outcome))
        {
            if (LeadInteractions.TryParseEnum<Outcome>(request.Outcome, out var parsed))
                outcome = parsed;
            else
                errors.Add("outcome", "Outcome must be positive, negative, partial or unclassified.");
        }
        if (errors.Any)
            return Result<NoteTemplateResponse>.Invalid(errors);

        template.Title = title;
        template.Text = text;
        template.Tags = tags;
        template.Outcome = outcome;
        template.ClosesLead = request.ClosesLead ?? false;
        if (template.Id == 0)
            db.NoteTemplates.Add(template);
        await db.SaveChangesAsync(ct);
        return Result<NoteTemplateResponse>.Ok(ToResponse(template));
    }

    public static NoteTemplateResponse ToResponse(NoteTemplate t) => new(t.Id, t.Title, t.Text, t.Tags, t.Outcome, t.ClosesLead);
}

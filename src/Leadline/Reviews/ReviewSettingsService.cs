using Leadline.Common.Api;
using Leadline.Data;
using Microsoft.EntityFrameworkCore;

namespace Leadline.Reviews;

/// <summary>The settings form and API body (Settings → Reviews); absent values keep their defaults.</summary>
public sealed class ReviewSettingsRequest
{
    public string? ReviewLink { get; set; }

    public int? PeriodDays { get; set; }

    public bool? AutoOnWon { get; set; }

    public string? TemplateName { get; set; }

    public string? TemplateLanguage { get; set; }

    public string? TemplateParameters { get; set; }

    public string? Text { get; set; }

    public string? Subject { get; set; }
}

public sealed record ReviewSettingsResponse(
    string? ReviewLink, int PeriodDays, bool AutoOnWon, string? TemplateName, string TemplateLanguage, IReadOnlyList<string> TemplateParameters, string Text, string Subject);

/// <summary>Reads and saves the workspace's review settings; a workspace that never saved them has the defaults (and no link).</summary>
public sealed class ReviewSettingsService(LeadlineDb db)
{
    public const int MaxPeriodDays = 3650;

    public async Task<ReviewSettings> GetAsync(CancellationToken ct) =>
        await db.ReviewSettings.AsNoTracking().FirstOrDefaultAsync(ct) ?? new ReviewSettings();

    public async Task<Result<ReviewSettings>> SaveAsync(ReviewSettingsRequest request, CancellationToken ct)
    {
        var errors = new Errors();
        var link = request.ReviewLink?.Trim();
        if (string.IsNullOrEmpty(link))
            link = null;
        else if (link.Length > 1000 || !Uri.TryCreate(link, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http"))
            errors.Add("reviewLink", "The review link must be a web address starting with https:// (at most 1,000 characters).");
        var period = request.PeriodDays ?? ReviewSettings.DefaultPeriodDays;
        if (period is < 1 or > MaxPeriodDays)
            errors.Add("periodDays", $"The period must be from 1 to {MaxPeriodDays:N0} days.");
        var template = string.IsNullOrWhiteSpace(request.TemplateName) ? null : request.TemplateName.Trim();
        if (template is { Length: > 200 })
            errors.Add("templateName", "The template name must be at most 200 characters.");
        errors.CheckPlainText("templateName", template, "The template name");
        var language = string.IsNullOrWhiteSpace(request.TemplateLanguage) ? "en" : request.TemplateLanguage.Trim();
        if (language.Length > 20)
            errors.Add("templateLanguage", "The language code must be at most 20 characters (e.g. en or en_US).");
        errors.CheckPlainText("templateLanguage", language, "The language code");
        var parameters = string.IsNullOrWhiteSpace(request.TemplateParameters) ? ReviewSettings.LinkPlaceholder : request.TemplateParameters.Trim().ReplaceLineEndings("\n");
        if (parameters.Length > 2000)
            errors.Add("templateParameters", "The parameters must be at most 2,000 characters.");
        if (template is not null && !parameters.Contains(ReviewSettings.LinkPlaceholder, StringComparison.Ordinal))
            errors.Add("templateParameters", $"One parameter must be {ReviewSettings.LinkPlaceholder}: the tracked link.");
        var text = string.IsNullOrWhiteSpace(request.Text) ? ReviewSettings.DefaultText : request.Text.Trim().ReplaceLineEndings("\n");
        if (text.Length > 2000)
            errors.Add("text", "The text must be at most 2,000 characters.");
        else if (!text.Contains(ReviewSettings.LinkPlaceholder, StringComparison.Ordinal))
            errors.Add("text", $"The text must contain {ReviewSettings.LinkPlaceholder}: where the tracked link goes.");
        errors.CheckPlainText("text", text, "The text");
        var subject = string.IsNullOrWhiteSpace(request.Subject) ? ReviewSettings.DefaultSubject : request.Subject.Trim();
        if (subject.Length > 300)
            errors.Add("subject", "The subject must be at most 300 characters.");
        errors.CheckPlainText("subject", subject, "The subject");
        if (errors.Any)
            return Result<ReviewSettings>.Invalid(errors);

        var settings = await db.ReviewSettings.FirstOrDefaultAsync(ct);
        if (settings is null)
            db.ReviewSettings.Add(settings = new ReviewSettings { WorkspaceId = db.CurrentWorkspaceId });
        settings.ReviewLink = link;
        settings.PeriodDays = period;
        settings.AutoOnWon = request.AutoOnWon ?? false;
        settings.TemplateName = template;
        settings.TemplateLanguage = language;
        settings.TemplateParameters = parameters;
        settings.Text = text;
        settings.Subject = subject;
        await db.SaveChangesAsync(ct);
        return Result<ReviewSettings>.Ok(settings);
    }

    public static ReviewSettingsResponse ToResponse(ReviewSettings s) =>
        new(s.ReviewLink, s.PeriodDays, s.AutoOnWon, s.TemplateName, s.TemplateLanguage,
            s.TemplateParameters.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries), s.Text, s.Subject);
}

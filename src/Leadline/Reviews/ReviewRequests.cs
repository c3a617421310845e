using System.Security.Cryptography;
using Leadline.Channels;
using Leadline.Common.Security;
using Leadline.Conversations;
using Leadline.Data;
using Leadline.Leads;
using Leadline.Pipeline;
using Microsoft.EntityFrameworkCore;

namespace Leadline.Reviews;

/// <summary>A review request sent, or why none was (codes: notFound, invalid, noReviewLink, notEligible, recentlyRequested, and the sender's).</summary>
public sealed record ReviewOutcome(ReviewRequest? Request, SendRefusal? Refused)
{
    public static ReviewOutcome Refuse(string code, string message, string? field = null) => new(null, new SendRefusal(code, message, field));
}

/// <summary>
/// Asks a customer for a review, once they are eligible (docs/reviews.md): the workspace has a review link; the job was
/// not lost and the customer did not fail to show (the lead's outcome, or a Lost-category stage); and nobody asked the
/// same customer within the workspace's period. "The customer" is the lead and its duplicates: the leads merged into it
/// and every lead of the workspace with the same e-mail address or the same phone number (phone or mobile, E.164).
/// The message goes through <see cref="IConversationSender"/> (a WhatsApp template, or a text that the sender routes) and
/// carries a tracked link <c>/r/{token}</c>; the request row, the message and the lead's new status commit together.
/// </summary>
public sealed class ReviewRequests(LeadlineDb db, IConversationSender sender, CurrentUser me, TimeProvider time, ReviewSettingsService settingsService, IHttpContextAccessor http,
    Channels.PublicUrls publicUrls)
{
    public const string LinkPath = "/r/";

    public async Task<ReviewOutcome> RequestAsync(int leadId, int? channelId, ReviewTrigger trigger, CancellationToken ct)
    {
        var lead = await db.Leads.FirstOrDefaultAsync(l => l.Id == leadId && l.ArchivedAt == null, ct);
        if (lead is null)
            return ReviewOutcome.Refuse("notFound", "No such lead.");
        var settings = await settingsService.GetAsync(ct);
        var now = time.GetUtcNow().UtcDateTime;
        if (await RefusalAsync(lead, settings, now, ct) is { } refused)
            return new ReviewOutcome(null, refused);

        Channel? channel = null;
        if (channelId is { } id && (channel = await db.Channels.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id && c.Active, ct)) is null)
            return ReviewOutcome.Refuse("invalid", "No such active channel in this workspace.", "channelId");

        var token = NewToken();
        var link = LinkFor(token);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        // a template on WhatsApp when one is configured (it starts a conversation outside the 24-hour window), else the text
        var sent = settings.TemplateName is { } template && (channel is null || channel.Kind == ChannelKind.Whatsapp)
            ? await sender.SendTemplateAsync(lead.Id, channelId, new TemplateRequest(template, settings.TemplateLanguage, Parameters(settings, link)), ct)
            : await sender.SendTextAsync(lead.Id, channelId, settings.Text.Replace(ReviewSettings.LinkPlaceholder, link, StringComparison.Ordinal)
                .Replace("{{lead.name}}", lead.Name, StringComparison.Ordinal), settings.Subject, ct);
        if (sent.Refused is { } refusal)
        {
            await transaction.RollbackAsync(ct);
            return new ReviewOutcome(null, refusal);
        }
        var request = new ReviewRequest
        {
            LeadId = lead.Id, Token = token, MessageId = sent.Queued!.Id, ChannelId = sent.Queued.ChannelId, Trigger = trigger,
            Status = ReviewRequestStatus.Sent, UserId = me.IsAuthenticated ? me.Id : null, SentAt = now,
        };
        db.ReviewRequests.Add(request);
        lead.StartReviewRequest(now);
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return new ReviewOutcome(request, null);
    }

    /// <summary>Why the lead may not be asked now, or null when it may.</summary>
    public async Task<SendRefusal?> RefusalAsync(Lead lead, ReviewSettings settings, DateTime now, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(settings.ReviewLink))
            return new SendRefusal("noReviewLink", "Set the workspace's review link first (Settings → Reviews).");
        if (lead.JobOutcome is JobOutcome.Lost or JobOutcome.NoShow || lead.Status == StageCategory.Lost)
            return new SendRefusal("notEligible", lead.JobOutcome == JobOutcome.NoShow
                ? "The customer did not show up: no review request after a no-show."
                : "The job was lost: no review request after a loss.");
        var since = now.AddDays(-settings.PeriodDays);
        var customer = CustomerLeads(lead);
        var last = await db.ReviewRequests.Where(r => customer.Contains(r.LeadId) && r.SentAt > since)
            .OrderByDescending(r => r.SentAt).Select(r => (DateTime?)r.SentAt).FirstOrDefaultAsync(ct);
        return last is { } at
            ? new SendRefusal("recentlyRequested", $"This customer was asked for a review on {at:d MMM yyyy}: at most once in {settings.PeriodDays} days.")
            : null;
    }

    /// <summary>The ids of the lead's customer: itself, the leads merged into it, and leads with its e-mail or one of its phone numbers.</summary>
    private IQueryable<int> CustomerLeads(Lead lead)
    {
        var email = lead.EmailNormalized;
        var phones = new[] { lead.PhoneE164, lead.MobileE164 }.OfType<string>().ToList();
        return db.Leads   // archived ones too: a merged duplicate was asked as much as the lead
            .Where(l => l.Id == lead.Id || l.MergedIntoId == lead.Id
                || (email != null && l.EmailNormalized == email)
                || (l.PhoneE164 != null && phones.Contains(l.PhoneE164)) || (l.MobileE164 != null && phones.Contains(l.MobileE164)))
            .Select(l => l.Id);
    }

    /// <summary>
    /// A click on the public link: the request (of any workspace: the token alone finds it) is marked clicked, the lead
    /// too when it is its latest request; the customer goes on to the workspace's review link. Null for an unknown token
    /// or a workspace without a link.
    /// </summary>
    public async Task<string?> ClickAsync(string token, WorkspaceScope scope, CancellationToken ct)
    {
        if (token.Length is < 10 or > 64)
            return null;
        var request = await db.ReviewRequests.IgnoreQueryFilters([LeadlineDb.WorkspaceFilter]).FirstOrDefaultAsync(r => r.Token == token, ct);
        if (request is null)
            return null;
        scope.Enter(request.WorkspaceId);
        var settings = await settingsService.GetAsync(ct);
        if (string.IsNullOrWhiteSpace(settings.ReviewLink))
            return null;
        await AdvanceAsync(request, ReviewRequestStatus.Clicked, ct);
        return settings.ReviewLink;
    }

    /// <summary>By hand (the lead page or the API): the lead's latest request moves on to clicked or completed; forward only.</summary>
    public async Task<Common.Api.Result<ReviewRequest>> SetStatusAsync(int leadId, ReviewRequestStatus status, CancellationToken ct)
    {
        var request = await db.ReviewRequests.Where(r => r.LeadId == leadId).OrderByDescending(r => r.Id).FirstOrDefaultAsync(ct);
        if (request is null)
            return await db.Leads.AnyAsync(l => l.Id == leadId, ct)
                ? Common.Api.Result<ReviewRequest>.Conflicting("No review request was sent to this lead.")
                : Common.Api.Result<ReviewRequest>.Missing();
        if (status <= request.Status)
            return Common.Api.Result<ReviewRequest>.Conflicting($"The review request is already {Name(request.Status)}: its status only moves forward (sent → clicked → completed).");
        await AdvanceAsync(request, status, ct);
        return Common.Api.Result<ReviewRequest>.Ok(request);
    }

    private async Task AdvanceAsync(ReviewRequest request, ReviewRequestStatus status, CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        if (status > request.Status)
            request.Status = status;
        if (status >= ReviewRequestStatus.Clicked)
            request.ClickedAt ??= now;
        if (status == ReviewRequestStatus.Completed)
            request.CompletedAt ??= now;
        var latest = await db.ReviewRequests.Where(r => r.LeadId == request.LeadId).MaxAsync(r => r.Id, ct);
        if (latest == request.Id && await db.Leads.FirstOrDefaultAsync(l => l.Id == request.LeadId, ct) is { } lead)
            lead.AdvanceReviewRequest(status, now);   // through the write path: the history shows sent → clicked → completed
        await db.SaveChangesAsync(ct);
    }

    public static string Name(ReviewRequestStatus status) => System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(status.ToString());

    private static List<string> Parameters(ReviewSettings settings, string link) =>
        settings.TemplateParameters.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Replace(ReviewSettings.LinkPlaceholder, link, StringComparison.Ordinal)).ToList();

    private static string NewToken() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(16)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>
    /// The absolute link the customer opens from their phone: under <c>Leadline:PublicBaseUrl</c> when set (behind a proxy,
    /// and from background sends), else the request's own address, else the path.
    /// </summary>
    private string LinkFor(string token) =>
        publicUrls.Absolute(LinkPath + token)
        ?? (http.HttpContext?.Request is { } r ? $"{r.Scheme}://{r.Host}{r.PathBase}{LinkPath}{token}" : LinkPath + token);
}

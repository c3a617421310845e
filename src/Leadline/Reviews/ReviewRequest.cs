using Leadline.Data;
using Leadline.Leads;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Leadline.Reviews;

/// <summary>What started a review request: the job marked won (automatic), a user's button, or the API.</summary>
public enum ReviewTrigger
{
    Outcome,
    Manual,
    Api,
}

/// <summary>
/// One review request sent to a lead: the message that carried it, and its tracked link <c>/r/{token}</c> (unguessable,
/// public) whose click is recorded. The lead's <see cref="Lead.ReviewRequestStatus"/> follows its latest request.
/// </summary>
public sealed class ReviewRequest : IWorkspaceOwned
{
    public int Id { get; set; }

    public int WorkspaceId { get; set; }

    public int LeadId { get; set; }

    /// <summary>128 random bits, base64url: the only thing the public link carries.</summary>
    public string Token { get; set; } = "";

    public long? MessageId { get; set; }

    public int? ChannelId { get; set; }

    public ReviewTrigger Trigger { get; set; }

    public ReviewRequestStatus Status { get; set; }

    public int? UserId { get; set; }

    public DateTime SentAt { get; set; }

    public DateTime? ClickedAt { get; set; }

    public DateTime? CompletedAt { get; set; }
}

internal sealed class ReviewRequestConfiguration : IEntityTypeConfiguration<ReviewRequest>
{
    public void Configure(EntityTypeBuilder<ReviewRequest> b)
    {
        b.ToTable("review_requests");
        b.Property(r => r.Token).HasMaxLength(64).IsRequired();
        b.Property(r => r.Trigger).HasConversion<string>().HasMaxLength(20);
        b.Property(r => r.Status).HasConversion<string>().HasMaxLength(20);
        b.HasOne<Lead>().WithMany().HasForeignKey(r => r.LeadId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(r => r.Token).IsUnique();   // the public link finds its request by the token alone
        b.HasIndex(r => new { r.WorkspaceId, r.LeadId, r.SentAt });   // "once per customer per period"
    }
}

/// <summary>
/// A workspace's review-request settings (Settings → Reviews): the review link customers are sent to, how often one
/// customer may be asked, whether a won job asks by itself, and what is sent (a WhatsApp template or a text).
/// </summary>
public sealed class ReviewSettings : IWorkspaceOwned, ITimestamped
{
    public const int DefaultPeriodDays = 180;

    public const string LinkPlaceholder = "{{review.link}}";

    public const string DefaultText = "Thank you for choosing us, {{lead.name}}! Would you tell others how we did? " + LinkPlaceholder;

    public const string DefaultSubject = "How did we do?";

    public int WorkspaceId { get; set; }

    /// <summary>Where the tracked link sends the customer (a Google, Trustpilot... review page). No link, no requests.</summary>
    public string? ReviewLink { get; set; }

    /// <summary>A customer is asked at most once in this many days.</summary>
    public int PeriodDays { get; set; } = DefaultPeriodDays;

    /// <summary>Marking a job won sends a request by itself (when the lead is eligible).</summary>
    public bool AutoOnWon { get; set; }

    /// <summary>An approved WhatsApp template to send on WhatsApp; null: the text below is sent.</summary>
    public string? TemplateName { get; set; }

    public string TemplateLanguage { get; set; } = "en";

    /// <summary>The template's parameters, one a line; <c>{{review.link}}</c> is the tracked link, <c>{{lead.name}}</c> etc. as in reminders.</summary>
    public string TemplateParameters { get; set; } = LinkPlaceholder;

    /// <summary>The text (e-mail, SMS, WhatsApp inside the window) with <c>{{review.link}}</c> for the tracked link.</summary>
    public string Text { get; set; } = DefaultText;

    public string Subject { get; set; } = DefaultSubject;

    public DateTime CreatedAt { get; set; }

    public DateTime UpdatedAt { get; set; }
}

internal sealed class ReviewSettingsConfiguration : IEntityTypeConfiguration<ReviewSettings>
{
    public void Configure(EntityTypeBuilder<ReviewSettings> b)
    {
        b.ToTable("review_settings");
        b.HasKey(s => s.WorkspaceId);
        b.Property(s => s.WorkspaceId).ValueGeneratedNever();
        b.Property(s => s.ReviewLink).HasMaxLength(1000);
        b.Property(s => s.TemplateName).HasMaxLength(200);
        b.Property(s => s.TemplateLanguage).HasMaxLength(20).IsRequired();
        b.Property(s => s.TemplateParameters).HasMaxLength(2000).IsRequired();
        b.Property(s => s.Text).HasMaxLength(2000).IsRequired();
        b.Property(s => s.Subject).HasMaxLength(300).IsRequired();
    }
}

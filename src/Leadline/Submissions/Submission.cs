using Leadline.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Leadline.Submissions;

public enum SubmissionStatus
{
    Pending,
    Approved,
    Rejected,
}

/// <summary>
/// What a customer submitted through a bot flow (a WhatsApp Flow reply, <c>interactive.nfm_reply</c>) or the API: the
/// answers as JSON, waiting for a person to approve or reject them (a payment proof, a booking).
/// </summary>
public sealed class Submission : IWorkspaceOwned, ITimestamped
{
    public long Id { get; set; }

    public int WorkspaceId { get; set; }

    public int LeadId { get; set; }

    /// <summary>The message that carried it, when a channel did.</summary>
    public long? MessageId { get; set; }

    /// <summary>The flow's name (or id, or flow token) as the reply names it.</summary>
    public string Flow { get; set; } = "";

    /// <summary>The answers as a JSON object.</summary>
    public string Data { get; set; } = "{}";

    /// <summary>Files sent with it, as a JSON array of { name, key } (keys in the file storage).</summary>
    public string? Files { get; set; }

    public SubmissionStatus Status { get; set; }

    public string? ReviewNote { get; set; }

    public int? ReviewedById { get; set; }

    public DateTime? ReviewedAt { get; set; }

    public DateTime CreatedAt { get; set; }

    public DateTime UpdatedAt { get; set; }
}

internal sealed class SubmissionConfiguration : IEntityTypeConfiguration<Submission>
{
    public void Configure(EntityTypeBuilder<Submission> b)
    {
        b.ToTable("submissions");
        b.Property(s => s.Flow).HasMaxLength(200).IsRequired();
        b.Property(s => s.Data).IsRequired();
        b.Property(s => s.Status).HasConversion<string>().HasMaxLength(20);
        b.Property(s => s.ReviewNote).HasMaxLength(2000);
        b.HasOne<Leads.Lead>().WithMany().HasForeignKey(s => s.LeadId).OnDelete(DeleteBehavior.Cascade);
        // the review queue, oldest first, and a lead's submissions
        b.HasIndex(s => new { s.WorkspaceId, s.Status, s.Id });
        b.HasIndex(s => new { s.WorkspaceId, s.LeadId });
        b.HasIndex(s => s.LeadId);
        // one submission per message, however often the webhook is processed
        b.HasIndex(s => s.MessageId).IsUnique();
    }
}

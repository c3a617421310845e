using Leadline.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Leadline.Conversations;

public enum MessageDirection
{
    Inbound,
    Outbound,
}

/// <summary>What a message carries, as API.md names it; a type a provider adds later is kept as <see cref="Unknown"/>.</summary>
public enum MessageType
{
    Text,
    Image,
    Audio,
    Video,
    Document,
    Sticker,
    Location,
    Contacts,
    Reaction,
    Interactive,
    Button,
    Order,
    Template,
    System,
    Edit,
    Delete,
    Unknown,
}

/// <summary>Outbound: queued → sent → delivered → read, or failed. Inbound messages are delivered (to us).</summary>
public enum MessageStatus
{
    Queued,
    Sent,
    Delivered,
    Read,
    Failed,
}

/// <summary>
/// One message of a lead's conversation on any channel, in or out: the one timeline every channel shares. Unique per
/// channel by <see cref="ProviderMessageId"/>, so a re-delivered webhook stores nothing twice.
/// </summary>
public sealed class Message : IWorkspaceOwned, ITimestamped
{
    public long Id { get; set; }

    public int WorkspaceId { get; set; }

    public int LeadId { get; set; }

    public int ChannelId { get; set; }

    public MessageDirection Direction { get; set; }

    public MessageType Type { get; set; }

    public string? Text { get; set; }

    public string? Subject { get; set; }

    public string? MediaMimeType { get; set; }

    /// <summary>Where the media is kept in the file storage, once fetched from the provider.</summary>
    public string? MediaKey { get; set; }

    /// <summary>The provider's id of the media, to fetch it with.</summary>
    public string? MediaProviderId { get; set; }

    public string? MediaCaption { get; set; }

    /// <summary>The provider's message as received (inbound) or what was asked to be sent (outbound), as JSON.</summary>
    public string? Payload { get; set; }

    public MessageStatus Status { get; set; }

    public string? Error { get; set; }

    /// <summary>The provider's id (wamid...); null for an outbound message until the provider accepted it.</summary>
    public string? ProviderMessageId { get; set; }

    /// <summary>When it was sent, by the provider's clock for inbound messages.</summary>
    public DateTime At { get; set; }

    /// <summary>The agent who sent an outbound message; null for automated sends.</summary>
    public int? UserId { get; set; }

    public DateTime CreatedAt { get; set; }

    public DateTime UpdatedAt { get; set; }
}

internal sealed class MessageConfiguration : IEntityTypeConfiguration<Message>
{
    public void Configure(EntityTypeBuilder<Message> b)
    {
        b.ToTable("messages");
        b.Property(m => m.Direction).HasConversion<string>().HasMaxLength(20);
        b.Property(m => m.Type).HasConversion<string>().HasMaxLength(20);
        b.Property(m => m.Status).HasConversion<string>().HasMaxLength(20);
        b.Property(m => m.Subject).HasMaxLength(500);
        b.Property(m => m.MediaMimeType).HasMaxLength(200);
        b.Property(m => m.MediaKey).HasMaxLength(300);
        b.Property(m => m.MediaProviderId).HasMaxLength(200);
        b.Property(m => m.MediaCaption).HasMaxLength(4000);
        b.Property(m => m.Error).HasMaxLength(2000);
        b.Property(m => m.ProviderMessageId).HasMaxLength(200);
        b.HasOne<Leads.Lead>().WithMany().HasForeignKey(m => m.LeadId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Channels.Channel>().WithMany().HasForeignKey(m => m.ChannelId).OnDelete(DeleteBehavior.Restrict);
        // a re-delivered webhook (or a status for it) finds its message; the same id is stored once per channel
        b.HasIndex(m => new { m.ChannelId, m.ProviderMessageId }).IsUnique();
        // the lead's timeline, oldest first
        b.HasIndex(m => new { m.WorkspaceId, m.LeadId, m.At, m.Id });
    }
}

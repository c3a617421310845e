using Leadline.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Leadline.Conversations.Email;

/// <summary>
/// How far an e-mail channel's IMAP inbox has been read (the UIDVALIDITY and the last UID imported), and who reads it now:
/// one instance at a time holds the lease, so two instances do not import a mailbox side by side (and a message read
/// twice anyway is stored once, by its Message-ID).
/// </summary>
public sealed class EmailMailbox : IWorkspaceOwned
{
    public int ChannelId { get; set; }

    public int WorkspaceId { get; set; }

    public long UidValidity { get; set; }

    public long LastUid { get; set; }

    public DateTime? PolledAt { get; set; }

    public DateTime? LeaseUntil { get; set; }

    public string? ClaimedBy { get; set; }

    /// <summary>Why the last poll failed (connection, login), shown to admins; null after a good one.</summary>
    public string? Error { get; set; }
}

internal sealed class EmailMailboxConfiguration : IEntityTypeConfiguration<EmailMailbox>
{
    public void Configure(EntityTypeBuilder<EmailMailbox> b)
    {
        b.ToTable("email_mailboxes");
        b.HasKey(m => m.ChannelId);
        b.Property(m => m.ChannelId).ValueGeneratedNever();
        b.Property(m => m.ClaimedBy).HasMaxLength(200);
        b.Property(m => m.Error).HasMaxLength(2000);
        b.HasOne<Channels.Channel>().WithMany().HasForeignKey(m => m.ChannelId).OnDelete(DeleteBehavior.Cascade);
    }
}

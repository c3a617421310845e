using Leadline.Channels;
using Leadline.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Leadline.Conversations;

/// <summary>
/// Who a lead is on a channel: a WhatsApp wa_id (and its business-scoped user id), a Messenger PSID, an Instagram IGSID,
/// an e-mail address, a phone. Unique per workspace and kind, so two deliveries from a new sender processed at once cannot
/// make two leads: the second insert fails and that delivery finds the first one's lead.
/// </summary>
public sealed class ChannelIdentity : IWorkspaceOwned
{
    public long Id { get; set; }

    public int WorkspaceId { get; set; }

    public int LeadId { get; set; }

    public int? ChannelId { get; set; }

    public ChannelKind Kind { get; set; }

    public string ExternalId { get; set; } = "";

    /// <summary>WhatsApp's business-scoped user id (BSUID), when Meta sends one.</summary>
    public string? Bsuid { get; set; }

    public DateTime CreatedAt { get; set; }
}

internal sealed class ChannelIdentityConfiguration : IEntityTypeConfiguration<ChannelIdentity>
{
    public void Configure(EntityTypeBuilder<ChannelIdentity> b)
    {
        b.ToTable("channel_identities");
        b.Property(i => i.Kind).HasConversion<string>().HasMaxLength(20);
        b.Property(i => i.ExternalId).HasMaxLength(320).IsRequired();
        b.Property(i => i.Bsuid).HasMaxLength(200);
        b.HasOne<Leads.Lead>().WithMany().HasForeignKey(i => i.LeadId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(i => new { i.WorkspaceId, i.Kind, i.ExternalId }).IsUnique();
        b.HasIndex(i => new { i.WorkspaceId, i.Bsuid });
        b.HasIndex(i => new { i.WorkspaceId, i.LeadId });
    }
}

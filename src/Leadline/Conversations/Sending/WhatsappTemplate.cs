using Leadline.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Leadline.Conversations.Sending;

/// <summary>An approved WhatsApp template of a channel as last synced from the Graph API (<c>GET /{waba-id}/message_templates</c>).</summary>
public sealed class WhatsappTemplate : IWorkspaceOwned
{
    public int Id { get; set; }

    public int WorkspaceId { get; set; }

    public int ChannelId { get; set; }

    public string Name { get; set; } = "";

    public string Language { get; set; } = "";

    public string Category { get; set; } = "";

    public string Status { get; set; } = "";

    /// <summary>The BODY component's text with its <c>{{1}}</c> placeholders.</summary>
    public string Body { get; set; } = "";

    public int ParameterCount { get; set; }

    /// <summary>Meta's components as JSON (header, body, footer, buttons).</summary>
    public string Components { get; set; } = "[]";

    public DateTime SyncedAt { get; set; }
}

internal sealed class WhatsappTemplateConfiguration : IEntityTypeConfiguration<WhatsappTemplate>
{
    public void Configure(EntityTypeBuilder<WhatsappTemplate> b)
    {
        b.ToTable("message_templates");
        b.Property(t => t.Name).HasMaxLength(512).IsRequired();
        b.Property(t => t.Language).HasMaxLength(20).IsRequired();
        b.Property(t => t.Category).HasMaxLength(50).IsRequired();
        b.Property(t => t.Status).HasMaxLength(30).IsRequired();
        b.Property(t => t.Body).HasMaxLength(4000).IsRequired();
        b.Property(t => t.Components).IsRequired();
        b.HasOne<Channels.Channel>().WithMany().HasForeignKey(t => t.ChannelId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(t => new { t.ChannelId, t.Name, t.Language }).IsUnique();
        b.HasIndex(t => t.WorkspaceId);
    }
}

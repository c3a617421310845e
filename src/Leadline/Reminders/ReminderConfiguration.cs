using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Leadline.Reminders;

internal sealed class ReminderConfiguration : IEntityTypeConfiguration<Reminder>
{
    public void Configure(EntityTypeBuilder<Reminder> b)
    {
        b.ToTable("reminders");
        b.Property(r => r.Kind).HasConversion<string>().HasMaxLength(20);
        b.Property(r => r.Status).HasConversion<string>().HasMaxLength(20);
        b.Property(r => r.Message).HasMaxLength(1000);
        b.Property(r => r.TemplateName).HasMaxLength(200);
        b.Property(r => r.Language).HasMaxLength(20);
        b.Property(r => r.DueRule).HasMaxLength(500);
        b.HasOne<Leads.Lead>().WithMany().HasForeignKey(r => r.LeadId).OnDelete(DeleteBehavior.Cascade);
        // the dispatcher's claim: due pending reminders across all workspaces, oldest first
        b.HasIndex(r => new { r.Status, r.DueAt });
        b.HasIndex(r => new { r.WorkspaceId, r.LeadId, r.Status });
    }
}

internal sealed class NotificationConfiguration : IEntityTypeConfiguration<Notification>
{
    public void Configure(EntityTypeBuilder<Notification> b)
    {
        b.ToTable("notifications");
        b.Property(n => n.Text).HasMaxLength(1000).IsRequired();
        b.HasIndex(n => new { n.WorkspaceId, n.UserId, n.ReadAt });
        b.HasIndex(n => n.ReminderId).IsUnique();
    }
}

using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Leadline.Activities;

internal sealed class ActivityConfiguration : IEntityTypeConfiguration<Activity>
{
    public void Configure(EntityTypeBuilder<Activity> b)
    {
        b.ToTable("activities");
        b.Property(a => a.Type).HasConversion<string>().HasMaxLength(20);
        b.Property(a => a.Outcome).HasConversion<string>().HasMaxLength(20);
        b.Property(a => a.Subject).HasMaxLength(300).IsRequired();
        b.Property(a => a.UserName).HasMaxLength(200).IsRequired();
        b.HasOne<Leads.Lead>().WithMany().HasForeignKey(a => a.LeadId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(a => new { a.WorkspaceId, a.LeadId, a.CreatedAt });
        // the lead-flow report: calls of a date range
        b.HasIndex(a => new { a.WorkspaceId, a.Type, a.CreatedAt });
    }
}

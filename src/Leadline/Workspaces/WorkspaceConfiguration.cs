using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Leadline.Workspaces;

internal sealed class WorkspaceConfiguration : IEntityTypeConfiguration<Workspace>
{
    public void Configure(EntityTypeBuilder<Workspace> b)
    {
        b.ToTable("workspaces");
        b.Property(w => w.Name).HasMaxLength(200).IsRequired();
        b.Property(w => w.TimeZone).HasMaxLength(64).IsRequired();
        b.Property(w => w.DefaultCountry).HasMaxLength(2).IsRequired();
        b.Property(w => w.BusinessHours).HasMaxLength(2000);
    }
}

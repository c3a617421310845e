using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Leadline.Pipeline;

internal sealed class PipelineConfiguration : IEntityTypeConfiguration<PipelineDefinition>
{
    public void Configure(EntityTypeBuilder<PipelineDefinition> b)
    {
        b.ToTable("pipelines");
        b.Property(p => p.Name).HasMaxLength(100).IsRequired();
        b.HasIndex(p => p.WorkspaceId);
        b.HasMany(p => p.Stages).WithOne().HasForeignKey(s => s.PipelineId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class StageConfiguration : IEntityTypeConfiguration<Stage>
{
    public void Configure(EntityTypeBuilder<Stage> b)
    {
        b.ToTable("stages");
        b.Property(s => s.Name).HasMaxLength(100).IsRequired();
        b.Property(s => s.Category).HasConversion<string>().HasMaxLength(20);
        b.Property(s => s.Color).HasMaxLength(9).IsRequired();
        b.HasIndex(s => new { s.WorkspaceId, s.PipelineId, s.Order });
    }
}

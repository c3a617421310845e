using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Leadline.Notes;

internal sealed class NoteConfiguration : IEntityTypeConfiguration<Note>
{
    public void Configure(EntityTypeBuilder<Note> b)
    {
        b.ToTable("notes");
        b.Property(n => n.AuthorName).HasMaxLength(200).IsRequired();
        b.Property(n => n.Text).HasMaxLength(Note.MaxLength).IsRequired();
        b.Property(n => n.Outcome).HasConversion<string>().HasMaxLength(20);
        b.HasOne<Leads.Lead>().WithMany().HasForeignKey(n => n.LeadId).OnDelete(DeleteBehavior.Cascade);
        // the Notes tab (newest first) and the work queue's "last note"
        b.HasIndex(n => new { n.WorkspaceId, n.LeadId, n.CreatedAt });
        // the lead-flow report reads a date range of the whole workspace
        b.HasIndex(n => new { n.WorkspaceId, n.CreatedAt });
    }
}

internal sealed class NoteTemplateConfiguration : IEntityTypeConfiguration<NoteTemplate>
{
    public void Configure(EntityTypeBuilder<NoteTemplate> b)
    {
        b.ToTable("note_templates");
        b.Property(t => t.Title).HasMaxLength(200).IsRequired();
        b.Property(t => t.Text).HasMaxLength(Note.MaxLength).IsRequired();
        b.Property(t => t.Outcome).HasConversion<string>().HasMaxLength(20);
        b.HasIndex(t => new { t.WorkspaceId, t.Title }).IsUnique();
    }
}

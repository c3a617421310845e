using Leadline.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Leadline.Notes;

/// <summary>
/// A photo or file attached to a note, kept in the file storage under a key the app makes; its type comes from the
/// file's own bytes and an allowed extension, never from what the browser claimed. Downloadable by the workspace's users.
/// </summary>
public sealed class NoteAttachment : IWorkspaceOwned
{
    public int Id { get; set; }

    public int WorkspaceId { get; set; }

    public int LeadId { get; set; }

    public int NoteId { get; set; }

    public Note? Note { get; set; }

    /// <summary>The file's name as uploaded (shown and offered on download; never used as a path).</summary>
    public string FileName { get; set; } = "";

    public string ContentType { get; set; } = "";

    public long Size { get; set; }

    public string StorageKey { get; set; } = "";

    public DateTime CreatedAt { get; set; }

    public bool IsImage => ContentType.StartsWith("image/", StringComparison.Ordinal);
}

internal sealed class NoteAttachmentConfiguration : IEntityTypeConfiguration<NoteAttachment>
{
    public void Configure(EntityTypeBuilder<NoteAttachment> b)
    {
        b.ToTable("note_attachments");
        b.Ignore(a => a.IsImage);
        b.Property(a => a.FileName).HasMaxLength(255).IsRequired();
        b.Property(a => a.ContentType).HasMaxLength(100).IsRequired();
        b.Property(a => a.StorageKey).HasMaxLength(300).IsRequired();
        b.HasOne(a => a.Note).WithMany().HasForeignKey(a => a.NoteId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(a => new { a.WorkspaceId, a.LeadId });   // a lead's notes with their files, in one read
        b.HasIndex(a => a.NoteId);
    }
}

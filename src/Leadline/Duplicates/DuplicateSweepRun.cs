using Leadline.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Leadline.Duplicates;

public enum SweepStatus
{
    Queued,
    Running,
    Done,
    Failed,
}

/// <summary>One workspace-wide duplicate sweep: its progress while it runs in the background, then its groups.</summary>
public sealed class DuplicateSweepRun : IWorkspaceOwned
{
    public int Id { get; set; }

    public int WorkspaceId { get; set; }

    public SweepStatus Status { get; set; }

    /// <summary>Leads read so far, of <see cref="Total"/>: the progress bar.</summary>
    public int Processed { get; set; }

    public int Total { get; set; }

    public int Groups { get; set; }

    public string? Error { get; set; }

    public DateTime CreatedAt { get; set; }

    public DateTime? FinishedAt { get; set; }
}

/// <summary>A group of probable duplicates a sweep found, best first by <see cref="Confidence"/>.</summary>
public sealed class DuplicateGroupRow : IWorkspaceOwned
{
    public int Id { get; set; }

    public int WorkspaceId { get; set; }

    public int RunId { get; set; }

    public List<int> LeadIds { get; set; } = [];

    public string Level { get; set; } = "";

    public double Confidence { get; set; }

    /// <summary>What matched, in words ("same e-mail", "similar name"; see <see cref="MatchLabels"/>).</summary>
    public List<string> Fields { get; set; } = [];
}

/// <summary>"Not a duplicate": a pair of leads a person said are different; no sweep shows them together again.</summary>
public sealed class DuplicateDismissal : IWorkspaceOwned
{
    public int WorkspaceId { get; set; }

    /// <summary>The smaller id of the pair.</summary>
    public int LeadA { get; set; }

    public int LeadB { get; set; }

    public DateTime CreatedAt { get; set; }
}

internal sealed class DuplicateSweepConfiguration :
    IEntityTypeConfiguration<DuplicateSweepRun>, IEntityTypeConfiguration<DuplicateGroupRow>, IEntityTypeConfiguration<DuplicateDismissal>
{
    public void Configure(EntityTypeBuilder<DuplicateSweepRun> b)
    {
        b.ToTable("duplicate_sweeps");
        b.Property(r => r.Status).HasConversion<string>().HasMaxLength(20);
        b.Property(r => r.Error).HasMaxLength(1000);
        b.HasIndex(r => new { r.WorkspaceId, r.CreatedAt });
    }

    public void Configure(EntityTypeBuilder<DuplicateGroupRow> b)
    {
        b.ToTable("duplicate_groups");
        b.Property(g => g.Level).HasMaxLength(20).IsRequired();
        b.HasOne<DuplicateSweepRun>().WithMany().HasForeignKey(g => g.RunId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(g => new { g.RunId, g.Confidence });
    }

    public void Configure(EntityTypeBuilder<DuplicateDismissal> b)
    {
        b.ToTable("duplicate_dismissals");
        b.HasKey(d => new { d.WorkspaceId, d.LeadA, d.LeadB });
    }
}

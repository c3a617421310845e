using Leadline.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Leadline.Leads;

/// <summary>Where an import stands: the statuses of API.md's import jobs.</summary>
public enum ImportStatus
{
    Queued,
    Running,
    Completed,
    Failed,
    Cancelled,
}

/// <summary>
/// One CSV import, in the database so that a restarted app (or another instance) can read what landed: its progress is
/// written in the same transaction as each batch of leads, so <see cref="Processed"/>, <see cref="Created"/> and
/// <see cref="Updated"/> are exactly what was committed, and <see cref="ResumeFromRow"/> is where a second run picks up.
/// A running import refreshes <see cref="HeartbeatAt"/>; one whose owner stopped answering is failed by
/// <see cref="ImportRuns"/> when someone looks at it, or, when it is a job (<see cref="Background"/>), taken over by
/// another instance's <see cref="ImportJobRunner"/>.
/// </summary>
public sealed class ImportRun : IWorkspaceOwned
{
    public int Id { get; set; }

    public int WorkspaceId { get; set; }

    public int? UserId { get; set; }

    /// <summary>The web upload it imports (its result page); null for the API.</summary>
    public Guid? UploadId { get; set; }

    public string FileName { get; set; } = "";

    public DuplicatePolicy OnDuplicate { get; set; }

    /// <summary>The column overrides it ran with (JSON, header → field), so a resume reads the file the same way.</summary>
    public string? Columns { get; set; }

    public ImportStatus Status { get; set; }

    /// <summary>Data rows in the file, when known before the import (a web upload); the API streams.</summary>
    public int? Total { get; set; }

    /// <summary>Data rows whose outcome is committed (created, updated, skipped or refused), this run's rows only.</summary>
    public int Processed { get; set; }

    /// <summary>The file row (1 = the header) this run started at, and the one a second run starts at to do the rest.</summary>
    public long StartRow { get; set; }

    public long ResumeFromRow { get; set; }

    public int Created { get; set; }

    public int Updated { get; set; }

    public int Skipped { get; set; }

    public int ErrorCount { get; set; }

    /// <summary>The first rows refused, as JSON <c>[{ row, message }]</c> (<see cref="ImportRuns.ErrorsKept"/> at most).</summary>
    public string Errors { get; set; } = "[]";

    /// <summary>Why the import stopped before the end of the file.</summary>
    public string? Failure { get; set; }

    /// <summary>The app process running it (<see cref="ImportRuns.Instance"/>).</summary>
    public string Instance { get; set; } = "";

    public DateTime HeartbeatAt { get; set; }

    public DateTime StartedAt { get; set; }

    public DateTime? FinishedAt { get; set; }

    /// <summary>A job (<see cref="ImportJobs"/>): its file is in <see cref="ImportFile"/>, and any instance's worker runs it or takes it over.</summary>
    public bool Background { get; set; }

    /// <summary>Someone pressed Cancel: the job stops at its next batch boundary.</summary>
    public bool CancelRequested { get; set; }

    /// <summary>The request's other query options (JSON, name → value), passed on to the row mapping.</summary>
    public string? Options { get; set; }
}

/// <summary>
/// The CSV of an import job, as UTF-8, in the database so that whichever instance claims the job can read it. Kept
/// while the job may still run (or be resumed after a failure); deleted when it completes or is cancelled.
/// </summary>
public sealed class ImportFile : IWorkspaceOwned
{
    public int ImportId { get; set; }

    public int WorkspaceId { get; set; }

    public byte[] Content { get; set; } = [];
}

internal sealed class ImportRunConfiguration : IEntityTypeConfiguration<ImportRun>
{
    public void Configure(EntityTypeBuilder<ImportRun> b)
    {
        b.ToTable("imports");
        b.Property(r => r.FileName).HasMaxLength(260);
        b.Property(r => r.OnDuplicate).HasConversion<string>().HasMaxLength(20);
        b.Property(r => r.Status).HasConversion<string>().HasMaxLength(20);
        b.Property(r => r.Failure).HasMaxLength(1000);
        b.Property(r => r.Instance).HasMaxLength(40);
        b.Property(r => r.Options).HasMaxLength(2000);
        b.HasIndex(r => new { r.WorkspaceId, r.UploadId });
        // the workers' claim: queued jobs, and running ones whose heartbeat went stale
        b.HasIndex(r => new { r.Status, r.HeartbeatAt });
    }
}

internal sealed class ImportFileConfiguration : IEntityTypeConfiguration<ImportFile>
{
    public void Configure(EntityTypeBuilder<ImportFile> b)
    {
        b.ToTable("import_files");
        b.HasKey(f => f.ImportId);
        b.Property(f => f.ImportId).ValueGeneratedNever();
        b.HasOne<ImportRun>().WithMany().HasForeignKey(f => f.ImportId).OnDelete(DeleteBehavior.Cascade);
    }
}

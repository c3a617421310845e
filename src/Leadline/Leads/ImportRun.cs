using Leadline.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Leadline.Leads;

/// <summary>Where an import stands; the statuses of API.md's import jobs (queued and cancelled come with them).</summary>
public enum ImportStatus
{
    Running,
    Completed,
    Failed,
}

/// <summary>
/// One CSV import, in the database so that a restarted app (or another instance) can read what landed: its progress is
/// written in the same transaction as each batch of leads, so <see cref="Processed"/>, <see cref="Created"/> and
/// <see cref="Updated"/> are exactly what was committed, and <see cref="ResumeFromRow"/> is where a second run picks up.
/// A running import refreshes <see cref="HeartbeatAt"/>; one whose owner stopped answering is failed by
/// <see cref="ImportRuns"/> when someone looks at it.
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
        b.HasIndex(r => new { r.WorkspaceId, r.UploadId });
    }
}

namespace Leadline.Leads;

/// <summary>The state <see cref="LeadImport"/> carries across an import's batches.</summary>
public sealed partial class LeadImport
{
    /// <summary>
    /// What checks a batch while the previous one is written: the duplicate check and the writer over a context of their own
    /// (a context runs one query at a time; the import's own context is busy writing). Reading is safe meanwhile: the rows
    /// of the batch being written are in <see cref="Run.Taken"/> and their codes in the run's lookups.
    /// </summary>
    private sealed record BatchCheck(Duplicates.DuplicateFinder Duplicates, LeadWriter Writer);

    /// <summary>A batch whose write runs in the background on the import's context, and the progress it records.</summary>
    private sealed record Write(List<PendingRow> Batch, List<Lead> Added, ImportProgress Progress, DateTime Now, Task Task);

    /// <summary>
    /// One import's state across its batches: counts, errors, and the keys of the rows already taken from the file. It starts
    /// from its record's committed progress: nothing for a new import, the last committed batch's for a job taken over.
    /// </summary>
    private sealed class Run(DuplicatePolicy policy, Workspaces.Workspace workspace, LeadWriteLookups lookups, (int? Id, string Name) user, ImportRun record)
    {
        public DuplicatePolicy Policy { get; } = policy;

        /// <summary>The import's row, as inserted or claimed.</summary>
        public ImportRun Record { get; } = record;

        /// <summary>The progress the last committed batch recorded (set by the write, read once it is awaited).</summary>
        public ImportProgress Committed { get; set; } = ImportProgress.Of(record);

        /// <summary>The file's last row read, and the data rows done (those of earlier runs of a job included).</summary>
        public long LastRow { get; set; } = record.ResumeFromRow - 1;

        public int Read { get; set; } = record.Processed;

        /// <summary>Who the history rows of new leads name.</summary>
        public (int? Id, string Name) User { get; } = user;

        /// <summary>The batch being written, if any; its counts, codes and errors are taken in by <see cref="FinishWriteAsync"/>.</summary>
        public Write? Writing { get; set; }

        public Workspaces.Workspace Workspace { get; } = workspace;

        public LeadWriteLookups Lookups { get; } = lookups;

        /// <summary>The rows taken from the file so far: a later exact duplicate of one is skipped (the first row wins).</summary>
        public Duplicates.ExactDuplicateIndex Taken { get; } = new();

        public List<ImportError> Errors { get; } = ImportRuns.ErrorsOf(record);

        public int Created { get; set; } = record.Created;

        public int Updated { get; set; } = record.Updated;

        public int Skipped { get; set; } = record.Skipped;
    }

    private sealed record ParsedRow(long Row, LeadInput Input, HashSet<string> Present);

    /// <summary>A validated row waiting for its batch: kept as input, so a refused batch can be replayed row by row.</summary>
    private sealed record PendingRow(long Row, LeadInput Input, HashSet<string> Present, int? ExistingId, Lead Lead);
}

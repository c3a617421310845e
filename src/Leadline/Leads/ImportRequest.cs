using CsvHelper;
using Leadline.Common;
using Leadline.Common.Security;
using Leadline.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Leadline.Leads;

public enum DuplicatePolicy
{
    Skip,
    Update,
    Create,
}

public sealed record ImportError(long Row, string Message);

public sealed record ImportResult(int Created, int Updated, int Skipped, IReadOnlyList<ImportError> Errors);

/// <summary>What is imported and how. <see cref="FromRow"/> (the file's row, 1 = the header) above 2 does the rest of a
/// file an earlier import stopped in: the rows before it are read past.</summary>
public sealed record ImportRequest(string FileName, DuplicatePolicy Policy)
{
    public IReadOnlyDictionary<string, string>? Columns { get; init; }

    /// <summary>Data rows in the file, when known (a web upload).</summary>
    public int? Total { get; init; }

    public Guid? UploadId { get; init; }

    public long FromRow { get; init; } = 2;

    /// <summary>Make a text custom field of each column that no lead field or custom field takes.</summary>
    public bool CreateCustomFields { get; init; }

    /// <summary>Why the import stopped when its token is cancelled (the app shutting down, the client gone).</summary>
    public string Cancelled { get; init; } = "The import was cancelled.";

    /// <summary>
    /// The job this import runs (<see cref="ImportJobs"/>): its row exists, claimed by this instance, and holds the committed
    /// progress to go on from (<see cref="FromRow"/> is its resume row). It stops at a batch boundary when cancelled.
    /// </summary>
    public int? JobId { get; init; }

    /// <summary>The request's other options (query string name → value), for the row mapping.</summary>
    public IReadOnlyDictionary<string, string>? Options { get; init; }

    /// <summary>Who the history of new leads names when not the signed-in user (a job runs without one).</summary>
    public (int? Id, string Name)? User { get; init; }
}

/// <summary>An import that stopped part-way: <see cref="Run"/> is what its committed batches hold and where to resume.</summary>
public sealed class ImportInterruptedException(ImportRun run, Exception inner) : Exception(run.Failure, inner)
{
    public ImportRun Run { get; } = run;
}

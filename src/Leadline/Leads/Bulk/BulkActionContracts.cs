namespace Leadline.Leads.Bulk;

public sealed class BulkActionOptions
{
    /// <summary>Selections of at most this many ids run at once, in the request; larger ones and "all matching" run as a job.</summary>
    public int SyncLimit { get; set; } = 500;

    /// <summary>Leads loaded, changed and saved per transaction.</summary>
    public int BatchSize { get; set; } = 200;

    /// <summary>Whether this instance runs queued actions (<see cref="BulkActionWorker"/>); tests that drive them themselves turn it off.</summary>
    public bool JobsEnabled { get; set; } = true;
}

public sealed record BulkRefusal(string Reason, int Count);

/// <summary>A bulk action as the API and the page show it.</summary>
public sealed record BulkActionResponse(
    int Id, string Action, string Status, int Total, int Processed, int Changed, int Unchanged, int Refused, IReadOnlyList<BulkRefusal> Refusals,
    string Summary, int? UndoOf, int? UndoneBy, bool CanUndo, string? Error, DateTime CreatedAt, DateTime? FinishedAt);

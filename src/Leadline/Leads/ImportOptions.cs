namespace Leadline.Leads;

/// <summary>Leadline:Imports: limits of the API's CSV import, and the import jobs' worker.</summary>
public sealed class ImportOptions
{
    /// <summary>
    /// The largest <c>POST /api/v1/leads/import</c> body; a larger one answers 413 and imports nothing (bigger files go in
    /// parts, or through the web upload). Below Kestrel's own default limit (28.6 MB), which the endpoint replaces with this.
    /// </summary>
    public int MaxRequestMegabytes { get; set; } = 25;

    public long MaxRequestBytes => MaxRequestMegabytes * 1024L * 1024L;

    /// <summary>Whether this instance runs import jobs (<see cref="ImportJobWorker"/>); tests that drive the runner themselves turn it off.</summary>
    public bool JobsEnabled { get; set; } = true;

    /// <summary>How often the worker looks for jobs queued on other instances or left by a dead one (a job queued here wakes it at once).</summary>
    public int JobPollSeconds { get; set; } = 5;
}

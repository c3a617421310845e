namespace Leadline.Outbox;

/// <summary>The dispatcher's settings (<c>Leadline:Outbox</c>).</summary>
public sealed class OutboxOptions
{
    /// <summary>Whether this instance runs a dispatcher (every instance does by default; tests drive it by hand).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Attempts before a message becomes a dead letter (Failed).</summary>
    public int MaxAttempts { get; set; } = 8;

    /// <summary>How long a claim holds a message: longer than one attempt can take (HTTP timeout and in-attempt retries).</summary>
    public int LeaseSeconds { get; set; } = 120;

    public int BatchSize { get; set; } = 50;

    /// <summary>How often an idle dispatcher looks for due messages (other instances' and retries) without being woken.</summary>
    public int IdleSeconds { get; set; } = 5;

    /// <summary>The first back-off between attempts; doubled each attempt, with jitter, up to <see cref="MaxBackoffSeconds"/>.</summary>
    public int BackoffSeconds { get; set; } = 10;

    public int MaxBackoffSeconds { get; set; } = 3600;

    /// <summary>Quick retries of a transient error inside one attempt (Polly), and the first delay between them.</summary>
    public int QuickRetries { get; set; } = 2;

    public int QuickRetryDelayMilliseconds { get; set; } = 300;
}

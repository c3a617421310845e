namespace Leadline.Common.Background;

/// <summary>
/// A worker every instance runs: it does what there is to do, then sleeps until its <see cref="WakeSignal"/> (work stored
/// on this instance) or <see cref="PollInterval"/> (work stored by other instances, or work whose instance died). A
/// failure is logged and looked at again after the next wait; at shutdown, claimed work is taken again by whoever
/// claims it once its lease or heartbeat runs out.
/// </summary>
public abstract class WokenWorker(WakeSignal signal, TimeProvider clock, ILogger log) : BackgroundService
{
    /// <summary>The clock the worker waits on (and its work may read).</summary>
    protected TimeProvider Clock { get; } = clock;

    protected abstract bool Enabled { get; }

    protected abstract TimeSpan PollInterval { get; }

    /// <summary>Everything there is to do now.</summary>
    protected abstract Task WorkAsync(CancellationToken ct);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!Enabled)
            return;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    await WorkAsync(stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    log.LogError(ex, "{Worker} failed; looking again at the next wake", GetType().Name);
                }
                await signal.WaitAsync(PollInterval, Clock, stoppingToken);
            }
        }
        catch (OperationCanceledException)
        {
            // shutting down
        }
    }
}

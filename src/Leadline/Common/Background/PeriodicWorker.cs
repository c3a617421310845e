namespace Leadline.Common.Background;

/// <summary>
/// A background job that runs every interval on <see cref="TimeProvider"/> (so tests can drive it), each run in a
/// fresh DI scope; a failed run is logged and tried again at the next tick, and shutdown ends the loop quietly.
/// </summary>
public abstract class PeriodicWorker(IServiceScopeFactory scopes, TimeProvider clock, ILogger log) : BackgroundService
{
    protected abstract bool Enabled { get; }

    protected abstract TimeSpan Interval { get; }

    /// <summary>One run; returns how many items it handled (logged when not zero).</summary>
    protected abstract Task<int> RunOnceAsync(IServiceProvider services, CancellationToken ct);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!Enabled)
            return;
        var name = GetType().Name;
        using var timer = new PeriodicTimer(Interval < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : Interval, clock);
        try
        {
            do
            {
                try
                {
                    await using var scope = scopes.CreateAsyncScope();
                    var handled = await RunOnceAsync(scope.ServiceProvider, stoppingToken);
                    if (handled > 0)
                        log.LogInformation("{Worker} handled {Count} items", name, handled);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    log.LogError(ex, "{Worker} failed; retrying at the next interval", name);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException)
        {
            // shutting down
        }
    }
}

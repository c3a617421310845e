using Microsoft.Extensions.Options;

namespace Leadline.Outbox;

/// <summary>
/// Runs the dispatcher on every instance: at once when something was queued here (<see cref="OutboxWakeSignal"/>), and
/// every <see cref="OutboxOptions.IdleSeconds"/> for retries that came due and messages other instances queued.
/// </summary>
public sealed class OutboxWorker(IServiceScopeFactory scopes, OutboxWakeSignal wake, TimeProvider clock, IOptions<OutboxOptions> options, ILogger<OutboxWorker> log)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Enabled)
            return;
        var idle = TimeSpan.FromSeconds(Math.Max(1, options.Value.IdleSeconds));
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    await using var scope = scopes.CreateAsyncScope();
                    var sent = await scope.ServiceProvider.GetRequiredService<OutboxDispatcher>().RunOnceAsync(stoppingToken);
                    if (sent > 0)
                        log.LogInformation("Outbox dispatcher attempted {Count} messages", sent);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    log.LogError(ex, "Outbox dispatcher failed; trying again shortly");
                }
                await wake.WaitAsync(idle, clock, stoppingToken);
            }
        }
        catch (OperationCanceledException)
        {
            // shutting down
        }
    }
}

using System.Diagnostics;
using System.Threading.Channels;
using Leadline.Conversations.Inbound;
using Leadline.Data;
using Microsoft.Extensions.Options;

namespace Leadline.Channels;

/// <summary>
/// Stores verified webhook deliveries with group commit: deliveries that arrive together are written by one writer in one
/// transaction, and each request is answered once its batch is durable. One INSERT and commit per request made concurrent
/// requests queue for SQLite's single write lock (and PostgreSQL's commit flushes) one by one; a batch pays for one.
/// It also tells the delivery worker when deliveries pour in (<see cref="WaitWhileBusyAsync"/>): acknowledging is cheap
/// and a provider retries what is answered late, while processing can catch up after the burst.
/// </summary>
public sealed class WebhookInbox(IServiceScopeFactory scopes, WebhookDeliverySignal signal, IOptions<WebhookOptions> options, ILogger<WebhookInbox> log)
    : BackgroundService
{
    private const int MaxBatch = 500;

    // deliveries stored in this second and the one before, by real time even under a test's fake clock: this paces the
    // CPU, it is not business time
    private readonly Lock _meter = new();
    private long _second;
    private int _thisSecond;
    private int _lastSecond;

    private readonly System.Threading.Channels.Channel<Pending> _queue = System.Threading.Channels.Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });

    /// <summary>Returns once the delivery is committed; throws when it could not be stored (the provider then delivers it again).</summary>
    public async Task StoreAsync(WebhookDelivery delivery, CancellationToken ct)
    {
        var pending = new Pending(delivery, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        if (!_queue.Writer.TryWrite(pending))
            throw new InvalidOperationException("The app is shutting down: the delivery was not stored.");
        await pending.Stored.Task.WaitAsync(ct);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<Pending>(MaxBatch);
        try
        {
            while (await _queue.Reader.WaitToReadAsync(stoppingToken))
            {
                while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var next))
                    batch.Add(next);
                await WriteAsync(batch);
                batch.Clear();
            }
        }
        catch (OperationCanceledException)
        {
            // shutting down: what is queued was not stored, and its requests are told so
        }
        finally
        {
            _queue.Writer.TryComplete();
            while (_queue.Reader.TryRead(out var left))
                left.Stored.TrySetCanceled(stoppingToken);
        }
    }

    private async Task WriteAsync(List<Pending> batch)
    {
        try
        {
            // no workspace in scope: each delivery names its own (the channel's), so one batch may hold several
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<LeadlineDb>();
            db.WebhookDeliveries.AddRange(batch.Select(p => p.Delivery));
            // not the request's token: a batch is shared, and once begun it is finished
            await db.SaveChangesAsync(CancellationToken.None);
            foreach (var pending in batch)
                pending.Stored.TrySetResult();
            Count(batch.Count);
            signal.Notify();
        }
        catch (Exception ex)
        {
            log.LogError(ex, "Could not store {Count} webhook deliveries; the providers will deliver them again", batch.Count);
            foreach (var pending in batch)
                pending.Stored.TrySetException(ex);
        }
    }

    /// <summary>True while deliveries arrive at this instance faster than <see cref="WebhookOptions.AcknowledgeFirstAbove"/> a second.</summary>
    public bool Busy
    {
        get
        {
            var limit = options.Value.AcknowledgeFirstAbove;
            var second = Environment.TickCount64 / 1000;
            lock (_meter)
            {
                var recent = second == _second ? Math.Max(_thisSecond, _lastSecond) : second == _second + 1 ? _thisSecond : 0;
                return limit > 0 && recent >= limit;
            }
        }
    }

    /// <summary>
    /// Holds background processing back while <see cref="Busy"/>, for at most <paramref name="atMost"/>: under a flood the
    /// cores go to acknowledging, and processing still moves (one delivery per worker slot and wait).
    /// </summary>
    public async Task WaitWhileBusyAsync(TimeSpan atMost, CancellationToken ct)
    {
        var waited = Stopwatch.StartNew();
        while (Busy && waited.Elapsed < atMost)
            await Task.Delay(50, ct);
    }

    private void Count(int stored)
    {
        var second = Environment.TickCount64 / 1000;
        lock (_meter)
        {
            if (second != _second)
            {
                _lastSecond = second == _second + 1 ? _thisSecond : 0;
                _thisSecond = 0;
                _second = second;
            }
            _thisSecond += stored;
        }
    }

    private sealed record Pending(WebhookDelivery Delivery, TaskCompletionSource Stored);
}

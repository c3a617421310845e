using System.Threading.Channels;

namespace Leadline.Common.Background;

/// <summary>
/// Wakes this instance's background worker when work is queued here, so it starts at once instead of at its next look
/// (other instances find the work when they look). One per kind of work: derive a named class for each worker.
/// </summary>
public abstract class WakeSignal
{
    private readonly Channel<bool> _channel = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    public void Notify() => _channel.Writer.TryWrite(true);

    /// <summary>Until <see cref="Notify"/> or <paramref name="timeout"/> on <paramref name="clock"/>, whichever comes first.</summary>
    public async Task WaitAsync(TimeSpan timeout, TimeProvider clock, CancellationToken ct)
    {
        using var either = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var signalled = _channel.Reader.WaitToReadAsync(either.Token).AsTask();
        await Task.WhenAny(signalled, Task.Delay(timeout, clock, either.Token));
        await either.CancelAsync();
        _channel.Reader.TryRead(out _);
        ct.ThrowIfCancellationRequested();
    }
}

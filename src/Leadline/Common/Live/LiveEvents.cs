using System.Collections.Concurrent;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace Leadline.Common.Live;

/// <summary>Something changed in a workspace (e.g. "leads-changed"); browsers re-fetch what they show.</summary>
public sealed record LiveEvent(int WorkspaceId, string Name, string Data);

/// <summary>How an event reaches every app instance: in-process on SQLite, PostgreSQL NOTIFY across instances.</summary>
public interface ILiveEventBus
{
    Task PublishAsync(LiveEvent e, CancellationToken ct);
}

/// <summary>
/// The subscribers of this instance (one channel per open Server-Sent Events stream), each seeing only its own
/// workspace's events. <see cref="ILiveEventBus"/> implementations call <see cref="Deliver"/>.
/// </summary>
public sealed class LiveEvents
{
    private readonly ConcurrentDictionary<Guid, (int WorkspaceId, Channel<LiveEvent> Channel)> _subscribers = new();

    public int SubscriberCount => _subscribers.Count;

    public void Deliver(LiveEvent e)
    {
        foreach (var (workspaceId, channel) in _subscribers.Values)
        {
            if (workspaceId == e.WorkspaceId)
                channel.Writer.TryWrite(e);
        }
    }

    public async IAsyncEnumerable<SseItem<string>> SubscribeAsync(int workspaceId, [EnumeratorCancellation] CancellationToken ct)
    {
        var id = Guid.NewGuid();
        // a slow browser must not hold memory: keep the newest 100 events, it re-fetches anyway
        var channel = Channel.CreateBounded<LiveEvent>(new BoundedChannelOptions(100) { FullMode = BoundedChannelFullMode.DropOldest });
        _subscribers[id] = (workspaceId, channel);
        try
        {
            yield return new SseItem<string>("hello", "connected");   // flushes headers: the page knows it is live
            while (true)
            {
                // end quietly on disconnect or shutdown (STACK.md gotcha 12)
                bool more;
                try { more = await channel.Reader.WaitToReadAsync(ct); }
                catch (OperationCanceledException) { more = false; }
                if (!more)
                    yield break;
                while (channel.Reader.TryRead(out var e))
                    yield return new SseItem<string>(e.Data, e.Name);
            }
        }
        finally
        {
            _subscribers.TryRemove(id, out _);
        }
    }
}

/// <summary>SQLite runs one instance: deliver in process.</summary>
public sealed class InProcessLiveEventBus(LiveEvents events) : ILiveEventBus
{
    public Task PublishAsync(LiveEvent e, CancellationToken ct)
    {
        events.Deliver(e);
        return Task.CompletedTask;
    }
}

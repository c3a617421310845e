using Leadline.Data;
using Npgsql;

namespace Leadline.Common.Live;

/// <summary>
/// PostgreSQL fans events out to every instance: publishing is <c>NOTIFY leadline_live</c>, and each instance
/// LISTENs on one connection of its own and delivers what arrives (its own events included, so there is one path).
/// <see cref="PublishAsync"/> only queues the event: a sender in the background sends what has queued up, several
/// events in one round trip, so a request (a board move, a save) does not wait for a second connection and a
/// NOTIFY of its own. A live event is a hint to refresh, not data: one that cannot be sent is logged and dropped.
/// </summary>
public sealed class PostgresLiveEventBus(DatabaseOptions options, ILogger<PostgresLiveEventBus> log) : BackgroundService, ILiveEventBus
{
    public const string Channel = "leadline_live";

    // events sent in one round trip at the most
    private const int MaxPerCommand = 100;

    // bounded so a database outage cannot grow it without end; the oldest hints go first
    private readonly System.Threading.Channels.Channel<LiveEvent> _queue = System.Threading.Channels.Channel.CreateBounded<LiveEvent>(
        new System.Threading.Channels.BoundedChannelOptions(10_000) { FullMode = System.Threading.Channels.BoundedChannelFullMode.DropOldest, SingleReader = true });

    public Task PublishAsync(LiveEvent e, CancellationToken ct)
    {
        _queue.Writer.TryWrite(e);
        return Task.CompletedTask;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<LiveEvent>(MaxPerCommand);
        try
        {
            while (await _queue.Reader.WaitToReadAsync(stoppingToken))
            {
                while (batch.Count < MaxPerCommand && _queue.Reader.TryRead(out var e))
                    batch.Add(e);
                try
                {
                    await SendAsync(batch, stoppingToken);
                }
                catch (Exception ex) when (ex is NpgsqlException or System.Net.Sockets.SocketException or TimeoutException)
                {
                    log.LogWarning(ex, "Could not send {Count} live update(s); open boards refresh at the next one", batch.Count);
                }
                batch.Clear();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // shutting down: what is still queued is only a refresh hint
        }
    }

    private async Task SendAsync(List<LiveEvent> events, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(options.ConnectionString);
        await connection.OpenAsync(ct);
        await using var cmd = new NpgsqlCommand { Connection = connection };
        cmd.Parameters.AddWithValue("channel", Channel);
        for (var i = 0; i < events.Count; i++)
            cmd.Parameters.AddWithValue($"p{i}", $"{events[i].WorkspaceId}|{events[i].Name}|{events[i].Data}");
        cmd.CommandText = "SELECT " + string.Join(", ", events.Select((_, i) => $"pg_notify(@channel, @p{i})"));
        await cmd.ExecuteNonQueryAsync(ct);
    }
}

/// <summary>Keeps one LISTEN connection open (reconnecting after failures) and hands notifications to <see cref="LiveEvents"/>.</summary>
public sealed class PostgresLiveEventListener(DatabaseOptions options, LiveEvents events, ILogger<PostgresLiveEventListener> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = new NpgsqlConnection(options.ConnectionString);
                await connection.OpenAsync(stoppingToken);
                connection.Notification += (_, n) =>
                {
                    var parts = n.Payload.Split('|', 3);
                    if (parts.Length == 3 && int.TryParse(parts[0], out var workspaceId))
                        events.Deliver(new LiveEvent(workspaceId, parts[1], parts[2]));
                };
                await using (var listen = new NpgsqlCommand($"LISTEN {PostgresLiveEventBus.Channel}", connection))
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                while (!stoppingToken.IsCancellationRequested)
                    await connection.WaitAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (NpgsqlException ex)
            {
                log.LogWarning(ex, "Live updates lost their PostgreSQL connection; reconnecting in 5 s");
                await Task.Delay(TimeSpan.FromSeconds(5), stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }
}

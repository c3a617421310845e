using Leadline.Data;
using Npgsql;

namespace Leadline.Common.Live;

/// <summary>
/// PostgreSQL fans events out to every instance: publishing is <c>NOTIFY leadline_live</c>, and each instance
/// LISTENs on one connection of its own and delivers what arrives (its own events included, so there is one path).
/// </summary>
public sealed class PostgresLiveEventBus(DatabaseOptions options) : ILiveEventBus
{
    public const string Channel = "leadline_live";

    public async Task PublishAsync(LiveEvent e, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(options.ConnectionString);
        await connection.OpenAsync(ct);
        await using var cmd = new NpgsqlCommand("SELECT pg_notify(@channel, @payload)", connection);
        cmd.Parameters.AddWithValue("channel", Channel);
        cmd.Parameters.AddWithValue("payload", $"{e.WorkspaceId}|{e.Name}|{e.Data}");
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

using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Leadline.Data;

/// <summary>
/// SQLite: a connection that finds the write lock taken waits inside SQLite (<c>busy_timeout</c>: its busy handler
/// tries again after 1, 2, 5 ... 100 ms) for as long as a command may run. Without it Microsoft.Data.Sqlite retries a
/// busy statement itself with a 150 ms sleep each time, and under concurrent writers (webhook deliveries stored while the
/// worker processes others) those sleeps were most of the time a write took.
/// </summary>
internal sealed class SqliteBusyTimeout : DbConnectionInterceptor
{
    public static readonly SqliteBusyTimeout Instance = new();

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        using var command = Command(connection);
        command.ExecuteNonQuery();
    }

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        await using var command = Command(connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static DbCommand Command(DbConnection connection)
    {
        var command = connection.CreateCommand();
        // the connection's command timeout (30 s by default); 0 means wait for ever there, and here
        var seconds = connection is SqliteConnection sqlite ? sqlite.DefaultTimeout : 30;
        command.CommandText = $"PRAGMA busy_timeout = {(long)seconds * 1000};";
        return command;
    }
}

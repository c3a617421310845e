namespace Leadline.Data;

public enum DatabaseProvider
{
    Sqlite,
    Postgres,
}

/// <summary>Bound to <c>Leadline:Database</c>; the connection string comes from <c>ConnectionStrings:Leadline</c>.</summary>
public sealed class DatabaseOptions
{
    public const string DefaultSqliteConnection = "Data Source=data/leadline.db";

    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;

    public string ConnectionString { get; set; } = DefaultSqliteConnection;

    /// <summary>Statements per connection Npgsql prepares once it has seen them a few times, unless the connection string sets its own.</summary>
    public const int PostgresAutoPrepare = 64;

    /// <summary>
    /// The PostgreSQL connection string with Npgsql's automatic preparation on (<see cref="PostgresAutoPrepare"/>) where it
    /// does not say otherwise: EF sends the same few dozen statements over and over, and planning them again each time was a
    /// measurable part of a board move or a duplicate check (planning 0.4-0.7 ms of a 2-3 ms query). Behind a pooler in
    /// transaction mode without prepared-statement support (PgBouncer before 1.21), set <c>Max Auto Prepare=0</c>.
    /// </summary>
    public static string WithPostgresDefaults(string connectionString)
    {
        var given = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString };
        if (given.ContainsKey("Max Auto Prepare") || given.ContainsKey("MaxAutoPrepare"))
            return connectionString;
        return new Npgsql.NpgsqlConnectionStringBuilder(connectionString) { MaxAutoPrepare = PostgresAutoPrepare }.ConnectionString;
    }

    /// <summary>Host, port and database only: safe to print, never the password.</summary>
    public string Describe()
    {
        if (Provider == DatabaseProvider.Sqlite)
        {
            var b = new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(ConnectionString);
            return $"SQLite file {b.DataSource}";
        }
        var p = new Npgsql.NpgsqlConnectionStringBuilder(ConnectionString);
        return $"PostgreSQL {p.Host}:{p.Port}/{p.Database}";
    }
}

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

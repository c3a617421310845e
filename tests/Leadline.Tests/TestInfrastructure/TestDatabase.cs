using Leadline.Data;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Leadline.Tests.TestInfrastructure;

public enum Db
{
    Sqlite,
    Postgres,
}

/// <summary>
/// One fresh, empty database: a temp SQLite file, or a new database on the PostgreSQL server named by
/// LEADLINE_TEST_PG (scripts/test.sh starts a throwaway cluster and sets it). Dropped on dispose.
/// </summary>
public sealed class TestDatabase : IAsyncDisposable
{
    public const string PostgresVariable = "LEADLINE_TEST_PG";

    private readonly string? _folder;
    private readonly string? _pgServer;
    private readonly string? _pgName;

    private TestDatabase(Db kind, string connectionString, string? folder, string? pgServer, string? pgName)
    {
        Kind = kind;
        ConnectionString = connectionString;
        _folder = folder;
        _pgServer = pgServer;
        _pgName = pgName;
    }

    public Db Kind { get; }

    public string ConnectionString { get; }

    public DatabaseProvider Provider => Kind == Db.Sqlite ? DatabaseProvider.Sqlite : DatabaseProvider.Postgres;

    /// <summary>The providers every database test runs on: SQLite always; PostgreSQL when configured, and always under CI.</summary>
    public static TheoryData<Db> All
    {
        get
        {
            var data = new TheoryData<Db> { Db.Sqlite };
            if (PostgresAvailable)
                data.Add(Db.Postgres);
            return data;
        }
    }

    /// <summary>True when a PostgreSQL server is configured; under CI=true always (a missing server then fails the tests).</summary>
    public static bool PostgresAvailable => !string.IsNullOrEmpty(Environment.GetEnvironmentVariable(PostgresVariable)) || IsCi;

    public static bool IsCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    public static async Task<TestDatabase> CreateAsync(Db kind)
    {
        if (kind == Db.Sqlite)
        {
            var folder = Directory.CreateTempSubdirectory("leadline-test-").FullName;
            return new TestDatabase(kind, $"Data Source={Path.Combine(folder, "leadline.db")}", folder, null, null);
        }
        var server = Environment.GetEnvironmentVariable(PostgresVariable);
        if (string.IsNullOrEmpty(server))
            throw new InvalidOperationException($"PostgreSQL tests need {PostgresVariable} (a connection string to a server); scripts/test.sh starts one.");
        var name = "lt_" + Guid.NewGuid().ToString("N")[..16];
        await using (var connection = new NpgsqlConnection(server))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            await create.ExecuteNonQueryAsync();
        }
        var builder = new NpgsqlConnectionStringBuilder(server) { Database = name };
        return new TestDatabase(kind, builder.ConnectionString, null, server, name);
    }

    public DbContextOptions<LeadlineDb> Options()
    {
        var options = new DbContextOptionsBuilder<LeadlineDb>();
        options.UseLeadlineDatabase(Provider, ConnectionString);
        return options.Options;
    }

    public DatabaseOptions DatabaseOptions() => new() { Provider = Provider, ConnectionString = ConnectionString };

    /// <summary>Drops the database out from under whoever is connected (used to make it unreachable).</summary>
    public async Task DropAsync()
    {
        if (_pgName is null)
            return;
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(_pgServer);
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {_pgName} WITH (FORCE)", connection);
        await drop.ExecuteNonQueryAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (_folder is not null)
        {
            SqliteConnection.ClearAllPools();
            try { Directory.Delete(_folder, true); } catch (IOException) { }
        }
        await DropAsync();
    }
}

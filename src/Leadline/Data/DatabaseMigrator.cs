using System.Data.Common;
using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;

namespace Leadline.Data;

public sealed record MigrationScript(int Version, string Name, string Sql)
{
    public string Checksum => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Sql.ReplaceLineEndings("\n"))));
}

/// <summary>The database was written by a newer Leadline; starting would risk corrupting it.</summary>
public sealed class SchemaTooNewException(int databaseVersion, int knownVersion) : Exception(
    $"The database schema is at version {databaseVersion}, but this Leadline knows migrations only up to {knownVersion}. " +
    "It was upgraded by a newer Leadline: run that version (or restore a backup) instead of downgrading.")
{
    public int DatabaseVersion { get; } = databaseVersion;
}

/// <summary>
/// Applies the numbered SQL scripts in <c>Data/Migrations/{provider}</c> (embedded in the assembly), each in its
/// own transaction together with its <c>schema_history</c> row; already-applied versions are skipped, so a
/// second start-up is a no-op. Several instances starting at once serialise on a lock (an advisory lock on
/// PostgreSQL, the write transaction on SQLite). A script may be followed by code (<see cref="IMigrationStep"/>) in its
/// transaction.
/// </summary>
public sealed class DatabaseMigrator(
    LeadlineDb db, DatabaseOptions options, TimeProvider clock, ILogger<DatabaseMigrator> log, IEnumerable<IMigrationStep>? steps = null)
{
    private const long PostgresLockKey = 0x4c6561646c696e65; // "Leadline"

    public static IReadOnlyList<MigrationScript> Scripts(DatabaseProvider provider)
    {
        var assembly = typeof(DatabaseMigrator).Assembly;
        var prefix = $"Migrations/{provider}/";
        return assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(prefix, StringComparison.Ordinal) && n.EndsWith(".sql", StringComparison.Ordinal))
            .Select(n =>
            {
                var file = n[prefix.Length..^4];
                var version = int.Parse(file.Split('_', 2)[0]);
                using var reader = new StreamReader(assembly.GetManifestResourceStream(n)!);
                return new MigrationScript(version, file, reader.ReadToEnd());
            })
            .OrderBy(s => s.Version)
            .ToList();
    }

    public async Task<int> MigrateAsync(CancellationToken ct = default)
    {
        PrepareSqliteFile();
        var scripts = Scripts(options.Provider);
        var known = scripts.Count == 0 ? 0 : scripts[^1].Version;
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            if (options.Provider == DatabaseProvider.Sqlite)
                await ExecuteAsync(connection, null, "PRAGMA journal_mode=WAL;", ct);
            else // instances starting together wait here, so even the history table is created once
                await ExecuteAsync(connection, null, $"SELECT pg_advisory_lock({PostgresLockKey});", ct);
            await ExecuteAsync(connection, null, HistoryTableSql, ct);

            var applied = await AppliedVersionsAsync(connection, null, ct);
            if (applied.Count > 0 && applied.Max() > known)
                throw new SchemaTooNewException(applied.Max(), known);

            var count = 0;
            foreach (var script in scripts.Where(s => !applied.Contains(s.Version)))
            {
                await using var tx = await connection.BeginTransactionAsync(ct);
                // on SQLite the write transaction is the lock: another instance may have applied it meanwhile
                if ((await AppliedVersionsAsync(connection, tx, ct)).Contains(script.Version))
                    continue;
                await ExecuteAsync(connection, tx, script.Sql, ct);
                foreach (var step in (steps ?? []).Where(s => s.Version == script.Version))
                    await step.RunAsync(connection, tx, ct);
                await using (var insert = connection.CreateCommand())
                {
                    insert.Transaction = tx;
                    insert.CommandText = "INSERT INTO schema_history (version, name, checksum, applied_at) VALUES (@v, @n, @c, @a)";
                    AddParameter(insert, "@v", script.Version);
                    AddParameter(insert, "@n", script.Name);
                    AddParameter(insert, "@c", script.Checksum);
                    AddParameter(insert, "@a", clock.GetUtcNow().UtcDateTime.ToString("O"));
                    await insert.ExecuteNonQueryAsync(ct);
                }
                await tx.CommitAsync(ct);
                log.LogInformation("Applied migration {Version} {Name}", script.Version, script.Name);
                count++;
            }
            if (count == 0)
                log.LogInformation("Database schema is up to date at version {Version}", known);
            else if (options.Provider == DatabaseProvider.Sqlite)
                await AnalyzeNewSqliteIndexesAsync(connection, ct);
            return count;
        }
        finally
        {
            if (options.Provider == DatabaseProvider.Postgres && connection.State == System.Data.ConnectionState.Open)
                await ExecuteAsync(connection, null, $"SELECT pg_advisory_unlock({PostgresLockKey});", CancellationToken.None);
            await db.Database.CloseConnectionAsync();
        }
    }

    private const string HistoryTableSql = """
        CREATE TABLE IF NOT EXISTS schema_history (
            version integer NOT NULL PRIMARY KEY,
            name varchar(200) NOT NULL,
            checksum varchar(64) NOT NULL,
            applied_at varchar(40) NOT NULL
        );
        """;

    private void PrepareSqliteFile()
    {
        if (options.Provider != DatabaseProvider.Sqlite)
            return;
        var file = new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(options.ConnectionString).DataSource;
        var folder = Path.GetDirectoryName(Path.GetFullPath(file));
        if (!string.IsNullOrEmpty(folder) && file != ":memory:")
            Directory.CreateDirectory(folder);
    }

    /// <summary>
    /// Once SQLite has statistics for a table (sqlite_stat1, written by ANALYZE: the bulk writer runs it), it plans from them,
    /// and an index a script added later has none: the planner then guesses that index finds ten rows a key and prefers it to
    /// the analysed ones (the start page's count per stage took 3.7 s instead of 0.1 s at a million leads, reading every lead
    /// through the score index). Such a table is analysed again after the scripts; one that never was stays as it was.
    /// </summary>
    private async Task AnalyzeNewSqliteIndexesAsync(DbConnection connection, CancellationToken ct)
    {
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = "SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'";
        if (Convert.ToInt64(await cmd.ExecuteScalarAsync(ct)) == 0)
            return;
        cmd.CommandText = """
            SELECT DISTINCT i.tbl_name FROM sqlite_master i
            WHERE i.type = 'index' AND i.sql IS NOT NULL
              AND EXISTS (SELECT 1 FROM sqlite_stat1 s WHERE s.tbl = i.tbl_name)
              AND NOT EXISTS (SELECT 1 FROM sqlite_stat1 s WHERE s.idx = i.name)
            """;
        var tables = new List<string>();
        await using (var reader = await cmd.ExecuteReaderAsync(ct))
            while (await reader.ReadAsync(ct))
                tables.Add(reader.GetString(0));
        foreach (var table in tables)
        {
            await ExecuteAsync(connection, null, $"ANALYZE \"{table.Replace("\"", "\"\"", StringComparison.Ordinal)}\"", ct);
            log.LogInformation("Analysed {Table}: a new index had no planner statistics beside analysed ones", table);
        }
    }

    private static async Task<HashSet<int>> AppliedVersionsAsync(DbConnection connection, DbTransaction? tx, CancellationToken ct)
    {
        await using var cmd = connection.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = "SELECT version FROM schema_history";
        var versions = new HashSet<int>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            versions.Add(Convert.ToInt32(reader.GetValue(0)));
        return versions;
    }

    private static async Task ExecuteAsync(DbConnection connection, DbTransaction? tx, string sql, CancellationToken ct)
    {
        await using var cmd = connection.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        await cmd.ExecuteNonQueryAsync(ct);
    }

    private static void AddParameter(DbCommand cmd, string name, object value)
    {
        var p = cmd.CreateParameter();
        p.ParameterName = name;
        p.Value = value;
        cmd.Parameters.Add(p);
    }
}

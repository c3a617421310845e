using Leadline.Data;
using Leadline.Tests.TestInfrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;

namespace Leadline.Tests.Data;

public sealed class MigrationTests
{
    private static readonly ManualTimeProvider Clock = new(new DateTimeOffset(2026, 11, 2, 9, 0, 0, TimeSpan.Zero));

    private static DatabaseMigrator Migrator(TestDatabase database, LeadlineDb db) =>
        new(db, database.DatabaseOptions(), Clock, NullLogger<DatabaseMigrator>.Instance);

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task Migrate_on_empty_database_applies_every_script_and_records_it(Db kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var db = new LeadlineDb(database.Options());

        var applied = await Migrator(database, db).MigrateAsync();

        var scripts = DatabaseMigrator.Scripts(database.Provider);
        Assert.NotEmpty(scripts);
        Assert.Equal(scripts.Count, applied);
        var history = await db.Database.SqlQueryRaw<HistoryRow>("SELECT version AS \"Version\", checksum AS \"Checksum\" FROM schema_history ORDER BY version").ToListAsync();
        Assert.Equal(scripts.Select(s => (s.Version, s.Checksum)), history.Select(h => (h.Version, h.Checksum)));
        Assert.Equal(["Admin", "Agent", "Manager"], await db.Roles.Select(r => r.Name!).OrderBy(n => n).ToListAsync());
    }

    [Fact]
    public async Task On_PostgreSQL_the_leads_and_their_match_keys_are_vacuumed_after_one_percent_of_changes()
    {
        if (!TestDatabase.PostgresAvailable)
            return; // a PostgreSQL table setting; CI always has a server
        await using var database = await TestDatabase.CreateAsync(Db.Postgres);
        await using var db = new LeadlineDb(database.Options());
        await Migrator(database, db).MigrateAsync();

        var options = await db.Database.SqlQueryRaw<string>(
            "SELECT relname || ' ' || array_to_string(reloptions, ',') AS \"Value\" FROM pg_class WHERE relname IN ('leads', 'lead_match_keys') ORDER BY relname").ToListAsync();

        Assert.Equal(
        [
            "lead_match_keys autovacuum_vacuum_scale_factor=0.01,autovacuum_vacuum_insert_scale_factor=0.01",
            "leads autovacuum_vacuum_scale_factor=0.01,autovacuum_vacuum_insert_scale_factor=0.01",
        ], options);
    }

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task Migrate_on_migrated_database_is_a_no_op(Db kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using (var first = new LeadlineDb(database.Options()))
            await Migrator(database, first).MigrateAsync();

        await using var db = new LeadlineDb(database.Options());
        var applied = await Migrator(database, db).MigrateAsync();

        Assert.Equal(0, applied);
        Assert.Equal(3, await db.Roles.CountAsync());
    }

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task Migrate_refuses_a_database_from_a_newer_version(Db kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var db = new LeadlineDb(database.Options());
        await Migrator(database, db).MigrateAsync();
        await db.Database.ExecuteSqlRawAsync("INSERT INTO schema_history (version, name, checksum, applied_at) VALUES (9999, '9999_future', 'x', 'now')");

        var error = await Assert.ThrowsAsync<SchemaTooNewException>(() => Migrator(database, db).MigrateAsync());

        Assert.Equal(9999, error.DatabaseVersion);
        Assert.Contains("newer Leadline", error.Message, StringComparison.Ordinal);
    }

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task Concurrent_start_ups_apply_each_script_once(Db kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);

        var runs = await Task.WhenAll(Enumerable.Range(0, 4).Select(async _ =>
        {
            await using var db = new LeadlineDb(database.Options());
            return await Migrator(database, db).MigrateAsync();
        }));

        Assert.Equal(DatabaseMigrator.Scripts(database.Provider).Count, runs.Sum());
        await using var check = new LeadlineDb(database.Options());
        Assert.Equal(3, await check.Roles.CountAsync());
    }

    [Fact]
    public async Task On_SQLite_an_upgrade_analyses_again_a_table_whose_new_index_has_no_statistics()
    {
        await using var database = await TestDatabase.CreateAsync(Db.Sqlite);
        await using var db = new LeadlineDb(database.Options());
        await Migrator(database, db).MigrateAsync();
        // the database before the last script, analysed (the bulk writer runs ANALYZE), with an index added since the
        // analysis: the planner would guess its selectivity while trusting the others' statistics
        var last = DatabaseMigrator.Scripts(DatabaseProvider.Sqlite)[^1].Version;
        await db.Database.ExecuteSqlAsync($"DELETE FROM schema_history WHERE version = {last}");
        await db.Database.ExecuteSqlRawAsync(UndoLastScript);
        await db.Database.ExecuteSqlRawAsync("ANALYZE roles");
        await db.Database.ExecuteSqlRawAsync("CREATE INDEX ix_roles_added_later ON roles (concurrency_stamp)");
        Assert.Empty(await StatisticsAsync(db, "ix_roles_added_later"));

        Assert.Equal(1, await Migrator(database, db).MigrateAsync());

        Assert.Equal(["3 1"], await StatisticsAsync(db, "ix_roles_added_later"));
        Assert.Empty(await db.Database.SqlQueryRaw<string>("SELECT tbl AS \"Value\" FROM sqlite_stat1 WHERE tbl = 'leads'").ToListAsync());   // never analysed: left alone
    }

    // the last script (0039) undone, so that it can be applied again
    private const string UndoLastScript = "DROP INDEX ix_leads_inbox_action; DROP INDEX ix_leads_inbox_waiting;";

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task A_step_runs_after_its_script_in_the_script_s_transaction(Db kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        var last = DatabaseMigrator.Scripts(database.Provider)[^1].Version;
        var failing = new RecordingStep(last, fail: true);

        await using (var db = new LeadlineDb(database.Options()))
            await Assert.ThrowsAsync<InvalidOperationException>(() =>
                new DatabaseMigrator(db, database.DatabaseOptions(), Clock, NullLogger<DatabaseMigrator>.Instance, [failing]).MigrateAsync());

        await using var check = new LeadlineDb(database.Options());
        Assert.Equal(1, failing.Runs);
        // the script and its step go together: the script is not recorded, so the next start-up runs both again
        Assert.DoesNotContain(last, await check.Database.SqlQueryRaw<int>("SELECT version AS \"Value\" FROM schema_history").ToListAsync());
        var step = new RecordingStep(last, fail: false);
        Assert.Equal(1, await new DatabaseMigrator(check, database.DatabaseOptions(), Clock, NullLogger<DatabaseMigrator>.Instance, [step]).MigrateAsync());
        Assert.Equal(1, step.Runs);
        Assert.Equal(0, await new DatabaseMigrator(check, database.DatabaseOptions(), Clock, NullLogger<DatabaseMigrator>.Instance, [step]).MigrateAsync());
        Assert.Equal(1, step.Runs);
    }

    private sealed class RecordingStep(int version, bool fail) : IMigrationStep
    {
        public int Runs { get; private set; }

        public int Version => version;

        public async Task RunAsync(System.Data.Common.DbConnection connection, System.Data.Common.DbTransaction transaction, CancellationToken ct)
        {
            Runs++;
            // the script's changes are visible to its step (the leads' columns of script 0021)
            await using var cmd = connection.CreateCommand();
            cmd.Transaction = transaction;
            cmd.CommandText = "SELECT count(phone_digits) FROM leads";
            await cmd.ExecuteScalarAsync(ct);
            if (fail)
                throw new InvalidOperationException("step failed");
        }
    }

    private static Task<List<string>> StatisticsAsync(LeadlineDb db, string index) =>
        db.Database.SqlQueryRaw<string>("SELECT stat AS \"Value\" FROM sqlite_stat1 WHERE idx = {0}", index).ToListAsync();

    [Fact]
    public void Both_providers_have_the_same_numbered_scripts()
    {
        var sqlite = DatabaseMigrator.Scripts(DatabaseProvider.Sqlite).Select(s => s.Name);
        var postgres = DatabaseMigrator.Scripts(DatabaseProvider.Postgres).Select(s => s.Name);
        Assert.Equal(sqlite, postgres);
    }

    private sealed record HistoryRow(int Version, string Checksum);
}

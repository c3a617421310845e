using System.Globalization;
using System.Text.RegularExpressions;
using Leadline.Data;
using Leadline.Leads.Changes;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using SQLitePCL;

namespace Leadline.Leads;

/// <summary>
/// Inserts many new leads without change tracking: binary COPY on PostgreSQL, multi-row INSERTs on SQLite. The bulk half
/// of <see cref="LeadWritePath"/>: the reactions derive the new leads' fields and add the rows written beside them
/// (history, match keys, ...), so a bulk insert runs the same rules as a save. Columns and value conversions come from
/// the EF model, so every column is written the way EF writes it. Each <see cref="WriteAsync"/> runs in the caller's
/// transaction (or its own); closing the writer refreshes the planner statistics (ANALYZE), which a bulk load leaves the
/// most wrong. Used by imports, demo data and measurements.
/// </summary>
public sealed partial class LeadBulkWriter : IAsyncDisposable
{
    // SQLite's page cache while the writer is open: the indexes' random inserts then stay in memory until commit
    // instead of spilling to the WAL page by page (the default cache is 2 MB)
    private const int SqliteCacheKiB = 256 * 1024;

    // rows per multi-row INSERT on SQLite (fewer when the columns times this exceed SQLite's variable limit)
    private const int RowsPerStatement = 500;

    private readonly LeadlineDb _db;
    private readonly LeadWritePath _path;
    private readonly BulkTable _leads;
    private readonly Dictionary<Type, BulkTable> _tables = [];
    private readonly bool _postgres;
    private long? _sqliteCacheSize;
    private long? _sqliteSynchronous;
    private bool _analyzed;
    private bool _analyzeOnClose;
    private bool _refreshStatistics;

    private LeadBulkWriter(LeadlineDb db)
    {
        _db = db;
        _path = LeadWritePath.Of(db);
        _leads = BulkTable.For(db, typeof(Lead));
        _postgres = db.Database.IsNpgsql();
    }

    /// <summary>Opens the context's connection for the writer's lifetime (one connection for every batch).</summary>
    public static Task<LeadBulkWriter> OpenAsync(LeadlineDb db, CancellationToken ct) => OpenAsync(db, refreshStatistics: true, ct);

    /// <summary>
    /// As above; <paramref name="refreshStatistics"/> false (a CSV import into a table that may hold millions of rows)
    /// leaves statistics to autovacuum on PostgreSQL and to <c>PRAGMA optimize</c> on SQLite, which re-analyses only a table
    /// whose size changed tenfold, instead of a full ANALYZE on close that would cost seconds at a million leads.
    /// </summary>
    public static async Task<LeadBulkWriter> OpenAsync(LeadlineDb db, bool refreshStatistics, CancellationToken ct)
    {
        var writer = new LeadBulkWriter(db) { _refreshStatistics = refreshStatistics };
        await db.Database.OpenConnectionAsync(ct);
        if (!writer._postgres)
        {
            writer._sqliteCacheSize = Convert.ToInt64(await writer.ScalarAsync("PRAGMA cache_size", ct), CultureInfo.InvariantCulture);
            await writer.ScalarAsync($"PRAGMA cache_size = -{SqliteCacheKiB}", ct);
            // in WAL mode NORMAL skips the fsync at each commit (the WAL is synced at checkpoints): a crash of the app
            // loses nothing, a power cut may roll the last batches back, never corrupts; the connection's own setting returns on close
            writer._sqliteSynchronous = Convert.ToInt64(await writer.ScalarAsync("PRAGMA synchronous", ct), CultureInfo.InvariantCulture);
            await writer.ScalarAsync("PRAGMA synchronous = NORMAL", ct);
        }
        return writer;
    }

    /// <summary>Writes <paramref name="leads"/> (new, Id 0) and sets their ids; the history rows carry <paramref name="now"/> and the given user.</summary>
    public async Task WriteAsync(IReadOnlyList<Lead> leads, DateTime now, int? userId, string userName, CancellationToken ct)
    {
        if (leads.Count == 0)
            return;
        _analyzeOnClose = false;
        var workspace = _db.CurrentWorkspaceId;
        if (workspace == 0)
            throw new InvalidOperationException("Lead has no workspace.");
        foreach (var lead in leads)
        {
            if (lead.WorkspaceId == 0)
                lead.WorkspaceId = workspace;
            if (lead.WorkspaceId != workspace)
                throw new InvalidOperationException("Lead belongs to another workspace.");
            if (lead.CreatedAt == default)
                lead.CreatedAt = now;
            lead.UpdatedAt = now;
        }

        await using var ownTransaction = _db.Database.CurrentTransaction is null ? await _db.Database.BeginTransactionAsync(ct) : null;
        var ids = _postgres ? await ReservePostgresIdsAsync(leads.Count, ct) : await NextSqliteIdsAsync(leads.Count, ct);
        for (var i = 0; i < leads.Count; i++)
            leads[i].Id = ids[i];
        var rows = await _path.BeforeBulkInsertAsync(new LeadsCreatedInBulk(workspace, leads, now, userId, userName), _db, ct);

        if (_postgres)
        {
            await CopyAsync(_leads, leads, ct);
            if (!_analyzed && (_refreshStatistics || await FewLeadsKnownAsync(ct)))
            {
                // The foreign-key check of every history row looks its lead up by id. Planned while the planner believes
                // leads is empty (a new database) it may scan another index whole, once per row: quadratic. Fresh
                // statistics (this transaction's rows count) give it the primary key; it also replans cached checks.
                await ScalarAsync("ANALYZE leads", ct);
                _analyzed = true;
            }
        }
        else
        {
            Insert(_leads, leads);
        }
        foreach (var (type, table) in rows.Tables)
            await WriteRowsAsync(Table(type), await table, ct);
        if (ownTransaction is not null)
            await ownTransaction.CommitAsync(ct);
        _analyzeOnClose = true;
    }

    /// <summary>
    /// Writes activities of leads written before (demo data's calls and scheduled meetings), in the caller's transaction;
    /// the leads' derived fields (last activity, next follow-up) are the caller's to set to match.
    /// </summary>
    public async Task WriteActivitiesAsync(IReadOnlyList<Activities.Activity> activities, CancellationToken ct)
    {
        if (activities.Count == 0)
            return;
        foreach (var activity in activities)
        {
            activity.WorkspaceId = _db.CurrentWorkspaceId;
            if (activity.UpdatedAt == default)
                activity.UpdatedAt = activity.CreatedAt;
        }
        await WriteRowsAsync(Table(typeof(Activities.Activity)), activities.ToList(), ct);
    }

    private BulkTable Table(Type type) => _tables.TryGetValue(type, out var table) ? table : _tables[type] = BulkTable.For(_db, type);

    private async Task WriteRowsAsync(BulkTable table, System.Collections.IList rows, CancellationToken ct)
    {
        var list = rows.Cast<object>().ToList();
        if (list.Count == 0)
            return;
        if (_postgres)
            await CopyAsync(table, list, ct);
        else
            Insert(table, list);
    }

    /// <summary>The planner believes leads is (nearly) empty: then a first ANALYZE is cheap and saves the foreign-key checks.</summary>
    private async Task<bool> FewLeadsKnownAsync(CancellationToken ct) =>
        Convert.ToDouble(await ScalarAsync("SELECT reltuples FROM pg_class WHERE oid = 'leads'::regclass", ct), CultureInfo.InvariantCulture) < 100_000;

    /// <summary>Ids from the identity sequence, so concurrent writers never collide.</summary>
    private async Task<int[]> ReservePostgresIdsAsync(int count, CancellationToken ct)
    {
        await using var cmd = Command($"SELECT nextval(pg_get_serial_sequence('leads', 'id'))::integer FROM generate_series(1, {count})");
        var ids = new int[count];
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        for (var i = 0; await reader.ReadAsync(ct); i++)
            ids[i] = reader.GetInt32(0);
        return ids;
    }

    /// <summary>The next AUTOINCREMENT ids; the open write transaction keeps other writers out until commit.</summary>
    private async Task<int[]> NextSqliteIdsAsync(int count, CancellationToken ct)
    {
        var next = Convert.ToInt32(await ScalarAsync(
            "SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'leads'), 0), coalesce((SELECT max(id) FROM leads), 0)) + 1", ct),
            CultureInfo.InvariantCulture);
        return Enumerable.Range(next, count).ToArray();
    }

    private System.Data.Common.DbCommand Command(string sql)
    {
        var cmd = _db.Database.GetDbConnection().CreateCommand();
        cmd.Transaction = _db.Database.CurrentTransaction?.GetDbTransaction();
        cmd.CommandText = sql;
        return cmd;
    }

    private async Task<object?> ScalarAsync(string sql, CancellationToken ct)
    {
        await using var cmd = Command(sql);
        return await cmd.ExecuteScalarAsync(ct);
    }

    public async ValueTask DisposeAsync()
    {
        if (_analyzeOnClose && !_refreshStatistics)
        {
            if (!_postgres)
                await ScalarAsync("PRAGMA optimize", CancellationToken.None);
        }
        else if (_analyzeOnClose)
        {
            // a bulk load is when the planner's statistics are most wrong; SQLite has none at all until ANALYZE runs,
            // and then guesses that "workspace_id = ?" matches a handful of rows (so "hot" sorted every hot lead)
            await ScalarAsync("ANALYZE leads", CancellationToken.None);
            await ScalarAsync("ANALYZE lead_history", CancellationToken.None);
            await ScalarAsync("ANALYZE lead_match_keys", CancellationToken.None);
        }
        if (_sqliteCacheSize is { } size && _db.Database.GetDbConnection().State == System.Data.ConnectionState.Open)
        {
            await ScalarAsync($"PRAGMA cache_size = {size}", CancellationToken.None);
            await ScalarAsync($"PRAGMA synchronous = {_sqliteSynchronous}", CancellationToken.None);
            // the WAL grew to the largest batch; fold it into the database file and give the space back
            await ScalarAsync("PRAGMA wal_checkpoint(TRUNCATE)", CancellationToken.None);
        }
        await _db.Database.CloseConnectionAsync();
    }
}

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

/// <summary>How the bulk writer puts rows in a table: binary COPY on PostgreSQL, prepared multi-row INSERTs through SQLite's own API, the columns as the EF model maps them.</summary>
public sealed partial class LeadBulkWriter
{
    private async Task CopyAsync<T>(BulkTable table, IReadOnlyList<T> rows, CancellationToken ct) where T : class
    {
        if (rows.Count == 0)
            return;
        var connection = (NpgsqlConnection)_db.Database.GetDbConnection();
        await using var importer = await connection.BeginBinaryImportAsync($"COPY {table.QuotedName} ({table.QuotedColumns}) FROM STDIN (FORMAT BINARY)", ct);
        foreach (var row in rows)
        {
            await importer.StartRowAsync(ct);
            foreach (var column in table.Columns)
            {
                if (column.Read(row) is { } value)
                    await importer.WriteAsync(value, column.PostgresType, ct);
                else
                    await importer.WriteNullAsync(ct);
            }
        }
        await importer.CompleteAsync(ct);
    }

    /// <summary>
    /// Multi-row INSERTs, bound by position through SQLitePCL (what Microsoft.Data.Sqlite runs on): one prepared statement
    /// for full chunks of rows, one for the rest. Microsoft.Data.Sqlite binds parameters by name, and SQLite finds a name by
    /// a linear search, so binding by name was quadratic in a long VALUES list. Several rows per statement also matter for
    /// the search index: FTS5 flushes its pending terms to a new segment at the end of every statement, so a statement
    /// per row made the search trigger cost more than the rest of the insert (a segment and merges per lead).
    /// </summary>
    private void Insert<T>(BulkTable table, IReadOnlyList<T> rows) where T : class
    {
        var handle = ((SqliteConnection)_db.Database.GetDbConnection()).Handle!;
        var maxVariables = raw.sqlite3_limit(handle, raw.SQLITE_LIMIT_VARIABLE_NUMBER, -1);
        var perStatement = Math.Clamp(maxVariables / table.Columns.Count, 1, RowsPerStatement);
        for (var start = 0; start < rows.Count;)
        {
            var count = Math.Min(perStatement, rows.Count - start);
            var row = "(" + string.Join(", ", table.Columns.Select(_ => "?")) + ")";
            var sql = $"INSERT INTO {table.QuotedName} ({table.QuotedColumns}) VALUES {string.Join(", ", Enumerable.Repeat(row, count))}";
            Check(handle, raw.sqlite3_prepare_v2(handle, sql, out var statement));
            using (statement)
            {
                // the same statement for every full chunk; the last, shorter one gets its own
                for (; rows.Count - start >= count; start += count)
                {
                    var index = 1;
                    for (var r = start; r < start + count; r++)
                        foreach (var column in table.Columns)
                            Check(handle, Bind(statement, index++, column.Read(rows[r])));
                    var step = raw.sqlite3_step(statement);
                    raw.sqlite3_reset(statement);
                    if (step != raw.SQLITE_DONE)
                        Check(handle, step);
                }
            }
        }
    }

    /// <summary>
    /// The same storage classes and text formats as Microsoft.Data.Sqlite's own parameter binding. Text is bound as
    /// UTF-16 straight from the string (SQLite converts it natively), which spares a UTF-8 copy per value.
    /// </summary>
    private static int Bind(sqlite3_stmt statement, int index, object? value)
    {
        switch (value)
        {
            case null:
                return raw.sqlite3_bind_null(statement, index);
            case string s:
                return raw.sqlite3_bind_text16(statement, index, s.AsSpan());
            case int n:
                return raw.sqlite3_bind_int64(statement, index, n);
            case long n:
                return raw.sqlite3_bind_int64(statement, index, n);
            case bool b:
                return raw.sqlite3_bind_int64(statement, index, b ? 1 : 0);
            case double d:
                return raw.sqlite3_bind_double(statement, index, d);
            case DateTime d:
            {
                Span<char> text = stackalloc char[32];
                d.TryFormat(text, out var length, "yyyy-MM-dd HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture);
                return raw.sqlite3_bind_text16(statement, index, text[..length]);
            }
            case DateOnly d:
            {
                Span<char> text = stackalloc char[16];
                d.TryFormat(text, out var length, "yyyy-MM-dd", CultureInfo.InvariantCulture);
                return raw.sqlite3_bind_text16(statement, index, text[..length]);
            }
            default:
                throw new NotSupportedException($"LeadBulkWriter cannot write a {value.GetType().Name} to SQLite.");
        }
    }

    private static void Check(sqlite3 handle, int result)
    {
        if (result is not (raw.SQLITE_OK or raw.SQLITE_DONE))
            throw new SqliteException(raw.sqlite3_errmsg(handle).utf8_to_string(), result, raw.sqlite3_extended_errcode(handle));
    }

    /// <summary>A table's columns as the EF model maps them: name, PostgreSQL type, and a reader that applies EF's value converter.</summary>
    private sealed record BulkTable(string QuotedName, string QuotedColumns, IReadOnlyList<BulkColumn> Columns)
    {
        /// <summary>Keys the database generates are left out (it numbers history rows); the leads' ids are reserved by the writer.</summary>
        public static BulkTable For(LeadlineDb db, Type clrType)
        {
            var entity = db.Model.FindEntityType(clrType)!;
            var table = StoreObjectIdentifier.Table(entity.GetTableName()!, entity.GetSchema());
            var columns = entity.GetProperties()
                .Where(p => clrType == typeof(Lead) || !(p.IsPrimaryKey() && p.ValueGenerated == ValueGenerated.OnAdd))
                .Select(p => new BulkColumn(p.GetColumnName(table)!, StoreTypeWithoutFacets(p.GetColumnType()), Reader(p)))
                .ToList();
            return new BulkTable(Quote(table.Name), string.Join(", ", columns.Select(c => Quote(c.Name))), columns);
        }

        private static Func<object, object?> Reader(IProperty property)
        {
            var getter = property.GetGetter();
            var converter = property.GetTypeMapping().Converter;
            return entity =>
            {
                var value = getter.GetClrValueUsingContainingEntity(entity);
                return value is null || converter is null ? value : converter.ConvertToProvider(value);
            };
        }

        private static string Quote(string name) => $"\"{name}\"";

        // "character varying(200)" → "character varying": COPY names the column type without its length
        private static string StoreTypeWithoutFacets(string storeType) => Regex.Replace(storeType, @"\(.*?\)", "");
    }

    private sealed record BulkColumn(string Name, string PostgresType, Func<object, object?> Read);
}

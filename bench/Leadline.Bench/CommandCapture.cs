using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Leadline.Bench;

/// <summary>
/// Remembers the last query EF sent (text and parameters, as EF typed them), so the bench can run exactly that
/// SQL raw on the same connection. Unlike ToQueryString() this also covers COUNT, and parameters keep their types.
/// </summary>
internal sealed class CommandCapture : DbCommandInterceptor
{
    public string? LastSql { get; private set; }

    private readonly List<DbParameter> _parameters = [];

    public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        Capture(command);
        return ValueTask.FromResult(result);
    }

    public override InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
    {
        Capture(command);
        return result;
    }

    private void Capture(DbCommand command)
    {
        LastSql = command.CommandText;
        _parameters.Clear();
        _parameters.AddRange(command.Parameters.Cast<DbParameter>());
    }

    /// <summary>A new command on <paramref name="connection"/> with the captured text and copies of its parameters.</summary>
    public DbCommand CreateRawCommand(DbConnection connection)
    {
        var cmd = connection.CreateCommand();
        cmd.CommandText = LastSql ?? throw new InvalidOperationException("No query has run yet.");
        foreach (var p in _parameters)
        {
            if (p is ICloneable cloneable)
            {
                cmd.Parameters.Add((DbParameter)cloneable.Clone());
                continue;
            }
            var copy = cmd.CreateParameter();
            copy.ParameterName = p.ParameterName;
            copy.DbType = p.DbType;
            copy.Value = p.Value;
            cmd.Parameters.Add(copy);
        }
        return cmd;
    }
}

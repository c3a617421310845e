using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Leadline.Bench;

/// <summary>
/// Every SQL command EF runs while a trace is on (any context, any thread), with its duration, taken from EF's
/// DiagnosticSource events: shows where one board or move spends its round trips (<c>--explain</c>).
/// </summary>
internal sealed class CommandTrace : IObserver<DiagnosticListener>, IObserver<KeyValuePair<string, object?>>, IDisposable
{
    private readonly IDisposable _subscription;
    private readonly List<IDisposable> _listeners = [];
    private readonly List<(string Sql, TimeSpan Duration)> _commands = [];
    private bool _on;

    public CommandTrace() => _subscription = DiagnosticListener.AllListeners.Subscribe(this);

    public async Task<string> RecordAsync(Func<Task> run)
    {
        lock (_commands)
        {
            _commands.Clear();
            _on = true;
        }
        var watch = Stopwatch.StartNew();
        try
        {
            await run();
        }
        finally
        {
            lock (_commands)
                _on = false;
        }
        var total = watch.Elapsed;
        lock (_commands)
        {
            var lines = _commands.Select(c => $"{c.Duration.TotalMilliseconds,8:0.00} ms  {OneLine(c.Sql)}");
            return string.Join("\n", lines) + $"\n{_commands.Sum(c => c.Duration.TotalMilliseconds),8:0.00} ms in {_commands.Count} commands; {total.TotalMilliseconds:0.00} ms in all";
        }
    }

    private static string OneLine(string sql)
    {
        var s = string.Join(" ", sql.Split((char[])['\n', '\r'], StringSplitOptions.RemoveEmptyEntries).Select(l => l.Trim()));
        return s.Length > 2000 ? s[..2000] + " …" : s;
    }

    public void OnNext(DiagnosticListener value)
    {
        if (value.Name == DbLoggerCategory.Name)
            lock (_listeners)
                _listeners.Add(value.Subscribe(this));
    }

    public void OnNext(KeyValuePair<string, object?> value)
    {
        if (value.Key == RelationalEventId.CommandExecuted.Name && value.Value is CommandExecutedEventData e)
            lock (_commands)
                if (_on)
                    _commands.Add((e.Command.CommandText, e.Duration));
    }

    public void OnCompleted()
    {
    }

    public void OnError(Exception error)
    {
    }

    public void Dispose()
    {
        _subscription.Dispose();
        lock (_listeners)
            _listeners.ForEach(l => l.Dispose());
    }
}

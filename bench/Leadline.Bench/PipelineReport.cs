using System.Globalization;

namespace Leadline.Bench;

/// <summary>One database's board, move and reminder figures as Markdown, with issue 4's targets marked.</summary>
internal sealed class PipelineReport(string database)
{
    private readonly List<(string Group, string Name, Timings Times, double CpuMs, double TargetMs)> _rows = [];
    private readonly List<ReminderFigures> _reminders = [];
    private readonly List<(string Name, string Commands)> _traces = [];
    private string _columns = "";

    public void Columns(IReadOnlyList<(string Name, int Count)> columns) =>
        _columns = string.Join(", ", columns.Select(c => $"{c.Name} {c.Count:N0}"));

    public void Add(string group, string name, Timings times, double cpuMs, double targetMs) => _rows.Add((group, name, times, cpuMs, targetMs));

    public void Reminders(ReminderFigures figures) => _reminders.Add(figures);

    private readonly List<string> _load = [];

    /// <summary>The machine's load average: other work on a shared machine slows every figure.</summary>
    public void Load(string when)
    {
        if (File.Exists("/proc/loadavg"))
            _load.Add($"{when} {string.Join(" / ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3))}");
    }

    public void Trace(string name, string commands) => _traces.Add((name, commands));

    public void Print(TextWriter output)
    {
        output.WriteLine();
        output.WriteLine($"## {database}: pipeline board, moves and reminders");
        output.WriteLine();
        if (_load.Count > 0)
        {
            output.WriteLine($"Load average (1 / 5 / 15 min) on {Environment.ProcessorCount} cores: {string.Join("; ", _load)}.");
            output.WriteLine();
        }
        if (_columns.Length > 0)
        {
            output.WriteLine($"Default pipeline, cards per stage: {_columns}.");
            output.WriteLine();
        }
        if (_rows.Count > 0)
        {
            output.WriteLine("Server time in milliseconds, each run in a DI scope of its own (service code as the endpoint calls it, real database). " +
                             "CPU: this process's CPU time per run (the database server's not included; SQLite runs in-process).");
            output.WriteLine();
            output.WriteLine("| measure | p50 | p95 | CPU / run | runs | target (p95) | met |");
            output.WriteLine("|---|---:|---:|---:|---:|---:|:---:|");
            foreach (var r in _rows)
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {r.Name} | {r.Times.P50:0.0} | {r.Times.P95:0.0} | {r.CpuMs:0.0} | {r.Times.Count} | ≤ {r.TargetMs:0} ms | {Mark(r.Times.P95 <= r.TargetMs)} |"));
            output.WriteLine();
        }
        if (_reminders.Count > 0)
        {
            output.WriteLine("| reminders | one cycle | fired per instance | notifications / distinct / sent | target | met |");
            output.WriteLine("|---|---:|---|---|---|:---:|");
            foreach (var r in _reminders)
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {r.Due:N0} due, {r.Instances} dispatcher{(r.Instances == 1 ? "" : "s")} racing{(r.Failure is null ? "" : $" — **failed: {r.Failure}**")} | {r.Elapsed.TotalSeconds:0.00} s " +
                    $"| {string.Join(" + ", r.FiredPerInstance)} | {r.Notifications:N0} / {r.DistinctReminders:N0} / {r.Sent:N0} " +
                    $"| ≤ {ReminderBench.TargetSeconds:0} s, exactly once | {Mark(r.ExactlyOnce && r.Elapsed.TotalSeconds <= ReminderBench.TargetSeconds)} |"));
            output.WriteLine();
        }
        foreach (var (name, commands) in _traces)
        {
            output.WriteLine($"SQL of one {name} (--explain; durations as EF measured them):");
            output.WriteLine("```");
            output.WriteLine(commands);
            output.WriteLine("```");
            output.WriteLine();
        }
    }

    private static string Mark(bool ok) => ok ? "yes" : "**no**";
}

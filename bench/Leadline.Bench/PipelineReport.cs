using System.Globalization;

namespace Leadline.Bench;

/// <summary>One database's board, move and reminder figures as Markdown, with issue 4's targets marked.</summary>
internal sealed class PipelineReport(string database)
{
    private readonly List<(string Group, string Name, Timings Times, double TargetMs)> _rows = [];
    private readonly List<ReminderFigures> _reminders = [];
    private string _columns = "";

    public void Columns(IReadOnlyList<(string Name, int Count)> columns) =>
        _columns = string.Join(", ", columns.Select(c => $"{c.Name} {c.Count:N0}"));

    public void Add(string group, string name, Timings times, double targetMs) => _rows.Add((group, name, times, targetMs));

    public void Reminders(ReminderFigures figures) => _reminders.Add(figures);

    public void Print(TextWriter output)
    {
        output.WriteLine();
        output.WriteLine($"## {database}: pipeline board, moves and reminders");
        output.WriteLine();
        if (_columns.Length > 0)
        {
            output.WriteLine($"Default pipeline, cards per stage: {_columns}.");
            output.WriteLine();
        }
        if (_rows.Count > 0)
        {
            output.WriteLine("Server time in milliseconds, each run in a DI scope of its own (service code as the endpoint calls it, real database).");
            output.WriteLine();
            output.WriteLine("| measure | p50 | p95 | runs | target (p95) | met |");
            output.WriteLine("|---|---:|---:|---:|---:|:---:|");
            foreach (var r in _rows)
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {r.Name} | {r.Times.P50:0.0} | {r.Times.P95:0.0} | {r.Times.Count} | ≤ {r.TargetMs:0} ms | {Mark(r.Times.P95 <= r.TargetMs)} |"));
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
    }

    private static string Mark(bool ok) => ok ? "yes" : "**no**";
}

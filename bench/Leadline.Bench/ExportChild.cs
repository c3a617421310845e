using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Leadline.Data;

namespace Leadline.Bench;

/// <summary>
/// The export runs in a process of its own: the bench starts itself again with <see cref="Flag"/>, on the database it
/// just seeded. That process's peak working set is then an app process that started and exported, not one that had
/// just generated a million leads (the working set of a .NET process seldom shrinks back).
/// </summary>
internal static class ExportChild
{
    public const string Flag = "--export-child";

    private const string ConnectionVariable = "LEADLINE_BENCH_CHILD_CONNECTION";

    public static async Task<ExportFigures> RunAsync(BenchDatabase database, int workspaceId, int adminId, CancellationToken ct)
    {
        var host = Environment.ProcessPath ?? throw new InvalidOperationException("Cannot tell which executable runs the bench.");
        var start = new ProcessStartInfo(host) { RedirectStandardOutput = true, UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(host) == "dotnet")
            start.ArgumentList.Add(typeof(ExportChild).Assembly.Location);
        foreach (var arg in new[] { Flag, database.Provider.ToString(), workspaceId.ToString(CultureInfo.InvariantCulture), adminId.ToString(CultureInfo.InvariantCulture) })
            start.ArgumentList.Add(arg);
        start.Environment[ConnectionVariable] = database.ConnectionString;   // not on the command line, where ps shows it
        using var child = Process.Start(start) ?? throw new InvalidOperationException("Could not start the export process.");
        var output = await child.StandardOutput.ReadToEndAsync(ct);
        await child.WaitForExitAsync(ct);
        if (child.ExitCode != 0)
            throw new InvalidOperationException($"The export process failed (exit code {child.ExitCode}).");
        return JsonSerializer.Deserialize<ExportFigures>(output.Trim().Split('\n')[^1])!;
    }

    /// <summary>The child's side: attach to the database, export, print the figures as one JSON line.</summary>
    public static async Task<int> MainAsync(string[] args, CancellationToken ct)
    {
        var provider = Enum.Parse<DatabaseProvider>(args[1]);
        var workspaceId = int.Parse(args[2], CultureInfo.InvariantCulture);
        var adminId = int.Parse(args[3], CultureInfo.InvariantCulture);
        var connection = Environment.GetEnvironmentVariable(ConnectionVariable) ?? throw new InvalidOperationException($"{ConnectionVariable} is not set.");
        await using var database = BenchDatabase.Attach(provider, connection);
        var figures = await new ImportExportBench(database, workspaceId, adminId).ExportAsync(ct);
        Console.WriteLine(JsonSerializer.Serialize(figures));
        return 0;
    }
}

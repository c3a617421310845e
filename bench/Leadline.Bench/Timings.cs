using System.Diagnostics;

namespace Leadline.Bench;

/// <summary>Elapsed milliseconds of repeated runs, with nearest-rank percentiles.</summary>
internal sealed class Timings
{
    private readonly List<double> _ms = [];

    public int Count => _ms.Count;

    public double P50 => Percentile(0.50);

    public double P95 => Percentile(0.95);

    public void Add(TimeSpan elapsed) => _ms.Add(elapsed.TotalMilliseconds);

    private double Percentile(double p)
    {
        if (_ms.Count == 0)
            return double.NaN;
        var sorted = _ms.Order().ToList();
        return sorted[Math.Max(0, (int)Math.Ceiling(p * sorted.Count) - 1)];
    }

    /// <summary>
    /// Runs <paramref name="app"/> and <paramref name="raw"/> alternately (so drift hits both alike): first
    /// <paramref name="warmup"/> untimed rounds, then up to <paramref name="runs"/> timed rounds, stopping early once
    /// <paramref name="budget"/> is spent (at least three rounds are always timed).
    /// </summary>
    public static async Task<(Timings App, Timings Raw)> PairAsync(Func<Task> app, Func<Task> raw, int warmup, int runs, TimeSpan budget)
    {
        for (var i = 0; i < warmup; i++)
        {
            await app();
            await raw();
        }
        var (appTimes, rawTimes) = (new Timings(), new Timings());
        var total = Stopwatch.StartNew();
        for (var i = 0; i < runs && (i < 3 || total.Elapsed < budget); i++)
        {
            var watch = Stopwatch.StartNew();
            await app();
            appTimes.Add(watch.Elapsed);
            watch.Restart();
            await raw();
            rawTimes.Add(watch.Elapsed);
        }
        return (appTimes, rawTimes);
    }
}

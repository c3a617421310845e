using System.Diagnostics;
using System.Text.Json;
using Leadline.Common.Time;
using Leadline.Data;
using Leadline.Leads;
using Leadline.Pipeline;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Leadline.Bench;

/// <summary>
/// The board and moves of issue 4, through the very code the endpoints run, each timed run in a DI scope of its own
/// (a request's worth: a fresh DbContext, the workspace lookup, the query, the JSON the API writes):
/// <list type="bullet">
/// <item><c>GET /api/v1/pipelines/{id}/board</c>: <see cref="BoardQueries.BoardAsync"/> + serialization;</item>
/// <item><c>GET /pipeline/column</c> (the board page's "more on scroll"): <see cref="BoardQueries.CardsAsync"/>;</item>
/// <item><c>POST /api/v1/leads/{id}/move</c>: <see cref="LeadMover.MoveAsync"/> + <see cref="LeadMapper.MapAsync(Lead, WorkspaceClock, CancellationToken)"/>.</item>
/// </list>
/// </summary>
internal sealed class PipelineBench(BenchDatabase database, int workspaceId, int adminId, BenchOptions options)
{
    public const double BoardTargetMs = 150;
    public const double MoveTargetMs = 20;
    private const int PerStage = 20;   // the API's default perStage and the board page's first cards

    /// <summary><c>--suite pipeline</c> leaves out the lead list, export and import.</summary>
    public static BenchOptions ApplySuite(BenchOptions options) => options.Suite switch
    {
        "pipeline" or "dedup" => options with { Skip = new HashSet<string>(options.Skip.Concat(["list", "export", "import"]), StringComparer.OrdinalIgnoreCase) },
        "inbox" => options with { Skip = new HashSet<string>(options.Skip.Concat(["list", "export", "import", "home"]), StringComparer.OrdinalIgnoreCase) },
        _ => options,
    };

    public async Task RunAsync(PipelineReport report, TextWriter log, CancellationToken ct)
    {
        if (database.Provider == DatabaseProvider.Postgres)
        {
            // the VACUUM after seeding can leave most pages not yet all-visible (index-only scans then visit the heap);
            // autovacuum gets there on a live database soon after a bulk load
            await log.WriteLineAsync("VACUUM ANALYZE leads");
            await database.ExecuteAsync("VACUUM (ANALYZE) leads", ct);
        }
        int pipelineId;
        List<(Stage Stage, int Count)> columns;
        await using (var scope = database.Scope(workspaceId))
        {
            var db = scope.ServiceProvider.GetRequiredService<LeadlineDb>();
            pipelineId = await db.Pipelines.Where(p => p.IsDefault).Select(p => p.Id).FirstAsync(ct);
            var stages = await db.Stages.AsNoTracking().Where(s => s.PipelineId == pipelineId).OrderBy(s => s.Order).ToListAsync(ct);
            var counts = await db.Leads.Where(l => l.PipelineId == pipelineId && l.ArchivedAt == null).GroupBy(l => l.StageId)
                .Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count, ct);
            columns = stages.Select(s => (s, counts.GetValueOrDefault(s.Id))).ToList();
            report.Columns(columns.Select(c => (c.Stage.Name, c.Count)).ToList());
        }
        var biggest = columns.Where(c => c.Stage.Category != StageCategory.Lost).MaxBy(c => c.Count).Stage;
        var other = columns.Where(c => c.Stage.Id != biggest.Id && c.Stage.Category != StageCategory.Lost).MaxBy(c => c.Count).Stage;

        // JIT: the code paths below run optimised only after ~30 calls
        await log.WriteLineAsync($"{database.Name}: board warm-up");
        for (var i = 0; i < 20; i++)
            await BoardAsync(pipelineId, new BoardFilter(null, null, null), ct);

        foreach (var (name, filter) in new (string, BoardFilter)[]
                 {
                     ("board, no filter", new BoardFilter(null, null, null)),
                     ("board, owner=me", new BoardFilter("me", null, null)),
                     ("board, source=webForm", new BoardFilter(null, null, LeadSource.WebForm)),
                     ("board, q=smith", new BoardFilter(null, "smith", null)),
                 })
        {
            await log.WriteLineAsync($"{database.Name}: {name}");
            var bytes = 0;
            var t = await MeasureAsync(async _ => bytes = await BoardAsync(pipelineId, filter, ct));
            report.Add("board", $"{name} (GET /api/v1/pipelines/{{id}}/board, {PerStage} cards per stage, JSON {bytes / 1024.0:N0} KB)", t.Times, t.CpuMs, BoardTargetMs);
        }
        foreach (var skip in new[] { PerStage, 1000 })
        {
            var name = $"column slice, {biggest.Name} skip={skip}";
            await log.WriteLineAsync($"{database.Name}: {name}");
            var t = await MeasureAsync(_ => ColumnAsync(pipelineId, biggest.Id, skip, ct));
            report.Add("board", $"{name} (GET /pipeline/column, {PerStage + 1} cards)", t.Times, t.CpuMs, BoardTargetMs);
        }

        // moves: leads picked at random (fixed seed) from the biggest column and the next biggest
        var random = new Random(4);
        List<int> inBiggest, inOther;
        await using (var scope = database.Scope(workspaceId))
        {
            var db = scope.ServiceProvider.GetRequiredService<LeadlineDb>();
            var all = await db.Leads.Where(l => l.StageId == biggest.Id).Select(l => l.Id).ToListAsync(ct);
            inBiggest = all.OrderBy(_ => random.Next()).Take(500).ToList();
            all = await db.Leads.Where(l => l.StageId == other.Id).Select(l => l.Id).ToListAsync(ct);
            inOther = all.OrderBy(_ => random.Next()).Take(500).ToList();
        }
        var nextBig = 0;
        var nextOther = 0;
        for (var i = 0; i < 20; i++)   // warm-up of the move path
            await MoveAsync(inBiggest[nextBig++], biggest.Id, random.Next(0, 100), ct);

        if (options.Explain)
        {
            using var trace = new CommandTrace();
            report.Trace("board, no filter", await trace.RecordAsync(() => BoardAsync(pipelineId, new BoardFilter(null, null, null), ct)));
            report.Trace($"move within {biggest.Name} to the middle", await trace.RecordAsync(() => MoveAsync(inBiggest[nextBig++], biggest.Id, columns[0].Count / 2, ct)));
            report.Trace($"move {other.Name} → {biggest.Name}, to the top", await trace.RecordAsync(() => MoveAsync(inOther[nextOther++], biggest.Id, 0, ct)));
        }

        int Count(Stage s) => columns.First(c => c.Stage.Id == s.Id).Count;
        foreach (var (name, from, to, position) in new (string, Stage, Stage, Func<int?>)[]
                 {
                     ("top", biggest, biggest, () => 0),
                     ("middle", biggest, biggest, () => Count(biggest) / 2 + random.Next(-1000, 1000)),
                     ("bottom (position = column length)", biggest, biggest, () => Count(biggest)),
                     ("top", other, biggest, () => 0),
                     ("middle", other, biggest, () => Count(biggest) / 2 + random.Next(-1000, 1000)),
                     ("bottom (position = column length)", other, biggest, () => Count(biggest)),
                     ("end (no position: append)", other, biggest, () => null),
                 })
        {
            var label = from.Id == to.Id
                ? $"move within {to.Name} ({Count(to):N0} cards) to the {name}"
                : $"move {from.Name} → {to.Name} ({Count(to):N0} cards), to the {name}";
            await log.WriteLineAsync($"{database.Name}: {label}");
            var t = await MeasureAsync(_ =>
            {
                var id = from.Id == biggest.Id ? inBiggest[nextBig++ % inBiggest.Count] : inOther[nextOther++ % inOther.Count];
                return MoveAsync(id, to.Id, position(), ct);
            });
            report.Add("move", $"{label} (POST /api/v1/leads/{{id}}/move)", t.Times, t.CpuMs, MoveTargetMs);
        }

        // what the board sends: the card dropped after (the column's last, the lead moved in the run before)
        int last;
        await using (var scope = database.Scope(workspaceId))
            last = await scope.ServiceProvider.GetRequiredService<LeadlineDb>().Leads.Where(l => l.StageId == biggest.Id && l.ArchivedAt == null)
                .OrderByDescending(l => l.Position).ThenByDescending(l => l.Id).Select(l => l.Id).FirstAsync(ct);
        var byNeighbour = $"move {other.Name} → {biggest.Name} ({Count(biggest):N0} cards), to the bottom, after the last card (afterLeadId, as the board sends it)";
        await log.WriteLineAsync($"{database.Name}: {byNeighbour}");
        var n = await MeasureAsync(async _ =>
        {
            var id = inOther[nextOther++ % inOther.Count];
            await MoveAsync(id, biggest.Id, Count(biggest), ct, afterLeadId: last);
            last = id;
        });
        report.Add("move", $"{byNeighbour} (POST /api/v1/leads/{{id}}/move)", n.Times, n.CpuMs, MoveTargetMs);
    }

    /// <summary>Warm-up rounds, then timed rounds until <see cref="BenchOptions.Runs"/> or the budget is spent.</summary>
    private async Task<(Timings Times, double CpuMs)> MeasureAsync(Func<int, Task> run)
    {
        var i = 0;
        for (; i < options.Warmup; i++)
            await run(i);
        // this process's CPU time per run (not the database server's): on a shared, overloaded machine the wall time
        // also counts the waits for a core
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var (times, _) = await Timings.PairAsync(() => run(i++), () => Task.CompletedTask, 0, options.Runs, options.Budget);
        return (times, (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMilliseconds / Math.Max(1, times.Count));
    }

    /// <summary>What the board endpoint does: the workspace clock, the board, its JSON; returns the JSON's size.</summary>
    private async Task<int> BoardAsync(int pipelineId, BoardFilter filter, CancellationToken ct)
    {
        await using var scope = database.Scope(workspaceId);
        var sp = scope.ServiceProvider;
        var leads = sp.GetRequiredService<LeadService>();
        var board = await sp.GetRequiredService<BoardQueries>().BoardAsync(pipelineId, filter, PerStage, adminId, sp.GetRequiredService<LeadQueries>(),
            await leads.ClockAsync(ct), ct) ?? throw new InvalidOperationException("No board.");
        return JsonSerializer.SerializeToUtf8Bytes(board, sp.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions).Length;
    }

    /// <summary>What /pipeline/column does before rendering: the stage, the clock, one more slice of cards.</summary>
    private async Task ColumnAsync(int pipelineId, int stageId, int skip, CancellationToken ct)
    {
        await using var scope = database.Scope(workspaceId);
        var sp = scope.ServiceProvider;
        var db = sp.GetRequiredService<LeadlineDb>();
        var queries = sp.GetRequiredService<BoardQueries>();
        var stage = await db.Stages.FirstAsync(s => s.Id == stageId, ct);
        var clock = await sp.GetRequiredService<LeadService>().ClockAsync(ct);
        var cards = await queries.CardsAsync(queries.Leads(pipelineId, new BoardFilter(null, null, null), adminId, sp.GetRequiredService<LeadQueries>(), clock),
            stage, skip, PerStage + 1, clock, ct);
        if (cards.Count == 0)
            throw new InvalidOperationException("An empty column slice.");
    }

    /// <summary>What the move endpoint does: the move, then the lead as the response maps it.</summary>
    private async Task MoveAsync(int leadId, int stageId, int? position, CancellationToken ct, int? afterLeadId = null)
    {
        await using var scope = database.Scope(workspaceId);
        var sp = scope.ServiceProvider;
        var result = await sp.GetRequiredService<LeadMover>().MoveAsync(leadId, new MoveRequest(stageId, position is { } p ? Math.Max(0, p) : null, null, null, afterLeadId), ct);
        if (!result.Succeeded)
            throw new InvalidOperationException($"Move of lead {leadId} failed: {string.Join(" ", result.Errors.All)} {result.Conflict}");
        await sp.GetRequiredService<LeadMapper>().MapAsync(result.Value!, await sp.GetRequiredService<LeadService>().ClockAsync(ct), ct);
    }
}

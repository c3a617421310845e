using System.Threading.Channels;
using Leadline.Data;
using Leadline.Leads;
using Microsoft.EntityFrameworkCore;

namespace Leadline.Duplicates;

public sealed record SweepGroupView(int Id, string Level, double Confidence, IReadOnlyList<string> Fields, IReadOnlyList<Lead> Leads);

/// <summary>
/// The workspace-wide duplicate sweep (/leads/duplicates): started by a person, run in the background (progress on the
/// run row), its groups stored best first. Pairs someone marked "not a duplicate" never come back.
/// </summary>
public sealed class DuplicateSweeper(LeadlineDb db, LeadService leads, TimeProvider time, PendingSweeps queue)
{
    private const int ReadBatch = 5000;

    private const int MinRecordsToLearn = 1000;

    public Task<DuplicateSweepRun?> LatestAsync(CancellationToken ct) =>
        db.DuplicateSweeps.AsNoTracking().OrderByDescending(r => r.Id).FirstOrDefaultAsync(ct);

    /// <summary>Queues a sweep of the current workspace, unless one is already waiting or running.</summary>
    public async Task<DuplicateSweepRun> StartAsync(CancellationToken ct)
    {
        if (await db.DuplicateSweeps.FirstOrDefaultAsync(r => r.Status == SweepStatus.Queued || r.Status == SweepStatus.Running, ct) is { } busy)
            return busy;
        var run = new DuplicateSweepRun { Status = SweepStatus.Queued, CreatedAt = time.GetUtcNow().UtcDateTime };
        db.DuplicateSweeps.Add(run);
        await db.SaveChangesAsync(ct);
        await queue.Writer.WriteAsync((run.WorkspaceId, run.Id), ct);
        return run;
    }

    /// <summary>Runs a queued sweep to the end (the background worker calls this inside the run's workspace).</summary>
    public async Task RunAsync(int runId, CancellationToken ct)
    {
        var run = await db.DuplicateSweeps.FirstAsync(r => r.Id == runId, ct);
        try
        {
            run.Status = SweepStatus.Running;
            run.Total = await db.Leads.CountAsync(l => l.ArchivedAt == null, ct);
            await db.SaveChangesAsync(ct);
            var records = new List<MatchRecord>(run.Total);
            var after = 0;
            while (true)
            {
                var last = after;
                var batch = await db.Leads.AsNoTracking().Where(l => l.ArchivedAt == null && l.Id > last).OrderBy(l => l.Id).Take(ReadBatch).ToListAsync(ct);
                if (batch.Count == 0)
                    break;
                records.AddRange(batch.Select(LeadMatchKey.ToRecord));
                after = batch[^1].Id;
                run.Processed = records.Count;
                await db.SaveChangesAsync(ct);
            }
            var workspace = await leads.WorkspaceAsync(ct);
            // learning the rates from the data needs enough of it; a small workspace uses the built-in rates
            var result = DuplicateSweep.Run(records, new SweepOptions { DefaultCountry = workspace.DefaultCountry, LearnRates = records.Count >= MinRecordsToLearn, MinPopulation = DuplicateFinder.MinPopulation }, ct);
            var dismissed = (await db.DuplicateDismissals.AsNoTracking().Select(d => new { d.LeadA, d.LeadB }).ToListAsync(ct))
                .Select(d => (d.LeadA, d.LeadB)).ToHashSet();
            var groups = result.Groups(MatchLevel.Similar)
                .Select(g => g with { RecordIds = g.RecordIds.Order().ToList() })
                .Where(g => !AllDismissed(g.RecordIds, dismissed))
                .ToList();
            foreach (var g in groups)
                db.DuplicateGroups.Add(new DuplicateGroupRow
                {
                    RunId = run.Id, LeadIds = g.RecordIds.Select(id => (int)id).ToList(), Level = g.Level == MatchLevel.Exact ? "exact" : "similar",
                    Confidence = Math.Round(g.Confidence, 4), Fields = g.Labels.ToList(),
                });
            run.Groups = groups.Count;
            run.Status = SweepStatus.Done;
            run.FinishedAt = time.GetUtcNow().UtcDateTime;
            await db.SaveChangesAsync(ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            db.ChangeTracker.Clear();
            var failed = await db.DuplicateSweeps.FirstAsync(r => r.Id == runId, CancellationToken.None);
            failed.Status = SweepStatus.Failed;
            failed.Error = ex.Message.Length > 1000 ? ex.Message[..1000] : ex.Message;
            failed.FinishedAt = time.GetUtcNow().UtcDateTime;
            await db.SaveChangesAsync(CancellationToken.None);
            throw;
        }
    }

    /// <summary>The latest finished sweep's groups, best first, with leads merged or archived since then left out.</summary>
    public async Task<List<SweepGroupView>> GroupsAsync(int runId, int max, CancellationToken ct)
    {
        var rows = await db.DuplicateGroups.AsNoTracking().Where(g => g.RunId == runId)
            .OrderByDescending(g => g.Level == "exact").ThenByDescending(g => g.Confidence).ThenBy(g => g.Id).Take(max).ToListAsync(ct);
        var ids = rows.SelectMany(r => r.LeadIds).Distinct().ToList();
        var byId = await db.Leads.AsNoTracking().Where(l => ids.Contains(l.Id) && l.ArchivedAt == null).ToDictionaryAsync(l => l.Id, ct);
        return rows.Select(r => new SweepGroupView(r.Id, r.Level, r.Confidence, r.Fields, r.LeadIds.Where(byId.ContainsKey).Select(id => byId[id]).ToList()))
            .Where(g => g.Leads.Count >= 2).ToList();
    }

    /// <summary>"Not a duplicate": remembers every pair of the group and drops the group.</summary>
    public async Task<bool> DismissAsync(int groupId, CancellationToken ct)
    {
        var group = await db.DuplicateGroups.FirstOrDefaultAsync(g => g.Id == groupId, ct);
        if (group is null)
            return false;
        var ids = group.LeadIds.Order().ToList();
        var existing = (await db.DuplicateDismissals.Where(d => ids.Contains(d.LeadA) && ids.Contains(d.LeadB)).Select(d => new { d.LeadA, d.LeadB }).ToListAsync(ct))
            .Select(d => (d.LeadA, d.LeadB)).ToHashSet();
        var now = time.GetUtcNow().UtcDateTime;
        for (var i = 0; i < ids.Count; i++)
            for (var j = i + 1; j < ids.Count; j++)
                if (existing.Add((ids[i], ids[j])))
                    db.DuplicateDismissals.Add(new DuplicateDismissal { LeadA = ids[i], LeadB = ids[j], CreatedAt = now });
        db.DuplicateGroups.Remove(group);
        await db.SaveChangesAsync(ct);
        return true;
    }

    private static bool AllDismissed(IReadOnlyList<long> ids, HashSet<(int, int)> dismissed)
    {
        for (var i = 0; i < ids.Count; i++)
            for (var j = i + 1; j < ids.Count; j++)
                if (!dismissed.Contains(((int)ids[i], (int)ids[j])))
                    return false;
        return true;
    }
}

/// <summary>Sweeps waiting to run in this instance (workspace, run id).</summary>
public sealed class PendingSweeps
{
    private readonly Channel<(int WorkspaceId, int RunId)> _channel = Channel.CreateUnbounded<(int, int)>();

    public ChannelWriter<(int WorkspaceId, int RunId)> Writer => _channel.Writer;

    public ChannelReader<(int WorkspaceId, int RunId)> Reader => _channel.Reader;
}

/// <summary>Runs queued sweeps one at a time, each in a scope entered into its workspace.</summary>
public sealed class SweepWorker(PendingSweeps queue, IServiceScopeFactory scopes, ILogger<SweepWorker> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var (workspaceId, runId) in queue.Reader.ReadAllAsync(stoppingToken))
            {
                try
                {
                    await using var scope = scopes.CreateAsyncScope();
                    scope.ServiceProvider.GetRequiredService<WorkspaceScope>().Enter(workspaceId);
                    await scope.ServiceProvider.GetRequiredService<DuplicateSweeper>().RunAsync(runId, stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    log.LogError(ex, "Duplicate sweep {Run} failed", runId);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // shutting down
        }
    }
}

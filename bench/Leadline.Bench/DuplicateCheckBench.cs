using System.Diagnostics;
using Leadline.Data;
using Leadline.Duplicates;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Leadline.Bench;

/// <summary>
/// The real-time duplicate check (DuplicateFinder, as the lead form and POST /api/v1/leads/duplicates/check run it) against
/// the seeded workspace: for sampled leads, an exact variant (the e-mail re-cased) and a similar one (a name typo plus the
/// phone's national digits), each timed in a fresh scope; also whether the sampled lead was found.
/// </summary>
internal sealed class DuplicateCheckBench(BenchDatabase database, int workspaceId, BenchOptions options)
{
    public async Task RunAsync(TextWriter output, TextWriter log, CancellationToken ct)
    {
        List<Leads.Lead> samples;
        await using (var scope = database.Scope(workspaceId))
        {
            var db = scope.ServiceProvider.GetRequiredService<LeadlineDb>();
            var max = await db.Leads.MaxAsync(l => l.Id, ct);
            var random = new Random(42);
            var ids = Enumerable.Range(0, options.Runs * 3).Select(_ => random.Next(1, max + 1)).ToList();
            samples = (await db.Leads.AsNoTracking().Where(l => ids.Contains(l.Id) && l.Email != null && l.Phone != null).ToListAsync(ct)).Take(options.Runs).ToList();
        }
        var exact = new Timings();
        var similar = new Timings();
        var (foundExact, foundSimilar) = (0, 0);
        for (var round = -options.Warmup; round < samples.Count; round++)
        {
            var lead = samples[Math.Max(0, round)];
            var (e, eFound) = await TimeAsync(ExactRequest(lead), lead.Id, ct);
            var (s, sFound) = await TimeAsync(SimilarRequest(lead), lead.Id, ct);
            if (round < 0)
                continue;
            exact.Add(e);
            similar.Add(s);
            foundExact += eFound ? 1 : 0;
            foundSimilar += sFound ? 1 : 0;
        }
        // the same checks again: the candidates' pages and the frequent keys' counts are now in the caches, which
        // separates reading cold rows from the check's own cost
        var (exactAgain, similarAgain) = (new Timings(), new Timings());
        foreach (var lead in samples)
        {
            exactAgain.Add((await TimeAsync(ExactRequest(lead), lead.Id, ct)).Elapsed);
            similarAgain.Add((await TimeAsync(SimilarRequest(lead), lead.Id, ct)).Elapsed);
        }
        await log.WriteLineAsync($"{database.Name}: duplicate check done");
        var traces = "";
        if (options.Explain && samples.Count > 0)
        {
            // the commands of one check of each kind, with their durations (the scope's first-use cost is warmed above)
            using var trace = new CommandTrace();
            var lead = samples[0];
            traces = "\nexact check:\n" + await trace.RecordAsync(() => TimeAsync(ExactRequest(lead), lead.Id, ct))
                + "\nsimilar check:\n" + await trace.RecordAsync(() => TimeAsync(SimilarRequest(lead), lead.Id, ct)) + "\n";
        }
        await output.WriteLineAsync($"""

            ### {database.Name}: real-time duplicate check

            DuplicateFinder.CheckAsync in a fresh scope per call (one query: key counts, candidate leads and owners; then scoring); milliseconds.

            | case | runs | p50 | p95 | target p95 ≤ 10 ms | sampled lead found |
            |---|---:|---:|---:|:---:|---:|
            | exact (same e-mail, other case) | {exact.Count} | {exact.P50:F1} | {exact.P95:F1} | {(exact.P95 <= 10 ? "yes" : "**no**")} | {foundExact} / {exact.Count} |
            | similar (name typo, phone's last 8 digits) | {similar.Count} | {similar.P50:F1} | {similar.P95:F1} | {(similar.P95 <= 10 ? "yes" : "**no**")} | {foundSimilar} / {similar.Count} |
            | exact, the same samples again (warm caches; not the target's measure) | {exactAgain.Count} | {exactAgain.P50:F1} | {exactAgain.P95:F1} | | |
            | similar, the same samples again (warm caches; not the target's measure) | {similarAgain.Count} | {similarAgain.P50:F1} | {similarAgain.P95:F1} | | |
            {traces}
            """);
    }

    private static DuplicateCheckRequest ExactRequest(Leads.Lead lead) =>
        new(null, null, lead.Email!.ToUpperInvariant(), null, null, null, null, null, null);

    private static DuplicateCheckRequest SimilarRequest(Leads.Lead lead)
    {
        var typo = lead.Name.Length > 3 ? lead.Name[..2] + lead.Name[3] + lead.Name[2] + lead.Name[4..] : lead.Name;
        var digits = new string((lead.PhoneE164 ?? lead.Phone!).Where(char.IsAsciiDigit).ToArray());
        return new(typo, lead.Company, null, digits.Length > 8 ? digits[^8..] : digits, null, null, null, null, null);
    }

    private async Task<(TimeSpan Elapsed, bool Found)> TimeAsync(DuplicateCheckRequest request, int expected, CancellationToken ct)
    {
        await using var scope = database.Scope(workspaceId);
        var finder = scope.ServiceProvider.GetRequiredService<DuplicateFinder>();
        var watch = Stopwatch.StartNew();
        var matches = await finder.CheckAsync(request, ct);
        return (watch.Elapsed, matches.Any(m => m.LeadId == expected));
    }
}

using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Leadline.Channels;
using Leadline.Data;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Leadline.Bench;

/// <summary>
/// Issue 20's web form target: JSON submissions posted to <c>/f/{key}</c> over loopback by many concurrent visitors for a
/// while (the per-address rate limit off, as every visitor here is 127.0.0.1), one in ten a resend of an earlier
/// submission's idempotency key (a double click); then, once the workers have read every stored submission, every
/// acknowledged submission must be one message (lost = acknowledged but not stored), and visitors reuse addresses, so
/// leads are matched rather than made again.
/// </summary>
internal sealed class WebformIngestBench(BenchDatabase database, int workspaceId)
{
    public async Task<IngestFigures> RunAsync(TimeSpan duration, int concurrency, int senders, CancellationToken ct)
    {
        var (channelId, key) = await CreateChannelAsync(ct);
        await using var app = database.StartOnLoopback(new Dictionary<string, string>
        {
            ["Logging:LogLevel:Default"] = "Warning",
            ["Leadline:Webform:RateLimit:Enabled"] = "false",
            ["Leadline:Webhooks:Enabled"] = "true",   // this app's worker reads the stored submissions (off in the bench's other apps)
        });
        var baseUrl = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = concurrency, PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
        {
            BaseAddress = new Uri(baseUrl),
        };
        var url = $"/f/{key}";

        var acknowledgedIds = new ConcurrentDictionary<string, byte>();
        int posted = 0, acknowledged = 0, refused = 0, next = 0;
        var watch = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, concurrency).Select(worker => Task.Run(async () =>
        {
            var random = new Random(worker);
            while (watch.Elapsed < duration)
            {
                var n = Interlocked.Increment(ref next);
                // one in ten sends an earlier submission again (the widget's double click: the same idempotency key)
                var id = random.Next(10) == 0 && n > 100 ? random.Next(1, n - 50) : n;
                var status = await PostAsync(http, url, id, senders, ct);
                Interlocked.Increment(ref posted);
                if (status == 201)
                {
                    Interlocked.Increment(ref acknowledged);
                    acknowledgedIds.TryAdd($"form:bench-submission-{id}", 0);
                }
                else
                    Interlocked.Increment(ref refused);
            }
        }, ct)).ToList();
        await Task.WhenAll(workers);
        var elapsed = watch.Elapsed;

        var drain = Stopwatch.StartNew();
        while (await PendingAsync(ct) > 0 && drain.Elapsed < TimeSpan.FromMinutes(10))
            await Task.Delay(200, ct);
        var drained = drain.Elapsed;

        await using var scope = database.Scope(workspaceId);
        var db = scope.ServiceProvider.GetRequiredService<LeadlineDb>();
        var stored = await db.Messages.Where(m => m.ChannelId == channelId).Select(m => m.ProviderMessageId!).ToListAsync(ct);
        var storedSet = stored.ToHashSet();
        var lost = acknowledgedIds.Keys.Count(id => !storedSet.Contains(id));
        var leads = await db.Leads.CountAsync(l => l.IntakeMode == Leads.LeadIntakeMode.Webform, ct);
        return new IngestFigures(elapsed, posted, acknowledged, refused, acknowledgedIds.Count, stored.Count, lost, stored.Count - storedSet.Count, leads,
            Math.Min(senders, acknowledgedIds.Count), ProcessedDuring: true, drained, DrainedDeliveries: 0, WindowRates: [], AckMs: [], CpuMsPerDelivery: 0,
            MachineBusy: 0, VisibleMs: [], Live: null);
    }

    private static async Task<int> PostAsync(HttpClient http, string url, int id, int senders, CancellationToken ct)
    {
        var visitor = id % senders;
        try
        {
            using var response = await http.PostAsJsonAsync(url, new
            {
                name = $"Bench Visitor {visitor}", email = $"visitor{visitor}@bench.example", phone = $"+44 7700 9{visitor % 100_000:D5}",
                message = $"Hello, I would like a quote (submission {id}).", pageUrl = "https://www.example.com/contact?utm_source=bench&utm_campaign=load",
                idempotencyKey = $"bench-submission-{id}",
            }, ct);
            return (int)response.StatusCode;
        }
        catch (HttpRequestException)
        {
            return 0;
        }
    }

    private async Task<(int Id, string Key)> CreateChannelAsync(CancellationToken ct)
    {
        await using var scope = database.Scope(workspaceId);
        var result = await scope.ServiceProvider.GetRequiredService<ChannelService>().CreateAsync(
            new ChannelRequest("webform", "Bench web form", new JsonObject { ["allowedOrigins"] = new JsonArray("https://www.example.com") }, null, true), ct);
        return (result.Value!.Id, result.Value.PublicKey!);
    }

    private async Task<int> PendingAsync(CancellationToken ct)
    {
        await using var scope = database.App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<LeadlineDb>();
        return await db.WebhookDeliveries.IgnoreQueryFilters().CountAsync(d => d.ProcessedAt == null, ct);
    }

    public static void Print(TextWriter output, string name, IngestFigures f)
    {
        output.WriteLine($"### Web form intake, {name}");
        output.WriteLine();
        output.WriteLine("| Measure | Value |");
        output.WriteLine("|---|---|");
        output.WriteLine($"| Sustained for | {f.Duration.TotalSeconds:F0} s |");
        output.WriteLine($"| Submissions posted / acknowledged (201) / refused or failed | {f.Posted:N0} / {f.Acknowledged:N0} / {f.Refused:N0} |");
        output.WriteLine($"| Acknowledged per second | {f.AcknowledgedPerSecond:N0} |");
        output.WriteLine($"| Distinct submissions acknowledged / messages stored | {f.UniqueIds:N0} / {f.Stored:N0} |");
        output.WriteLine($"| Lost / duplicated | {f.Lost:N0} / {f.Duplicated:N0} |");
        output.WriteLine($"| Web form leads (one per visitor expected: {f.Senders:N0}) | {f.Leads:N0} |");
        output.WriteLine($"| Processing finished after the load stopped | {f.Drain.TotalSeconds:F1} s |");
        output.WriteLine();
    }
}

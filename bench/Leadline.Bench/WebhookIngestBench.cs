using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Leadline.Channels;
using Leadline.Data;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Leadline.Bench;

internal sealed record IngestFigures(
    TimeSpan Duration, int Posted, int Acknowledged, int Refused, int UniqueIds, int Stored, int Lost, int Duplicated, int Leads, int Senders,
    TimeSpan Drain, IReadOnlyList<double> VisibleMs)
{
    public double AcknowledgedPerSecond => Acknowledged / Duration.TotalSeconds;
}

/// <summary>
/// Issue 19's ingest target: signed WhatsApp webhook deliveries posted over loopback HTTP for a while by many concurrent
/// senders, one in ten a re-delivery of an earlier id and now and then a burst of the same id at once; then, once the
/// workers have processed every stored delivery, the database is checked: every acknowledged id stored once (lost = ids
/// acknowledged but not stored, duplicated = rows beyond one per id), and one lead per sender. Afterwards, with the app
/// idle, the time from a delivery's acknowledgement to its message being readable through the API, one at a time.
/// </summary>
internal sealed class WebhookIngestBench(BenchDatabase database, int workspaceId)
{
    private const string Secret = "bench-app-secret";
    private const string PhoneNumberId = "100200300400";

    public async Task<IngestFigures> RunAsync(TimeSpan duration, int concurrency, int senders, CancellationToken ct)
    {
        var channelId = await CreateChannelAsync(ct);
        await using var app = database.StartOnLoopback(new Dictionary<string, string> { ["Logging:LogLevel:Default"] = "Warning" });
        var baseUrl = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = concurrency, PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
        {
            BaseAddress = new Uri(baseUrl),
        };
        var url = $"/webhooks/meta/{channelId}";

        var acknowledgedIds = new ConcurrentDictionary<string, byte>();
        int posted = 0, acknowledged = 0, refused = 0, next = 0;
        var watch = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, concurrency).Select(worker => Task.Run(async () =>
        {
            var random = new Random(worker);
            while (watch.Elapsed < duration)
            {
                var n = Interlocked.Increment(ref next);
                // one in ten re-delivers an earlier id; one in a hundred is a burst of five of the same id at once
                var id = random.Next(10) == 0 && n > 100 ? random.Next(1, n - 50) : n;
                var copies = n % 100 == 0 ? 5 : 1;
                var body = Payload($"wamid.bench.{id}", 85290000000L + id % senders, id);
                var sends = Enumerable.Range(0, copies).Select(_ => PostAsync(http, url, body, ct)).ToList();
                foreach (var status in await Task.WhenAll(sends))
                {
                    Interlocked.Increment(ref posted);
                    if (status == 200)
                    {
                        Interlocked.Increment(ref acknowledged);
                        acknowledgedIds.TryAdd($"wamid.bench.{id}", 0);
                    }
                    else
                        Interlocked.Increment(ref refused);
                }
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
        var leads = await db.Leads.CountAsync(ct);
        var visible = await VisibleLatencyAsync(http, url, channelId, 30, ct);
        return new IngestFigures(elapsed, posted, acknowledged, refused, acknowledgedIds.Count, stored.Count, lost, stored.Count - storedSet.Count, leads,
            Math.Min(senders, acknowledgedIds.Count), drained, visible);
    }

    /// <summary>Acknowledgement → message readable, one delivery at a time on the idle app (what an open lead page waits for).</summary>
    private async Task<IReadOnlyList<double>> VisibleLatencyAsync(HttpClient http, string url, int channelId, int samples, CancellationToken ct)
    {
        List<double> times = [];
        for (var i = 0; i < samples; i++)
        {
            var id = $"wamid.bench.visible.{i}";
            var watch = Stopwatch.StartNew();
            if (await PostAsync(http, url, Payload(id, 85299990000L + i, 0), ct) != 200)
                continue;
            while (watch.Elapsed < TimeSpan.FromSeconds(10))
            {
                await using var scope = database.Scope(workspaceId);
                var db = scope.ServiceProvider.GetRequiredService<LeadlineDb>();
                if (await db.Messages.AnyAsync(m => m.ChannelId == channelId && m.ProviderMessageId == id, ct))
                {
                    times.Add(watch.Elapsed.TotalMilliseconds);
                    break;
                }
                await Task.Delay(5, ct);
            }
        }
        return times;
    }

    private static async Task<int> PostAsync(HttpClient http, string url, byte[] body, CancellationToken ct)
    {
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = content };
        request.Headers.Add("X-Hub-Signature-256", "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(Secret), body)));
        try
        {
            using var response = await http.SendAsync(request, ct);
            return (int)response.StatusCode;
        }
        catch (HttpRequestException)
        {
            return 0;
        }
    }

    private static byte[] Payload(string messageId, long waId, int n) => JsonSerializer.SerializeToUtf8Bytes(new
    {
        @object = "whatsapp_business_account",
        entry = new[]
        {
            new
            {
                id = "1234567890",
                changes = new[]
                {
                    new
                    {
                        field = "messages",
                        value = new
                        {
                            messaging_product = "whatsapp",
                            metadata = new { display_phone_number = "15550001111", phone_number_id = PhoneNumberId },
                            contacts = new[] { new { profile = new { name = $"Bench Customer {waId % 100_000}" }, wa_id = waId.ToString(System.Globalization.CultureInfo.InvariantCulture) } },
                            messages = new[]
                            {
                                new
                                {
                                    from = waId.ToString(System.Globalization.CultureInfo.InvariantCulture), id = messageId,
                                    timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture),
                                    type = "text", text = new { body = $"Hello, question number {n}" },
                                },
                            },
                        },
                    },
                },
            },
        },
    });

    private async Task<int> CreateChannelAsync(CancellationToken ct)
    {
        await using var scope = database.Scope(workspaceId);
        var db = scope.ServiceProvider.GetRequiredService<LeadlineDb>();
        var secrets = scope.ServiceProvider.GetRequiredService<ChannelSecrets>();
        var channel = new Channel
        {
            Kind = ChannelKind.Whatsapp, Name = "Bench WhatsApp",
            Settings = JsonSerializer.Serialize(new { phoneNumberId = PhoneNumberId, wabaId = "900800700", displayPhone = "+1 555 000 1111", verifyToken = "bench" }),
            Secrets = secrets.Protect(new Dictionary<string, string> { ["accessToken"] = "bench-token", ["appSecret"] = Secret }),
        };
        db.Channels.Add(channel);
        await db.SaveChangesAsync(ct);
        return channel.Id;
    }

    private async Task<int> PendingAsync(CancellationToken ct)
    {
        await using var scope = database.App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<LeadlineDb>();
        return await db.WebhookDeliveries.IgnoreQueryFilters().CountAsync(d => d.ProcessedAt == null, ct);
    }

    public static void Print(TextWriter output, string name, IngestFigures f)
    {
        static double Percentile(IReadOnlyList<double> values, double p) =>
            values.Count == 0 ? double.NaN : values.Order().ElementAt(Math.Min(values.Count - 1, (int)Math.Ceiling(p * values.Count) - 1));
        output.WriteLine($"### WhatsApp webhook ingest, {name}");
        output.WriteLine();
        output.WriteLine("| Measure | Value |");
        output.WriteLine("|---|---|");
        output.WriteLine($"| Sustained for | {f.Duration.TotalSeconds:F0} s |");
        output.WriteLine($"| Deliveries posted / acknowledged (200) / refused or failed | {f.Posted:N0} / {f.Acknowledged:N0} / {f.Refused:N0} |");
        output.WriteLine($"| Acknowledged per second | {f.AcknowledgedPerSecond:N0} |");
        output.WriteLine($"| Distinct message ids acknowledged / stored | {f.UniqueIds:N0} / {f.Stored:N0} |");
        output.WriteLine($"| Lost / duplicated | {f.Lost:N0} / {f.Duplicated:N0} |");
        output.WriteLine($"| Leads made (one per sender expected: {f.Senders:N0}) | {f.Leads:N0} |");
        output.WriteLine($"| Processing finished after the load stopped | {f.Drain.TotalSeconds:F1} s |");
        output.WriteLine($"| Acknowledged → readable, idle, median / p95 ({f.VisibleMs.Count} deliveries) | {Percentile(f.VisibleMs, 0.5):F0} ms / {Percentile(f.VisibleMs, 0.95):F0} ms |");
        output.WriteLine();
    }
}

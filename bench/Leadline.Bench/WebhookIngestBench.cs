using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Leadline.Channels;
using Leadline.Conversations.Inbound;
using Leadline.Data;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Leadline.Bench;

internal sealed record IngestFigures(
    TimeSpan Duration, int Posted, int Acknowledged, int Refused, int UniqueIds, int Stored, int Lost, int Duplicated, int Leads, int Senders,
    bool ProcessedDuring, TimeSpan Drain, int DrainedDeliveries, IReadOnlyList<double> WindowRates, IReadOnlyList<double> AckMs, double CpuMsPerDelivery,
    double MachineBusy, IReadOnlyList<double> VisibleMs, LiveFigures? Live)
{
    public double AcknowledgedPerSecond => Acknowledged / Duration.TotalSeconds;
}

/// <summary>Signed webhook → an open lead page hears of it: the SSE event, and the thread fragment it re-fetches holding the text.</summary>
internal sealed record LiveFigures(IReadOnlyList<double> EventMs, IReadOnlyList<double> VisibleMs, int Missed);

/// <summary>
/// Issue 19's ingest target: signed WhatsApp webhook deliveries posted over loopback HTTP for a while by many concurrent
/// senders, one in ten a re-delivery of an earlier id and now and then a burst of the same id at once; then, once the
/// workers have processed every stored delivery, the database is checked: every acknowledged id stored once (lost = ids
/// acknowledged but not stored, duplicated = rows beyond one per id), and one lead per sender. The deliveries are
/// processed while they arrive (the app's own worker, woken by each batch) or, with <c>--ingest-processing after</c>, with
/// the worker off during the load and run to the end afterwards (what ingest alone reaches, and the processing rate).
/// Afterwards, with the app idle: acknowledgement → message readable, and a signed-in page's live stream (<c>/events</c>)
/// → "messages-changed" for the lead, then its thread fragment holding the text (issue 19's "visible on an open lead page").
/// </summary>
internal sealed class WebhookIngestBench(BenchDatabase database, int workspaceId)
{
    private const string Secret = "bench-app-secret";
    private const string PhoneNumberId = "100200300400";
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(10);

    public async Task<IngestFigures> RunAsync(TimeSpan duration, int concurrency, int senders, bool processDuring, bool checkDeliveries, int liveSamples, TextWriter log, CancellationToken ct)
    {
        var channelId = await CreateChannelAsync(ct);
        await using var app = database.StartOnLoopback(new Dictionary<string, string>
        {
            ["Logging:LogLevel:Default"] = "Warning",
            // copies of one delivery processed at once race for the message's unique index; the loser tries again, and EF
            // logs each such refusal as an error with its stack: megabytes of console output that are not the app's work
            ["Logging:LogLevel:Microsoft.EntityFrameworkCore.Update"] = "Critical",
            ["Logging:LogLevel:Microsoft.EntityFrameworkCore.Database.Command"] = "Critical",
            ["Leadline:Webhooks:Enabled"] = processDuring ? "true" : "false",
        });
        var baseUrl = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = concurrency, PooledConnectionLifetime = TimeSpan.FromMinutes(5), UseCookies = false })
        {
            BaseAddress = new Uri(baseUrl),
        };
        var url = $"/webhooks/meta/{channelId}";
        var key = Encoding.UTF8.GetBytes(Secret);

        var acknowledgedIds = new ConcurrentDictionary<string, byte>();
        var windows = new int[(int)(duration / Window) + 2];
        var ackMs = new ConcurrentBag<List<double>>();
        int posted = 0, acknowledged = 0, refused = 0, next = 0;
        var machine = MachineCpu.Read();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var watch = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, concurrency).Select(worker => Task.Run(async () =>
        {
            var random = new Random(worker);
            var times = new List<double>();
            ackMs.Add(times);
            while (watch.Elapsed < duration)
            {
                var n = Interlocked.Increment(ref next);
                // one in ten re-delivers an earlier id; one in a hundred is a burst of five of the same id at once
                var id = random.Next(10) == 0 && n > 100 ? random.Next(1, n - 50) : n;
                var copies = n % 100 == 0 ? 5 : 1;
                var body = Payload($"wamid.bench.{id}", 85290000000L + id % senders, $"Hello, question number {id}");
                var signature = "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(key, body));
                var started = watch.Elapsed;
                var sends = Enumerable.Range(0, copies).Select(_ => PostAsync(http, url, body, signature, ct)).ToList();
                foreach (var status in await Task.WhenAll(sends))
                {
                    Interlocked.Increment(ref posted);
                    if (status == 200)
                    {
                        var at = watch.Elapsed;
                        times.Add((at - started).TotalMilliseconds);
                        Interlocked.Increment(ref windows[(int)(at / Window)]);
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
        var cpuUsed = Process.GetCurrentProcess().TotalProcessorTime - cpu;
        var busy = MachineCpu.Read().BusySince(machine);
        // whole windows only: the last one is cut short by the end of the load
        var rates = windows.Take((int)(elapsed / Window)).Select(w => w / Window.TotalSeconds).ToList();

        var cpuPerDelivery = cpuUsed.TotalMilliseconds / Math.Max(1, acknowledged);
        var ackTimes = ackMs.SelectMany(t => t).ToList();
        if (checkDeliveries)
        {
            // lost = acknowledged but not among the stored deliveries (copies of one id are all stored: processing makes them
            // one message); the worker, when on, may still be processing: what it has done is not looked at
            await log.WriteLineAsync($"{database.Name}: {acknowledged:N0} acknowledged in {elapsed.TotalSeconds:F0} s; checking the stored deliveries");
            var storedIds = await StoredDeliveryIdsAsync(channelId, ct);
            return new IngestFigures(elapsed, posted, acknowledged, refused, acknowledgedIds.Count, storedIds.Count, acknowledgedIds.Keys.Count(id => !storedIds.Contains(id)),
                Duplicated: -1, Leads: -1, Senders: 0, processDuring, TimeSpan.Zero, DrainedDeliveries: -1, rates, ackTimes, cpuPerDelivery, busy, [], null);
        }
        await log.WriteLineAsync($"{database.Name}: {acknowledged:N0} acknowledged in {elapsed.TotalSeconds:F0} s; processing what is left");
        var pending = await PendingAsync(ct);
        var drain = Stopwatch.StartNew();
        if (processDuring)
        {
            while (await PendingAsync(ct) > 0 && drain.Elapsed < TimeSpan.FromMinutes(30))
                await Task.Delay(200, ct);
        }
        else
            await app.Services.GetRequiredService<WebhookDeliveryProcessor>().RunAllAsync(ct);
        var drained = drain.Elapsed;

        await using var scope = database.Scope(workspaceId);
        var db = scope.ServiceProvider.GetRequiredService<LeadlineDb>();
        var stored = await db.Messages.Where(m => m.ChannelId == channelId).Select(m => m.ProviderMessageId!).ToListAsync(ct);
        var storedSet = stored.ToHashSet();
        var lost = acknowledgedIds.Keys.Count(id => !storedSet.Contains(id));
        var leads = await db.Leads.CountAsync(ct);
        var visible = processDuring ? await VisibleLatencyAsync(http, url, key, channelId, 30, ct) : [];
        var live = processDuring && liveSamples > 0 ? await LiveLatencyAsync(baseUrl, url, key, liveSamples, log, ct) : null;
        return new IngestFigures(elapsed, posted, acknowledged, refused, acknowledgedIds.Count, stored.Count, lost, stored.Count - storedSet.Count, leads,
            acknowledgedIds.Keys.Select(id => long.Parse(id["wamid.bench.".Length..], CultureInfo.InvariantCulture) % senders).Distinct().Count(), processDuring, drained, pending, rates, ackTimes,
            cpuPerDelivery, busy, visible, live);
    }

    /// <summary>The message ids inside the stored deliveries' bodies (as the bench wrote them: one message each).</summary>
    private async Task<HashSet<string>> StoredDeliveryIdsAsync(int channelId, CancellationToken ct)
    {
        await using var scope = database.App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<LeadlineDb>();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var body in db.WebhookDeliveries.IgnoreQueryFilters().AsNoTracking().Where(d => d.ChannelId == channelId).Select(d => d.Body).AsAsyncEnumerable().WithCancellation(ct))
        {
            using var doc = JsonDocument.Parse(body);
            foreach (var entry in doc.RootElement.GetProperty("entry").EnumerateArray())
                foreach (var change in entry.GetProperty("changes").EnumerateArray())
                    if (change.GetProperty("value").TryGetProperty("messages", out var messages))
                        foreach (var message in messages.EnumerateArray())
                            ids.Add(message.GetProperty("id").GetString()!);
        }
        return ids;
    }

    /// <summary>Acknowledgement → message readable, one delivery at a time on the idle app.</summary>
    private async Task<IReadOnlyList<double>> VisibleLatencyAsync(HttpClient http, string url, byte[] key, int channelId, int samples, CancellationToken ct)
    {
        List<double> times = [];
        for (var i = 0; i < samples; i++)
        {
            var id = $"wamid.bench.visible.{i}";
            var body = Payload(id, 85299990000L + i, "Visible?");
            var watch = Stopwatch.StartNew();
            if (await PostAsync(http, url, body, Sign(key, body), ct) != 200)
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

    /// <summary>
    /// What a user with the lead's page open sees: signed in through the sign-in form, subscribed to <c>/events</c> as the
    /// page's script is, one customer writes <paramref name="samples"/> messages one after another; for each, the time from
    /// posting the signed webhook to the "messages-changed" event naming the lead, and to the thread fragment the page
    /// then re-fetches (<c>/leads/{id}/messages/thread</c>) holding the message's text.
    /// </summary>
    private async Task<LiveFigures> LiveLatencyAsync(string baseUrl, string url, byte[] key, int samples, TextWriter log, CancellationToken ct)
    {
        await log.WriteLineAsync($"{database.Name}: live stream latency, {samples} messages");
        using var browser = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = true, CookieContainer = new System.Net.CookieContainer() })
        {
            BaseAddress = new Uri(baseUrl),
        };
        await BenchAdmin.SignInAsync(browser, ct);
        using var webhook = new HttpClient { BaseAddress = new Uri(baseUrl) };
        const long waId = 85277770000L;

        // the customer's first message makes the lead: the page is that lead's
        var first = Payload("wamid.bench.live.first", waId, "First message");
        if (await PostAsync(webhook, url, first, Sign(key, first), ct) != 200)
            throw new InvalidOperationException("The first live message was refused.");
        int leadId;
        var wait = Stopwatch.StartNew();
        while (true)
        {
            await using var scope = database.Scope(workspaceId);
            var db = scope.ServiceProvider.GetRequiredService<LeadlineDb>();
            if (await db.Messages.Where(m => m.ProviderMessageId == "wamid.bench.live.first").Select(m => (int?)m.LeadId).FirstOrDefaultAsync(ct) is { } found)
            {
                leadId = found;
                break;
            }
            if (wait.Elapsed > TimeSpan.FromSeconds(30))
                throw new InvalidOperationException("The first live message was not processed.");
            await Task.Delay(20, ct);
        }

        using var stream = await browser.GetAsync("/events", HttpCompletionOption.ResponseHeadersRead, ct);
        stream.EnsureSuccessStatusCode();
        var events = System.Threading.Channels.Channel.CreateUnbounded<(string Name, string Data, TimeSpan At)>();
        var clock = Stopwatch.StartNew();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var reader = Task.Run(async () =>
        {
            try
            {
                await foreach (var item in System.Net.ServerSentEvents.SseParser.Create(await stream.Content.ReadAsStreamAsync(stop.Token)).EnumerateAsync(stop.Token))
                    events.Writer.TryWrite((item.EventType, item.Data, clock.Elapsed));
            }
            catch (OperationCanceledException)
            {
                // the measurement ended
            }
            catch (IOException)
            {
                // the stream closed under the reader at the end
            }
            events.Writer.TryComplete();
        }, CancellationToken.None);
        var hello = await events.Reader.ReadAsync(ct);
        if (hello.Name != "connected")
            throw new InvalidOperationException($"The live stream began with '{hello.Name}'.");

        var lead = leadId.ToString(CultureInfo.InvariantCulture);
        List<double> eventMs = [], visibleMs = [];
        var missed = 0;
        for (var i = 0; i < samples; i++)
        {
            var text = $"Live message {i} {Guid.NewGuid():N}";
            var body = Payload($"wamid.bench.live.{i}", waId, text);
            var signature = Sign(key, body);
            // whatever an earlier message left in the stream is not this one's
            while (events.Reader.TryRead(out _))
            {
            }
            var posted = clock.Elapsed;
            if (await PostAsync(webhook, url, body, signature, ct) != 200)
            {
                missed++;
                continue;
            }
            TimeSpan? heard = null;
            using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct))
            {
                timeout.CancelAfter(TimeSpan.FromSeconds(10));
                try
                {
                    while (heard is null)
                    {
                        var e = await events.Reader.ReadAsync(timeout.Token);
                        if (e.Name == "messages-changed" && e.Data.Split(',', ' ').Contains(lead))
                            heard = e.At;
                    }
                }
                catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                {
                    // not heard within 10 s: counted as missed
                }
            }
            if (heard is null)
            {
                missed++;
                continue;
            }
            eventMs.Add((heard.Value - posted).TotalMilliseconds);
            // the page's re-fetch: what the user then sees
            var thread = await browser.GetStringAsync($"/leads/{lead}/messages/thread", ct);
            if (thread.Contains(text, StringComparison.Ordinal))
                visibleMs.Add((clock.Elapsed - posted).TotalMilliseconds);
            else
                missed++;
        }
        await stop.CancelAsync();
        await reader;
        return new LiveFigures(eventMs, visibleMs, missed);
    }

    private static string Sign(byte[] key, byte[] body) => "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(key, body));

    private static async Task<int> PostAsync(HttpClient http, string url, byte[] body, string signature, CancellationToken ct)
    {
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = content };
        request.Headers.Add("X-Hub-Signature-256", signature);
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

    /// <summary>A text message as Meta posts it (written out rather than serialized: the client's share of two cores stays small).</summary>
    private static byte[] Payload(string messageId, long waId, string text) => Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture,
        $$$"""{"object":"whatsapp_business_account","entry":[{"id":"1234567890","changes":[{"field":"messages","value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"15550001111","phone_number_id":"{{{PhoneNumberId}}}"},"contacts":[{"profile":{"name":"Bench Customer {{{waId % 100_000}}}"},"wa_id":"{{{waId}}}"}],"messages":[{"from":"{{{waId}}}","id":"{{{messageId}}}","timestamp":"{{{DateTimeOffset.UtcNow.ToUnixTimeSeconds()}}}","type":"text","text":{"body":"{{{text}}}"}}]}}]}]}"""));

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

    private static double Percentile(IReadOnlyList<double> values, double p) =>
        values.Count == 0 ? double.NaN : values.Order().ElementAt(Math.Min(values.Count - 1, (int)Math.Ceiling(p * values.Count) - 1));

    public static void Print(TextWriter output, string name, IngestFigures f)
    {
        output.WriteLine($"### WhatsApp webhook ingest, {name}");
        output.WriteLine();
        output.WriteLine("| Measure | Value |");
        output.WriteLine("|---|---|");
        output.WriteLine($"| Sustained for | {f.Duration.TotalSeconds:F0} s |");
        output.WriteLine($"| Deliveries posted / acknowledged (200) / refused or failed | {f.Posted:N0} / {f.Acknowledged:N0} / {f.Refused:N0} |");
        output.WriteLine($"| Acknowledged per second | {f.AcknowledgedPerSecond:N0} |");
        if (f.WindowRates.Count > 0)
            output.WriteLine($"| Per {Window.TotalSeconds:F0} s window: lowest / highest | {f.WindowRates.Min():N0} / {f.WindowRates.Max():N0} per s |");
        output.WriteLine($"| Post → 200, median / p99 | {Percentile(f.AckMs, 0.5):F1} ms / {Percentile(f.AckMs, 0.99):F1} ms |");
        output.WriteLine($"| CPU of the bench process (app and client) per acknowledged delivery | {f.CpuMsPerDelivery:F2} ms |");
        output.WriteLine($"| Machine CPU busy during the load (every process) | {f.MachineBusy:P0} |");
        if (f.Duplicated < 0)
        {
            output.WriteLine($"| Distinct message ids acknowledged / in the stored deliveries | {f.UniqueIds:N0} / {f.Stored:N0} |");
            output.WriteLine($"| Lost (acknowledged, not stored) | {f.Lost:N0} (checked on the deliveries: duplicates are removed by processing, not counted here) |");
            output.WriteLine();
            return;
        }
        output.WriteLine($"| Distinct message ids acknowledged / stored | {f.UniqueIds:N0} / {f.Stored:N0} |");
        output.WriteLine($"| Lost / duplicated | {f.Lost:N0} / {f.Duplicated:N0} |");
        output.WriteLine($"| Leads made (one per sender expected: {f.Senders:N0}) | {f.Leads:N0} |");
        output.WriteLine(f.ProcessedDuring
            ? $"| Processed while arriving; unprocessed when the load stopped / done after | {f.DrainedDeliveries:N0} / {f.Drain.TotalSeconds:F1} s |"
            : $"| Worker off during the load; then {f.DrainedDeliveries:N0} deliveries processed in | {f.Drain.TotalSeconds:F1} s ({f.DrainedDeliveries / Math.Max(0.001, f.Drain.TotalSeconds):N0}/s) |");
        if (f.VisibleMs.Count > 0)
            output.WriteLine($"| Acknowledged → readable, idle, median / p95 ({f.VisibleMs.Count} deliveries) | {Percentile(f.VisibleMs, 0.5):F0} ms / {Percentile(f.VisibleMs, 0.95):F0} ms |");
        if (f.Live is { } live)
        {
            output.WriteLine($"| Webhook posted → live event on an open page, median / p95 ({live.EventMs.Count} messages) | {Percentile(live.EventMs, 0.5):F0} ms / {Percentile(live.EventMs, 0.95):F0} ms |");
            output.WriteLine($"| Webhook posted → re-fetched thread shows it, median / p95 / max | {Percentile(live.VisibleMs, 0.5):F0} ms / {Percentile(live.VisibleMs, 0.95):F0} ms / {(live.VisibleMs.Count == 0 ? double.NaN : live.VisibleMs.Max()):F0} ms |");
            output.WriteLine($"| Messages not heard within 10 s or not in the thread | {live.Missed} |");
        }
        output.WriteLine();
    }
}

/// <summary>The machine's CPU counters (<c>/proc/stat</c>): how busy every core was between two readings, whoever used it.</summary>
internal readonly record struct MachineCpu(long Busy, long Total)
{
    public static MachineCpu Read()
    {
        try
        {
            var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1)
                .Select(v => long.Parse(v, CultureInfo.InvariantCulture)).ToArray();
            var idle = fields[3] + (fields.Length > 4 ? fields[4] : 0);   // idle + iowait
            var total = fields.Take(8).Sum();
            return new MachineCpu(total - idle, total);
        }
        catch (IOException)
        {
            return default;
        }
    }

    public double BusySince(MachineCpu before) => Total == before.Total ? double.NaN : (double)(Busy - before.Busy) / (Total - before.Total);
}

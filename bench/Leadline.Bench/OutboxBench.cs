using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json.Nodes;
using Leadline.Channels;
using Leadline.Conversations.Sending;
using Leadline.Data;
using Leadline.Outbox;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Leadline.Bench;

/// <summary>
/// Issue 19's outbox target: <c>outbox [--messages 10000] [--pg "..."]</c>. N WhatsApp messages are queued on a fresh
/// PostgreSQL database, two app processes (the real app, each with its dispatcher) send them to a local fake of the Graph
/// API, and one process is killed (SIGKILL) once a third has arrived. Then: lost = messages the fake never received;
/// double-sent = extra receipts of one message; in flight at the kill = messages the killed process held (Sending) — the
/// only ones that may be sent twice, as Meta takes no idempotency key.
/// </summary>
internal static class OutboxBench
{
    public const string Command = "outbox";

    public static async Task<int> RunAsync(string[] args)
    {
        var count = args.SkipWhile(a => a != "--messages").Skip(1).Select(int.Parse).FirstOrDefault(10_000);
        var pg = args.SkipWhile(a => a != "--pg").Skip(1).FirstOrDefault() ?? Environment.GetEnvironmentVariable(BenchOptions.PostgresVariable);
        var ct = CancellationToken.None;
        var received = new ConcurrentDictionary<string, int>();
        await using var fake = await StartFakeAsync(received);
        await using var database = await BenchDatabase.CreateAsync("postgres", pg, keep: false);
        var (workspaceId, _) = await database.PrepareAsync(ct);
        await SeedAsync(database, workspaceId, count, ct);
        Console.WriteLine($"Outbox bench: {count:N0} messages, 2 app processes on PostgreSQL, one killed mid-run; {Environment.ProcessorCount} cores; {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");

        var watch = Stopwatch.StartNew();
        using var first = StartApp(database.ConnectionString, fake.BaseUrl);
        using var second = StartApp(database.ConnectionString, fake.BaseUrl);
        while (received.Count < count / 3 && watch.Elapsed < TimeSpan.FromMinutes(5))
            await Task.Delay(20, ct);
        first.Kill(entireProcessTree: true);
        await first.WaitForExitAsync(ct);
        var killedAt = received.Count;
        var inFlight = await ScalarAsync(database, $"SELECT count(*) FROM outbox WHERE status = 'Sending' AND claimed_by LIKE '%:{first.Id}:%'", ct);
        Console.WriteLine($"killed process {first.Id} after {killedAt:N0} receipts ({watch.Elapsed.TotalSeconds:F1} s); it held {inFlight} messages in flight");

        // the survivor takes over the killed process's claims once their lease (10 s here) has passed
        while (await ScalarAsync(database, "SELECT count(*) FROM outbox WHERE status <> 'Sent'", ct) > 0 && watch.Elapsed < TimeSpan.FromMinutes(10))
            await Task.Delay(200, ct);
        watch.Stop();
        second.Kill(entireProcessTree: true);
        await second.WaitForExitAsync(ct);

        var notSent = await ScalarAsync(database, "SELECT count(*) FROM outbox WHERE status <> 'Sent'", ct);
        var lost = Enumerable.Range(0, count).Count(i => !received.ContainsKey($"m{i}"));
        var doubled = received.Values.Sum(v => Math.Max(0, v - 1));
        Console.WriteLine($"sent {received.Count:N0} distinct of {count:N0} in {watch.Elapsed.TotalSeconds:F1} s ({count / watch.Elapsed.TotalSeconds:N0}/s)");
        Console.WriteLine($"lost: {lost} · not marked sent: {notSent} · double-sent: {doubled} (bound: in flight at the kill = {inFlight})");
        var ok = lost == 0 && notSent == 0 && doubled <= inFlight;
        Console.WriteLine(ok ? "PASS none lost; duplicates only among the messages in flight at the kill" : "FAIL");
        return ok ? 0 : 1;
    }

    private static async Task SeedAsync(BenchDatabase database, int workspaceId, int count, CancellationToken ct)
    {
        await using var scope = database.Scope(workspaceId);
        var db = scope.ServiceProvider.GetRequiredService<LeadlineDb>();
        var secrets = scope.ServiceProvider.GetRequiredService<ChannelSecrets>();
        var channel = new Channel
        {
            Kind = ChannelKind.Whatsapp, Name = "Bench WhatsApp",
            Settings = """{"phoneNumberId":"1122334455667","wabaId":"1","verifyToken":"bench"}""",
            Secrets = secrets.Protect(new Dictionary<string, string> { ["accessToken"] = "bench-token", ["appSecret"] = "bench-secret" }),
        };
        db.Channels.Add(channel);
        await db.SaveChangesAsync(ct);
        var now = DateTime.UtcNow;
        for (var batch = 0; batch < count; batch += 1000)
        {
            for (var i = batch; i < Math.Min(count, batch + 1000); i++)
            {
                var to = (85290000000L + i).ToString(System.Globalization.CultureInfo.InvariantCulture);
                db.Outbox.Add(new OutboxMessage
                {
                    Kind = WhatsappMessageSender.MessageKind, Target = "+" + to,
                    Payload = new WhatsappPayload(channel.Id, to, "text", $"m{i}", null).Serialize(),
                    IdempotencyKey = $"bench:{i}", Status = OutboxStatus.Pending, NextAttemptAt = now, CreatedAt = now,
                });
            }
            await db.SaveChangesAsync(ct);
            db.ChangeTracker.Clear();
        }
    }

    private static Process StartApp(string connectionString, string graphBase)
    {
        var root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "Leadline.slnx")))
            root = Path.GetDirectoryName(root) ?? throw new InvalidOperationException("Cannot find the repository root (Leadline.slnx).");
        var dll = Directory.GetFiles(Path.Combine(root, "src", "Leadline", "bin"), "Leadline.dll", SearchOption.AllDirectories).OrderByDescending(File.GetLastWriteTimeUtc).First();
        var start = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Path.GetDirectoryName(dll)! };
        start.ArgumentList.Add(dll);
        start.Environment["Urls"] = "http://127.0.0.1:0";   // appsettings names a fixed port
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["Leadline__Database__Provider"] = "Postgres";
        start.Environment["ConnectionStrings__Leadline"] = connectionString;
        start.Environment["Leadline__Channels__Meta__GraphBaseUrl"] = graphBase;
        start.Environment["Leadline__Reminders__Enabled"] = "false";
        start.Environment["Leadline__Duplicates__Enabled"] = "false";
        start.Environment["Leadline__Reservations__Enabled"] = "false";
        start.Environment["Leadline__Outbox__IdleSeconds"] = "1";
        start.Environment["Leadline__Outbox__LeaseSeconds"] = "10";
        start.Environment["Leadline__Storage__Path"] = Directory.CreateTempSubdirectory("leadline-outbox-bench-").FullName;
        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start the app.");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, e) => { if (e.Data is { Length: > 0 } line) Console.Error.WriteLine($"[app {process.Id}] {line}"); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static async Task<long> ScalarAsync(BenchDatabase database, string sql, CancellationToken ct)
    {
        await using var connection = new Npgsql.NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync(ct);
        await using var command = new Npgsql.NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>The Graph API's message endpoint on loopback, counting receipts per message text (m0, m1...).</summary>
    private static async Task<FakeGraph> StartFakeAsync(ConcurrentDictionary<string, int> received)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var n = 0;
        app.Run(async http =>
        {
            var body = JsonNode.Parse(await new StreamReader(http.Request.Body).ReadToEndAsync());
            var text = body?["text"]?["body"]?.GetValue<string>() ?? "";
            received.AddOrUpdate(text, 1, (_, v) => v + 1);
            http.Response.ContentType = "application/json";
            await http.Response.WriteAsync($$"""{"messaging_product":"whatsapp","messages":[{"id":"wamid.bench.{{Interlocked.Increment(ref n)}}"}]}""");
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new FakeGraph(app, address.TrimEnd('/') + "/v25.0");
    }

    private sealed class FakeGraph(WebApplication app, string baseUrl) : IAsyncDisposable
    {
        public string BaseUrl { get; } = baseUrl;

        public async ValueTask DisposeAsync() => await app.DisposeAsync();
    }
}

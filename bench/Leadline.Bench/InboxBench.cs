using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Leadline.Channels;
using Leadline.Conversations;
using Leadline.Data;
using Leadline.Leads;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Leadline.Bench;

internal sealed record InboxQueueFigures(string Queue, int Items, int Total, bool Capped, Timings Api, Timings Page);

/// <summary>
/// Issue 20's Inbox target: the four queues' first page at the seeded size (a million leads). A working team's share of
/// the leads is given inbox state the way the app leaves it: one lead in twenty a follow-up due between yesterday and next
/// week, one in a hundred a customer waiting for a reply (a tenth of those past the SLA) with their message; then, over
/// loopback HTTP, each queue's first page through the API (<c>GET /api/v1/inbox?queue=…</c>: 50 leads, their last
/// messages and the capped total) and the Inbox page as a signed-in browser gets it (the queue plus all four counts).
/// </summary>
internal sealed class InboxBench(BenchDatabase database, int workspaceId, BenchOptions options)
{
    private static readonly string[] Queues = ["now", "today", "later", "recovery"];

    public async Task<List<InboxQueueFigures>> RunAsync(TextWriter log, CancellationToken ct)
    {
        var now = DateTime.UtcNow;
        await log.WriteLineAsync($"{database.Name}: inbox state on one lead in twenty (follow-ups) and one in a hundred (waiting customers)");
        await SeedInboxStateAsync(now, ct);
        await database.ExecuteAsync(database.Provider == DatabaseProvider.Postgres ? "VACUUM ANALYZE leads" : "ANALYZE", ct);

        await using var app = database.StartOnLoopback(new Dictionary<string, string> { ["Logging:LogLevel:Default"] = "Warning" });
        var baseUrl = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        using var api = new HttpClient { BaseAddress = new Uri(baseUrl) };
        await BenchAdmin.AuthorizeAsync(api, ct);
        using var browser = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = true, CookieContainer = new System.Net.CookieContainer() })
        {
            BaseAddress = new Uri(baseUrl),
        };
        await BenchAdmin.SignInAsync(browser, ct);

        // JIT and plan caches: every queue's page and API call a few times before anything is timed
        for (var round = 0; round < 10; round++)
            foreach (var queue in Queues)
            {
                await ApiPageAsync(api, queue, ct);
                await InboxPageAsync(browser, queue, ct);
            }

        var figures = new List<InboxQueueFigures>();
        foreach (var queue in Queues)
        {
            await log.WriteLineAsync($"{database.Name}: inbox queue {queue}");
            JsonObject? last = null;
            var (apiTimes, pageTimes) = await Timings.PairAsync(
                async () => last = await ApiPageAsync(api, queue, ct), () => InboxPageAsync(browser, queue, ct), options.Warmup, options.Runs, options.Budget);
            figures.Add(new InboxQueueFigures(queue, last!["items"]!.AsArray().Count, last["total"]!.GetValue<int>(), last["totalCapped"]!.GetValue<bool>(), apiTimes, pageTimes));
        }
        return figures;
    }

    /// <summary>
    /// Set-based, outside the app's write path (this is seeding, like the demo seeder's bulk insert): follow-ups spread
    /// over eight days from yesterday (a prime stride, so a few thousand leads cover them as a million do); waiting customers spread over the last 50 minutes, a tenth of them
    /// over the last day (breached: the SLA is the default 60 minutes). Each waiting customer's message is stored.
    /// </summary>
    private async Task SeedInboxStateAsync(DateTime now, CancellationToken ct)
    {
        await using var scope = database.Scope(workspaceId);
        var db = scope.ServiceProvider.GetRequiredService<LeadlineDb>();
        db.Database.SetCommandTimeout(TimeSpan.FromMinutes(30));
        var yesterday = now.AddDays(-1);
        await db.Leads.Where(l => l.Id % 20 == 0 && l.ArchivedAt == null).ExecuteUpdateAsync(s => s
            .SetProperty(l => l.NextActionType, NextActionType.FollowUp)
            .SetProperty(l => l.NextActionDueAt, l => yesterday.AddMinutes(l.Id / 20 * 7919 % (8 * 24 * 60))), ct);
        await db.Leads.Where(l => l.Id % 100 == 1 && l.ArchivedAt == null).ExecuteUpdateAsync(s => s
            .SetProperty(l => l.AwaitingReplySince, l => now.AddMinutes(-(l.Id / 100 % 10 == 0 ? 61 + l.Id / 100 % (24 * 60) : l.Id / 100 % 50)))
            .SetProperty(l => l.SlaState, SlaState.Due)
            .SetProperty(l => l.NextActionType, NextActionType.Reply), ct);
        await db.Leads.Where(l => l.AwaitingReplySince != null).ExecuteUpdateAsync(s => s
            .SetProperty(l => l.SlaDueAt, l => l.AwaitingReplySince!.Value.AddMinutes(60))
            .SetProperty(l => l.NextActionDueAt, l => l.AwaitingReplySince), ct);

        var channel = await scope.ServiceProvider.GetRequiredService<ChannelService>().CreateAsync(
            new ChannelRequest("webform", "Bench inbox form", new JsonObject(), null, true), ct);
        var waiting = await db.Leads.AsNoTracking().Where(l => l.AwaitingReplySince != null).Select(l => new { l.Id, l.AwaitingReplySince }).ToListAsync(ct);
        foreach (var chunk in waiting.Chunk(5_000))
        {
            db.Messages.AddRange(chunk.Select(l => new Message
            {
                LeadId = l.Id, ChannelId = channel.Value!.Id, Direction = MessageDirection.Inbound, Type = MessageType.Text,
                Text = "Hello, is this still available? Could you send me a price?", Status = MessageStatus.Delivered, At = l.AwaitingReplySince!.Value,
            }));
            await db.SaveChangesAsync(ct);
            db.ChangeTracker.Clear();
        }
    }

    private static async Task<JsonObject> ApiPageAsync(HttpClient api, string queue, CancellationToken ct)
    {
        using var response = await api.GetAsync($"/api/v1/inbox?queue={queue}", ct);
        response.EnsureSuccessStatusCode();
        return JsonNode.Parse(await response.Content.ReadAsStringAsync(ct))!.AsObject();
    }

    private static async Task InboxPageAsync(HttpClient browser, string queue, CancellationToken ct)
    {
        using var response = await browser.GetAsync($"/inbox?queue={queue}", ct);
        if ((int)response.StatusCode != 200)
            throw new InvalidOperationException($"The Inbox page answered {(int)response.StatusCode}.");
        await response.Content.ReadAsStringAsync(ct);
    }

    public static void Print(TextWriter output, string name, int leads, IReadOnlyList<InboxQueueFigures> figures)
    {
        output.WriteLine($"### Inbox queues, {name}, {leads:N0} leads");
        output.WriteLine();
        output.WriteLine("| Queue | Leads on the first page | Total (capped) | API first page p50 / p95 | Inbox page (queue + four counts) p50 / p95 | target |");
        output.WriteLine("|---|---|---|---|---|---|");
        foreach (var f in figures)
            output.WriteLine($"| {f.Queue} | {f.Items} | {f.Total:N0}{(f.Capped ? "+" : "")} | {f.Api.P50:F1} / {f.Api.P95:F1} ms | {f.Page.P50:F1} / {f.Page.P95:F1} ms | p95 ≤ 50 ms |");
        output.WriteLine();
    }
}

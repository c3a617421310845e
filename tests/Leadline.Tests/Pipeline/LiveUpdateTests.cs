using System.Net.ServerSentEvents;
using Leadline.Common.Live;
using Leadline.Tests.TestInfrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Leadline.Tests.Pipeline;

public sealed class LiveUpdateTests
{
    /// <summary>Reads the events a browser of <paramref name="workspaceId"/> would get from <paramref name="app"/>, until one matches.</summary>
    private static async Task<SseItem<string>> NextEventAsync(LeadlineApp app, int workspaceId, Func<SseItem<string>, bool> match, TimeSpan within, Action subscribed)
    {
        using var cts = new CancellationTokenSource(within);
        await foreach (var item in app.Services.GetRequiredService<LiveEvents>().SubscribeAsync(workspaceId, cts.Token))
        {
            if (item.EventType == "connected")
            {
                subscribed();
                continue;
            }
            if (match(item))
                return item;
        }
        throw new TimeoutException("No matching live event arrived in time.");
    }

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task A_change_reaches_subscribers_of_its_workspace_only(Db db)
    {
        await using var app = await LeadlineApp.StartAsync(db);
        var a = await TestWorkspace.CreateAsync(app);
        var b = await TestWorkspace.CreateAsync(app);
        var ready = new TaskCompletionSource();

        var forB = NextEventAsync(app, b.Id, _ => true, TimeSpan.FromSeconds(3), () => { });
        var forA = NextEventAsync(app, a.Id, e => e.EventType == "leads-changed", TimeSpan.FromSeconds(5), () => ready.TrySetResult());
        await ready.Task;
        var id = (await a.Admin.CreateLeadAsync(new { name = "Live Lena" })).GetProperty("id").GetInt32();

        Assert.Equal(id.ToString(), (await forA).Data);
        await Assert.ThrowsAnyAsync<Exception>(() => forB);   // B's browsers hear nothing of A
    }

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task A_change_inside_a_transaction_is_announced_after_its_commit(Db db)
    {
        // a board move holds its column's lock in a transaction: a board reloading on an earlier event read the old column
        await using var app = await LeadlineApp.StartAsync(db);
        var ws = await TestWorkspace.CreateAsync(app);
        // the lead's creation is announced too (through NOTIFY on PostgreSQL, which may arrive late): heard first, so
        // the listener below can only hear the transaction's change
        var listening = new TaskCompletionSource();
        var created = NextEventAsync(app, ws.Id, e => e.EventType == "leads-changed", TimeSpan.FromSeconds(10), () => listening.TrySetResult());
        await listening.Task;
        var id = (await ws.Admin.CreateLeadAsync(new { name = "Tx Tom" })).GetProperty("id").GetInt32();
        await created;
        var ready = new TaskCompletionSource();
        var heard = NextEventAsync(app, ws.Id, e => e.EventType == "leads-changed" && e.Data == id.ToString(System.Globalization.CultureInfo.InvariantCulture),
            TimeSpan.FromSeconds(10), () => ready.TrySetResult());
        await ready.Task;

        await using var scope = ws.Scope(out var database);
        await using (var tx = await database.Database.BeginTransactionAsync())
        {
            var lead = await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.FirstAsync(database.Leads, l => l.Id == id);
            lead.Score = 42;
            await database.SaveChangesAsync();
            await Task.WhenAny(heard, Task.Delay(500));
            Assert.False(heard.IsCompleted, "announced before the commit");
            await tx.CommitAsync();
        }

        Assert.Equal(id.ToString(System.Globalization.CultureInfo.InvariantCulture), (await heard).Data);
    }

    [Fact]
    public async Task Two_app_instances_on_one_PostgreSQL_database_see_each_others_changes()
    {
        if (!TestDatabase.PostgresAvailable)
            return;   // needs PostgreSQL; under CI it always runs
        await using var first = await LeadlineApp.StartAsync(Db.Postgres);
        await using var second = new LeadlineApp(first.Database, ownsDatabase: false);
        second.StartServer();
        var ws = await TestWorkspace.CreateAsync(first);
        var ready = new TaskCompletionSource();

        // a browser on the second instance, a change made through the first
        var heard = NextEventAsync(second, ws.Id, e => e.EventType == "leads-changed", TimeSpan.FromSeconds(5), () => ready.TrySetResult());
        await ready.Task;
        await Task.Delay(300);   // LISTEN is set up by a background service at start; give it a moment on a slow machine
        var id = (await ws.Admin.CreateLeadAsync(new { name = "Cross Instance" })).GetProperty("id").GetInt32();

        // heard within the wait above; how fast is the bench's to say (a 1 s assertion here failed under CI load)
        Assert.Equal(id.ToString(), (await heard).Data);
    }
}

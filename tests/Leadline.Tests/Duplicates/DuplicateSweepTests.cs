using Leadline.Duplicates;
using Leadline.Tests.TestInfrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Leadline.Tests.Duplicates;

public sealed class DuplicateSweepTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    private static async Task<DuplicateSweepRun> SweepAsync(TestWorkspace ws)
    {
        await using (var scope = ws.Scope(out _))
            await scope.ServiceProvider.GetRequiredService<DuplicateSweeper>().StartAsync(CancellationToken.None);
        for (var i = 0; i < 300; i++)   // the background worker runs it; bounded wait
        {
            await using var scope = ws.Scope(out _);
            var run = await scope.ServiceProvider.GetRequiredService<DuplicateSweeper>().LatestAsync(CancellationToken.None);
            if (run?.Status is SweepStatus.Done or SweepStatus.Failed)
                return run;
            await Task.Delay(100);
        }
        throw new TimeoutException("The sweep did not finish in 30 s.");
    }

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task A_background_sweep_groups_duplicates_and_not_a_duplicate_is_remembered(Db db)
    {
        var ws = await TestWorkspace.CreateAsync(await fixture.For(db));
        var a = (await ws.Admin.CreateLeadAsync(new { name = "Robert Miller", email = "bob.miller@example.com", company = "Miller & Sons Ltd" })).GetProperty("id").GetInt32();
        var b = (await ws.Admin.CreateLeadAsync(new { name = "Bob Miller", email = "Bob.Miller@Example.com", company = "Miller and Sons" })).GetProperty("id").GetInt32();
        await ws.Admin.CreateLeadAsync(new { name = "Alice Walker", email = "alice@walker.example" });
        var c = (await ws.Admin.CreateLeadAsync(new { name = "Hannah Schmidt", phone = "+49 89 1234567", address = new { street = "Hauptstr. 5", postalCode = "80331", city = "München" } })).GetProperty("id").GetInt32();
        var d = (await ws.Admin.CreateLeadAsync(new { name = "Hanna Schmitt", phone = "089 1234567", address = new { street = "Hauptstrasse 5", postalCode = "80331", city = "Muenchen" } })).GetProperty("id").GetInt32();

        var run = await SweepAsync(ws);
        Assert.Equal(SweepStatus.Done, run.Status);
        Assert.Equal(5, run.Total);
        Assert.Equal(5, run.Processed);
        await using (var scope = ws.Scope(out _))
        {
            var sweeper = scope.ServiceProvider.GetRequiredService<DuplicateSweeper>();
            var groups = await sweeper.GroupsAsync(run.Id, 50, CancellationToken.None);
            Assert.Equal(2, groups.Count);
            var miller = Assert.Single(groups, g => g.Leads.Any(l => l.Id == a));
            Assert.Equal([a, b], miller.Leads.Select(l => l.Id));
            Assert.Equal("exact", miller.Level);
            Assert.Contains("same e-mail", miller.Fields);
            var schmidt = Assert.Single(groups, g => g.Leads.Any(l => l.Id == c));
            Assert.Equal([c, d], schmidt.Leads.Select(l => l.Id));
            Assert.True(await sweeper.DismissAsync(schmidt.Id, CancellationToken.None));
        }

        var again = await SweepAsync(ws);
        await using (var scope = ws.Scope(out _))
        {
            var groups = await scope.ServiceProvider.GetRequiredService<DuplicateSweeper>().GroupsAsync(again.Id, 50, CancellationToken.None);
            Assert.Equal([a], groups.Select(g => g.Leads[0].Id));   // the dismissed pair is not shown again
        }
        var stranger = await TestWorkspace.CreateAsync(ws.App);
        var theirs = await SweepAsync(stranger);
        Assert.Equal(0, theirs.Total);
    }
}

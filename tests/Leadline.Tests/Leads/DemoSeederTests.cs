using Leadline.Leads;
using Leadline.Tests.TestInfrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Leadline.Tests.Leads;

public sealed class DemoSeederTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task Seeds_realistic_leads_over_the_past_year_with_history(Db db)
    {
        var ws = await TestWorkspace.CreateAsync(await fixture.For(db));
        await using var scope = ws.Scope(out var leadlineDb);
        var output = new StringWriter();

        await scope.ServiceProvider.GetRequiredService<DemoSeeder>().SeedAsync(2500, output, CancellationToken.None);

        var now = ws.App.Clock.GetUtcNow().UtcDateTime;
        Assert.Equal(2500, await leadlineDb.Leads.CountAsync());
        Assert.Equal(2500, await leadlineDb.LeadHistory.CountAsync(h => h.Field == "created"));
        Assert.True(await leadlineDb.Leads.AllAsync(l => l.CreatedAt <= now && l.CreatedAt >= now.AddDays(-366)));
        Assert.True(await leadlineDb.Leads.Select(l => l.Status).Distinct().CountAsync() >= 6);
        Assert.True(await leadlineDb.Leads.CountAsync(l => l.Score >= 75) > 300);
        Assert.Contains("100% 2,500/2,500", output.ToString(), StringComparison.Ordinal);
        var otherWorkspace = await TestWorkspace.CreateAsync(ws.App);
        Assert.Empty(await otherWorkspace.Admin.LeadNamesAsync(""));
    }
}

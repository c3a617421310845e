using Leadline.Leads;
using Leadline.Pipeline;
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

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task Demo_leads_derived_fields_are_those_of_their_activities(Db db)
    {
        var ws = await TestWorkspace.CreateAsync(await fixture.For(db));
        await using var scope = ws.Scope(out var leadlineDb);
        await scope.ServiceProvider.GetRequiredService<DemoSeeder>().SeedAsync(600, TextWriter.Null, CancellationToken.None);

        var now = ws.App.Clock.GetUtcNow().UtcDateTime;
        var leads = await leadlineDb.Leads.AsNoTracking().ToListAsync();
        var activities = (await leadlineDb.Activities.AsNoTracking().ToListAsync()).ToLookup(a => a.LeadId);
        Assert.True(activities.Count > 300, $"{activities.Count} leads with activities");
        foreach (var lead in leads)
        {
            var mine = activities[lead.Id].ToList();
            var done = mine.Where(a => a.DoneAt is not null).Select(a => a.DoneAt).ToList();
            var open = mine.Where(a => a.DoneAt is null && a.DueAt is not null).Select(a => a.DueAt).ToList();
            Assert.True(lead.LastActivityAt is null || lead.LastActivityAt <= now, $"#{lead.Id}: last activity {lead.LastActivityAt:O} after now");
            Assert.Equal(done.Max(), lead.LastActivityAt);
            Assert.Equal(done.Min(), lead.FirstResponseAt);
            Assert.Equal(open.Min(), lead.NextFollowUpAt);
            Assert.All(mine, a => Assert.True(a.CreatedAt <= now && a.CreatedAt >= lead.CreatedAt, $"#{lead.Id}: activity at {a.CreatedAt:O}"));
            // a lead past the first stage was contacted: its flow is in progress or completed, never "not contacted"
            if (lead.Status != StageCategory.New)
                Assert.NotEqual(LeadFlowStatus.None, lead.LeadFlow);
            Assert.Equal(Leadline.Leads.Changes.LeadFlowRule.Of(lead), lead.LeadFlow);
        }
        Assert.Contains(leads, l => l.NextFollowUpAt < now);   // some follow-ups are overdue, as in real life
        Assert.Contains(leads, l => l.LastActivityAt is null);
    }
}

using Leadline.Common.Time;
using Leadline.Home;
using Leadline.Tests.TestInfrastructure;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;

namespace Leadline.Tests.Home;

public sealed class HomeFiguresTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task Lead_figures_count_what_their_links_show(Db db)
    {
        var ws = await TestWorkspace.CreateAsync(await fixture.For(db));
        var me = (await ws.Admin.GetFromJsonAsync<System.Text.Json.JsonElement>("/api/v1/me")).GetProperty("id").GetInt32();
        await ws.Admin.CreateLeadAsync(new { name = "Hot Mine", score = 80, ownerId = me });
        await ws.Admin.CreateLeadAsync(new { name = "Cold" , score = 5 });
        var archived = (await ws.Admin.CreateLeadAsync(new { name = "Archived", score = 99 })).GetProperty("id").GetInt32();
        await ws.Admin.DeleteAsync($"/api/v1/leads/{archived}");
        Assert.Equal(2, (await ws.Admin.LeadNamesAsync("")).Count);
        Assert.Single(await ws.Admin.LeadNamesAsync("hot=true"));
        ws.App.Clock.Advance(TimeSpan.FromDays(8));   // next week: nothing is new any more

        await using var scope = ws.Scope(out _);
        var figures = await scope.ServiceProvider.GetRequiredService<HomeFigures>()
            .LeadsAsync(me, new WorkspaceClock(ws.App.Clock, "UTC"), CancellationToken.None);

        Assert.Equal((2, 0, 1, 0, 1), (figures.All, figures.NewThisWeek.Count, figures.Hot.Count, figures.OverdueFollowUps.Count, figures.Mine.Count));
        Assert.DoesNotContain(new[] { figures.NewThisWeek, figures.Hot, figures.OverdueFollowUps, figures.Mine }, f => f.Capped);
        Assert.Equal(2, figures.ByStatus.Single(s => s.Status == Leadline.Pipeline.StageCategory.New).Count);
    }
}

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Leadline.Leads;
using Leadline.MarketingLists;
using Leadline.Tests.TestInfrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Primitives;

namespace Leadline.Tests.MarketingLists;

public sealed class MarketingListTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task Leads_join_lists_one_by_one_and_by_filter_and_the_list_filters_the_leads(Db db)
    {
        var ws = await TestWorkspace.CreateAsync(await fixture.For(db));
        var ids = new List<int>();
        foreach (var (name, score) in new[] { ("Hot Hanna", 90), ("Hot Hugo", 80), ("Cold Carl", 10) })
            ids.Add((await ws.Admin.CreateLeadAsync(new { name, score })).GetProperty("id").GetInt32());
        var created = await ws.Admin.PostAsJsonAsync("/api/v1/lists", new { name = "Autumn campaign" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var listId = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt32();
        Assert.True((await (await ws.Admin.PostAsJsonAsync("/api/v1/lists", new { name = "Autumn campaign" })).ErrorsAsync()).TryGetProperty("name", out _));

        var one = await (await ws.Admin.PostAsJsonAsync($"/api/v1/lists/{listId}/leads", new { leadIds = new[] { ids[2] } })).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(1, one.GetProperty("added").GetInt32());
        await using (var scope = ws.Scope(out _))
        {
            var service = scope.ServiceProvider.GetRequiredService<MarketingListService>();
            var clock = await scope.ServiceProvider.GetRequiredService<LeadService>().ClockAsync(CancellationToken.None);
            var (hot, _) = LeadFilter.Parse(new QueryCollection(new Dictionary<string, StringValues> { ["hot"] = "true" }));
            Assert.Equal(2, await service.AddMatchingAsync(listId, hot, 0, clock, CancellationToken.None));
            Assert.Equal(0, await service.AddMatchingAsync(listId, hot, 0, clock, CancellationToken.None));   // already members
        }
        Assert.Equal(["Cold Carl", "Hot Hugo", "Hot Hanna"], await ws.Admin.LeadNamesAsync($"listId={listId}"));
        Assert.Equal(HttpStatusCode.NoContent, (await ws.Admin.DeleteAsync($"/api/v1/lists/{listId}/leads/{ids[2]}")).StatusCode);
        Assert.Equal(["Hot Hugo", "Hot Hanna"], await ws.Admin.LeadNamesAsync($"listId={listId}"));

        var other = await TestWorkspace.CreateAsync(ws.App);
        Assert.Equal(HttpStatusCode.NotFound, (await other.Admin.PostAsJsonAsync($"/api/v1/lists/{listId}/leads", new { leadIds = new[] { ids[0] } })).StatusCode);
        Assert.Empty(await other.Admin.LeadNamesAsync($"listId={listId}"));
    }
}

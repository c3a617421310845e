using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Leadline.Tests.Outbox;
using Leadline.Tests.TestInfrastructure;

namespace Leadline.Tests.Conversations;

public sealed class TemplateSyncTests
{
    private static JsonObject Template(int n, string status = "APPROVED") => new()
    {
        ["name"] = $"tpl_{n:D3}", ["language"] = "en_US", ["status"] = status, ["category"] = "UTILITY",
        ["components"] = new JsonArray(new JsonObject { ["type"] = "BODY", ["text"] = $"Template {n} for {{{{1}}}}" }),
    };

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task The_sync_follows_graph_paging_past_twenty_pages_until_the_last(Db db)
    {
        await using var h = await SendingHarness.StartAsync(db);
        // 45 approved and 2 pending, 2 a page: 24 pages, more than the 20 the sync used to stop at
        for (var n = 1; n <= 47; n++)
            h.Graph.Templates.Add(Template(n, n % 20 == 0 ? "PENDING" : "APPROVED"));
        h.Graph.TemplatePageSize = 2;

        var synced = await h.Admin.PostAsync($"/api/v1/channels/{h.ChannelId}/templates/sync", null);
        Assert.True(synced.IsSuccessStatusCode, await synced.Content.ReadAsStringAsync());
        Assert.Equal(24, h.Graph.Requests.Count(r => r.Path.EndsWith("/message_templates", StringComparison.Ordinal)));
        async Task<List<string>> NamesAsync() =>
            [.. (await h.Admin.GetFromJsonAsync<JsonElement>($"/api/v1/channels/{h.ChannelId}/templates")).GetProperty("items").EnumerateArray().Select(t => t.GetProperty("name").GetString()!)];
        var names = await NamesAsync();
        Assert.Equal(45, names.Count);
        Assert.Contains("tpl_047", names);   // from the last page
        Assert.DoesNotContain("tpl_020", names);

        // a template gone from Meta's complete list is gone here too
        h.Graph.Templates.RemoveAt(0);
        Assert.True((await h.Admin.PostAsync($"/api/v1/channels/{h.ChannelId}/templates/sync", null)).IsSuccessStatusCode);
        names = await NamesAsync();
        Assert.Equal(44, names.Count);
        Assert.DoesNotContain("tpl_001", names);
    }
}

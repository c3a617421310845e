using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Leadline.Tests.TestInfrastructure;

namespace Leadline.Tests.Duplicates;

public sealed class MergeTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    private static async Task<JsonElement> PostAsync(HttpClient client, string url, object body)
    {
        var response = await client.PostAsJsonAsync(url, body);
        Assert.True(response.IsSuccessStatusCode, $"{url}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task Merge_keeps_chosen_values_moves_everything_to_the_survivor_and_archives_the_rest(Db db)
    {
        var ws = await TestWorkspace.CreateAsync(await fixture.For(db));
        var survivor = (await ws.Admin.CreateLeadAsync(new { name = "Jon Smith", email = "jon@old.example", tags = new[] { "expo" } })).GetProperty("id").GetInt32();
        var duplicate = (await ws.Admin.CreateLeadAsync(new { name = "Jonathan Smith", email = "jonathan.smith@acme.example", phone = "+49 30 1234567", company = "Acme", tags = new[] { "vip" } })).GetProperty("id").GetInt32();
        var third = (await ws.Admin.CreateLeadAsync(new { name = "J. Smith", title = "CTO" })).GetProperty("id").GetInt32();
        await PostAsync(ws.Admin, $"/api/v1/leads/{duplicate}/notes", new { text = "Met at the expo" });
        await PostAsync(ws.Admin, $"/api/v1/leads/{third}/activities", new { type = "call", outcome = "positive" });
        await PostAsync(ws.Admin, $"/api/v1/leads/{duplicate}/reminders", new { dueAt = "2026-11-20T10:00:00Z" });
        var list = (await PostAsync(ws.Admin, "/api/v1/lists", new { name = "Expo" })).GetProperty("id").GetInt32();
        await PostAsync(ws.Admin, $"/api/v1/lists/{list}/leads", new { leadIds = new[] { duplicate } });

        Assert.True((await (await ws.Admin.PostAsJsonAsync($"/api/v1/leads/{survivor}/merge", new { duplicateIds = Array.Empty<int>() })).ErrorsAsync()).TryGetProperty("duplicateIds", out _));
        Assert.True((await (await ws.Admin.PostAsJsonAsync($"/api/v1/leads/{survivor}/merge", new { duplicateIds = new[] { duplicate }, fieldChoices = new { email = 999999 } })).ErrorsAsync()).TryGetProperty("fieldChoices", out _));
        Assert.Equal("Jon Smith", (await ws.Admin.GetFromJsonAsync<JsonElement>($"/api/v1/leads/{survivor}")).GetProperty("name").GetString());   // refused: nothing changed

        var merged = await PostAsync(ws.Admin, $"/api/v1/leads/{survivor}/merge", new
        {
            duplicateIds = new[] { duplicate, third },
            fieldChoices = new Dictionary<string, int> { ["name"] = duplicate, ["email"] = duplicate, ["phone"] = duplicate, ["company"] = duplicate, ["title"] = third },
        });
        Assert.Equal("Jonathan Smith", merged.GetProperty("name").GetString());
        Assert.Equal("jonathan.smith@acme.example", merged.GetProperty("email").GetString());
        Assert.Equal("+49301234567", merged.GetProperty("phoneE164").GetString());
        Assert.Equal("CTO", merged.GetProperty("title").GetString());
        Assert.Equal(["expo", "vip"], merged.GetProperty("tags").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal("inProgress", merged.GetProperty("leadFlow").GetString());
        Assert.Equal(new DateTime(2026, 11, 20, 10, 0, 0, DateTimeKind.Utc), merged.GetProperty("nextFollowUpAt").GetDateTime());

        Assert.Single((await ws.Admin.GetFromJsonAsync<JsonElement>($"/api/v1/leads/{survivor}/notes")).GetProperty("items").EnumerateArray());
        Assert.Single((await ws.Admin.GetFromJsonAsync<JsonElement>($"/api/v1/leads/{survivor}/activities")).GetProperty("items").EnumerateArray());
        Assert.Single((await ws.Admin.GetFromJsonAsync<JsonElement>($"/api/v1/leads/{survivor}/reminders")).GetProperty("items").EnumerateArray());
        Assert.Equal(["Jonathan Smith"], await ws.Admin.LeadNamesAsync($"listId={list}"));
        var history = (await ws.Admin.GetFromJsonAsync<JsonElement>($"/api/v1/leads/{survivor}/history")).GetProperty("items").EnumerateArray().ToList();
        Assert.Contains(history, h => h.GetProperty("field").GetString() == "merged" && h.GetProperty("to").GetString()!.Contains($"#{duplicate}", StringComparison.Ordinal));
        Assert.Contains(history, h => h.GetProperty("field").GetString() == "created" && h.GetProperty("to").GetString() == "J. Smith");   // moved over

        var archived = await ws.Admin.GetFromJsonAsync<JsonElement>($"/api/v1/leads/{duplicate}");
        Assert.True(archived.GetProperty("archived").GetBoolean());
        Assert.Equal(survivor, archived.GetProperty("mergedIntoId").GetInt32());
        Assert.Equal(["Jonathan Smith"], await ws.Admin.LeadNamesAsync("q=Smith"));
        // merged already: a conflict saying where it went
        Assert.Equal(HttpStatusCode.Conflict, (await ws.Admin.PostAsJsonAsync($"/api/v1/leads/{survivor}/merge", new { duplicateIds = new[] { duplicate } })).StatusCode);

        var other = await TestWorkspace.CreateAsync(ws.App);
        var stranger = (await other.Admin.CreateLeadAsync(new { name = "Stranger" })).GetProperty("id").GetInt32();
        Assert.Equal(HttpStatusCode.NotFound, (await other.Admin.PostAsJsonAsync($"/api/v1/leads/{survivor}/merge", new { duplicateIds = new[] { stranger } })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await other.Admin.PostAsJsonAsync($"/api/v1/leads/{stranger}/merge", new { duplicateIds = new[] { survivor } })).StatusCode);
    }

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task Two_cross_merges_at_once_let_exactly_one_win_and_the_other_gets_a_conflict(Db db)
    {
        var ws = await TestWorkspace.CreateAsync(await fixture.For(db));
        for (var run = 0; run < 8; run++)
        {
            var x = (await ws.Admin.CreateLeadAsync(new { name = $"Cross Merge {run}", email = $"cross.x{run}@merge.example" })).GetProperty("id").GetInt32();
            var y = (await ws.Admin.CreateLeadAsync(new { name = $"Cross Merge {run}", email = $"cross.y{run}@merge.example" })).GetProperty("id").GetInt32();

            var responses = await Task.WhenAll(
                ws.Admin.PostAsJsonAsync($"/api/v1/leads/{x}/merge", new { duplicateIds = new[] { y } }),
                ws.Admin.PostAsJsonAsync($"/api/v1/leads/{y}/merge", new { duplicateIds = new[] { x } }));

            var codes = responses.Select(r => r.StatusCode).Order().ToList();
            Assert.Equal([HttpStatusCode.OK, HttpStatusCode.Conflict], codes);
            var loser = responses.Single(r => r.StatusCode == HttpStatusCode.Conflict);
            Assert.Equal("application/problem+json", loser.Content.Headers.ContentType?.MediaType);
            Assert.Contains("merged into", (await loser.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString(), StringComparison.Ordinal);
            var alive = new List<bool>();
            foreach (var id in new[] { x, y })
                alive.Add(!(await ws.Admin.GetFromJsonAsync<JsonElement>($"/api/v1/leads/{id}")).GetProperty("archived").GetBoolean());
            Assert.Single(alive, a => a);
        }
    }

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task Merge_recomputes_the_survivors_follow_up_and_activity_from_the_moved_reminders_and_activities(Db db)
    {
        var ws = await TestWorkspace.CreateAsync(await fixture.For(db));
        var now = ws.App.Clock.GetUtcNow().UtcDateTime;
        var survivor = (await ws.Admin.CreateLeadAsync(new { name = "Kept Follow", email = "kept@follow.example" })).GetProperty("id").GetInt32();
        var duplicate = (await ws.Admin.CreateLeadAsync(new { name = "Kept Follow", email = "kept.follow@other.example" })).GetProperty("id").GetInt32();
        var plain = (await ws.Admin.CreateLeadAsync(new { name = "Kept Follow", email = "kept.plain@other.example" })).GetProperty("id").GetInt32();
        var reminder = now.AddDays(5);
        var meeting = now.AddDays(2);
        var called = now.AddHours(-3);
        await PostAsync(ws.Admin, $"/api/v1/leads/{survivor}/reminders", new { dueAt = reminder });
        await PostAsync(ws.Admin, $"/api/v1/leads/{duplicate}/activities", new { type = "meeting", subject = "Demo", dueAt = meeting });
        await PostAsync(ws.Admin, $"/api/v1/leads/{duplicate}/activities", new { type = "call", doneAt = called });

        // the survivor keeps its own follow-up when the duplicate has none
        var first = await PostAsync(ws.Admin, $"/api/v1/leads/{survivor}/merge", new { duplicateIds = new[] { plain } });
        Assert.Equal(reminder, first.GetProperty("nextFollowUpAt").GetDateTime(), TimeSpan.FromMilliseconds(1));
        // and takes the earlier one of a duplicate, with its last activity and first response
        var merged = await PostAsync(ws.Admin, $"/api/v1/leads/{survivor}/merge", new { duplicateIds = new[] { duplicate } });
        Assert.Equal(meeting, merged.GetProperty("nextFollowUpAt").GetDateTime(), TimeSpan.FromMilliseconds(1));
        Assert.Equal(called, merged.GetProperty("lastActivityAt").GetDateTime(), TimeSpan.FromMilliseconds(1));
        Assert.Equal("inProgress", merged.GetProperty("leadFlow").GetString());
    }
}

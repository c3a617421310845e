using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Leadline.Tests.TestInfrastructure;
using Microsoft.EntityFrameworkCore;

namespace Leadline.Tests.Leads;

public sealed class ConcurrentImportTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task Two_imports_of_the_same_file_at_once_with_skip_create_each_lead_once(Db db)
    {
        var ws = await TestWorkspace.CreateAsync(await fixture.For(db));
        var csv = "name,email,company\n" + string.Concat(Enumerable.Range(0, 300).Select(i => $"Twice Person {i},twice.{i}@import.example,Co {i}\n"));

        Task<HttpResponseMessage> Import() => ws.Admin.PostAsync("/api/v1/leads/import?onDuplicate=skip", new StringContent(csv, Encoding.UTF8, "text/csv"));
        var responses = await Task.WhenAll(Import(), Import(), Import());

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        var results = await Task.WhenAll(responses.Select(r => r.Content.ReadFromJsonAsync<JsonElement>()));
        Assert.Equal(300, results.Sum(r => r.GetProperty("created").GetInt32()));
        Assert.Equal(600, results.Sum(r => r.GetProperty("skipped").GetInt32()));
        await using var scope = ws.Scope(out var leadlineDb);
        Assert.Equal(300, await leadlineDb.Leads.CountAsync(l => l.Email!.EndsWith("@import.example")));
    }
}

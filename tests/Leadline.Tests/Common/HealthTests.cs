using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Leadline.Tests.TestInfrastructure;

namespace Leadline.Tests.Common;

public sealed class HealthTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task Health_is_ok_without_auth(Db db)
    {
        using var client = (await fixture.For(db)).CreateClient();

        var response = await client.GetAsync("/health");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("ok", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
    }

    [Fact]
    public async Task Health_is_503_when_the_Postgres_database_goes_away()
    {
        if (!TestDatabase.PostgresAvailable)
            return; // needs a PostgreSQL server to take away; CI always has one
        await using var app = await LeadlineApp.StartAsync(Db.Postgres);
        using var client = app.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health")).StatusCode);

        await app.Database.DropAsync();

        var response = await client.GetAsync("/health");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("unavailable", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
    }
}

using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Leadline.Tests.TestInfrastructure;

namespace Leadline.Tests.Leads;

public sealed class LeadCsvRoundTripTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task Export_neutralises_formulas_and_the_file_imports_back_unchanged(Db db)
    {
        var ws = await TestWorkspace.CreateAsync(await fixture.For(db));
        var lead = await ws.Admin.CreateLeadAsync(new
        {
            name = "=HYPERLINK(\"http://evil.example\",\"click\")",
            company = "+cmd|' /C calc'!A0",
            title = "@SUM(A1:A9)",
            email = "formula@csv.example",
            mobile = "+44 7700 900123",
            address = new { street = "'=quoted already", city = "-2+3" },
        });
        var id = lead.GetProperty("id").GetInt32();

        var export = await ws.Admin.GetStringAsync("/api/v1/leads/export");

        Assert.Contains("\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"click\"\")\"", export, StringComparison.Ordinal);
        Assert.Contains(",'+cmd|' /C calc'!A0,", export, StringComparison.Ordinal);
        Assert.Contains(",'@SUM(A1:A9),", export, StringComparison.Ordinal);
        Assert.Contains(",+44 7700 900123,", export, StringComparison.Ordinal);   // a phone number stays as it is
        Assert.Contains(",''=quoted already,'-2+3,", export, StringComparison.Ordinal);

        // the same file back in, matched to the lead by its e-mail: every value as it was, no apostrophe left
        var import = await ws.Admin.PostAsync("/api/v1/leads/import?onDuplicate=update", new StringContent(export, Encoding.UTF8, "text/csv"));
        Assert.Equal(HttpStatusCode.OK, import.StatusCode);
        var result = await import.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal((0, 1), (result.GetProperty("created").GetInt32(), result.GetProperty("updated").GetInt32()));
        Assert.Empty(result.GetProperty("errors").EnumerateArray());
        var after = await ws.Admin.GetFromJsonAsync<JsonElement>(string.Create(CultureInfo.InvariantCulture, $"/api/v1/leads/{id}"));
        Assert.Equal(lead.GetProperty("name").GetString(), after.GetProperty("name").GetString());
        Assert.Equal("+cmd|' /C calc'!A0", after.GetProperty("company").GetString());
        Assert.Equal("@SUM(A1:A9)", after.GetProperty("title").GetString());
        Assert.Equal("+44 7700 900123", after.GetProperty("mobile").GetString());
        Assert.Equal("'=quoted already", after.GetProperty("address").GetProperty("street").GetString());
        Assert.Equal("-2+3", after.GetProperty("address").GetProperty("city").GetString());
    }
}

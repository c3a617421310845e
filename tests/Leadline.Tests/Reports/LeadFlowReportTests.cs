using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Leadline.Leads;
using Leadline.Notes;
using Leadline.Reports;
using Leadline.Tests.TestInfrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Leadline.Tests.Reports;

public sealed class LeadFlowReportTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    private static async Task PostAsync(HttpClient client, string url, object body)
    {
        var response = await client.PostAsJsonAsync(url, body);
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"{url}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    /// <summary>
    /// The fixture, in Berlin (UTC+1 in November), app clock 2026-11-02 09:00Z = 10:00 local:
    /// Ann: call lead 1 at 07:30Z (08:30 local, positive), call lead 2 at 07:45Z (08:45, negative), e-mail lead 1 at 08:10Z (09:10).
    /// Ben: call lead 1 at 08:05Z (09:05, no outcome), call lead 3 at 2026-11-01 22:30Z (23:30 on 1 November local), a closing note on lead 2.
    /// 2 November alone: 3 calls; leads contacted {1, 2}; closed {2}; hours 08 → 2, 09 → 1; outcomes 1 / 1 / 0 / 1.
    /// </summary>
    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task Report_figures_match_the_hand_computed_fixture(Db db)
    {
        var ws = await TestWorkspace.CreateAsync(await fixture.For(db), timeZone: "Europe/Berlin");
        var (_, _, ann) = await ws.AddUserAsync("Agent", "Ann Operator");
        var (_, _, ben) = await ws.AddUserAsync("Agent", "Ben Operator");
        var leads = new List<int>();
        foreach (var name in new[] { "Lead One", "Lead Two", "Lead Three" })
            leads.Add((await ws.Admin.CreateLeadAsync(new { name })).GetProperty("id").GetInt32());
        var day = new DateTime(2026, 11, 2, 0, 0, 0, DateTimeKind.Utc);
        await PostAsync(ann, $"/api/v1/leads/{leads[0]}/activities", new { type = "call", outcome = "positive", doneAt = day.AddHours(7.5) });
        await PostAsync(ann, $"/api/v1/leads/{leads[1]}/activities", new { type = "call", outcome = "negative", doneAt = day.AddHours(7.75) });
        await PostAsync(ann, $"/api/v1/leads/{leads[0]}/activities", new { type = "email", subject = "Prices", doneAt = day.AddHours(8) + TimeSpan.FromMinutes(10) });
        await PostAsync(ben, $"/api/v1/leads/{leads[0]}/activities", new { type = "call", doneAt = day.AddHours(8) + TimeSpan.FromMinutes(5) });
        await PostAsync(ben, $"/api/v1/leads/{leads[2]}/activities", new { type = "call", outcome = "partial", doneAt = day.AddHours(-1.5) });
        var closing = await (await ws.Admin.PostAsJsonAsync("/api/v1/note-templates", new { title = "Won", text = "Signed.", closesLead = true })).Content.ReadFromJsonAsync<JsonElement>();
        await PostAsync(ben, $"/api/v1/leads/{leads[1]}/notes", new { templateId = closing.GetProperty("id").GetInt32() });
        await PostAsync(ann, $"/api/v1/leads/{leads[2]}/notes", new { text = "Plain notes do not count as contacts" });

        await using var scope = ws.Scope(out _);
        var report = scope.ServiceProvider.GetRequiredService<LeadFlowReport>();
        var clock = await scope.ServiceProvider.GetRequiredService<LeadService>().ClockAsync(CancellationToken.None);

        var one = await report.RunAsync(new DateOnly(2026, 11, 2), new DateOnly(2026, 11, 2), clock, CancellationToken.None);
        Assert.Equal((3, 2, 1), (one.CallsLogged, one.LeadsContacted, one.LeadsClosed));
        Assert.Equal(2, one.CallsByHour[8]);
        Assert.Equal(1, one.CallsByHour[9]);
        Assert.Equal(3, one.CallsByHour.Sum());
        Assert.Equal(new Dictionary<Outcome, int> { [Outcome.Positive] = 1, [Outcome.Negative] = 1, [Outcome.Partial] = 0, [Outcome.Unclassified] = 1 }, one.Outcomes);
        Assert.Equal([("Ann Operator", 2, 2, 0), ("Ben Operator", 1, 1, 1)], one.ByOperator.Select(o => (o.Name, o.Calls, o.LeadsContacted, o.LeadsClosed)));

        var two = await report.RunAsync(new DateOnly(2026, 11, 1), new DateOnly(2026, 11, 2), clock, CancellationToken.None);
        Assert.Equal((4, 3, 1), (two.CallsLogged, two.LeadsContacted, two.LeadsClosed));
        Assert.Equal(1, two.CallsByHour[23]);
        Assert.Equal(1, two.Outcomes[Outcome.Partial]);

        var empty = await report.RunAsync(new DateOnly(2026, 10, 1), new DateOnly(2026, 10, 31), clock, CancellationToken.None);
        Assert.Equal((0, 0, 0, 0), (empty.CallsLogged, empty.LeadsContacted, empty.LeadsClosed, empty.ByOperator.Count));

        using var csv = new MemoryStream();
        await ReportPageEndpoints.WriteCsvAsync(csv, one, CancellationToken.None);
        var lines = Encoding.UTF8.GetString(csv.ToArray()).Split('\n', StringSplitOptions.TrimEntries);
        Assert.Contains("Calls logged,3", lines);
        Assert.Contains("Ann Operator,2,2,0", lines);
        Assert.Contains("08:00,2", lines);
        Assert.Contains("Unclassified,1", lines);
    }

    [Fact]
    public void Date_ranges_default_to_the_last_seven_days_and_refuse_nonsense()
    {
        var today = new DateOnly(2026, 11, 2);
        Assert.Equal((new DateOnly(2026, 10, 27), today, (string?)null), ReportPageEndpoints.Range(null, null, today));
        Assert.NotNull(ReportPageEndpoints.Range("2026-11-05", "2026-11-01", today).Error);
        Assert.NotNull(ReportPageEndpoints.Range("yesterday", null, today).Error);
        Assert.NotNull(ReportPageEndpoints.Range("2020-01-01", "2026-01-01", today).Error);
    }
}

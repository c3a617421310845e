using System.Net.Http.Json;
using System.Text.Json;
using Leadline.Leads;
using Leadline.Tests.TestInfrastructure;

namespace Leadline.Tests.Duplicates;

/// <summary>
/// The same normalised e-mail or E.164 number is always an exact match, whatever the workspace's size; acting on a match
/// without a person (the import's skip and update) needs a value no other lead holds.
/// </summary>
public sealed class IdentifierMatchTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    private static async Task<List<JsonElement>> CheckAsync(HttpClient client, object body)
    {
        var response = await client.PostAsJsonAsync("/api/v1/leads/duplicates/check", body);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("matches").EnumerateArray().ToList();
    }

    private static async Task<JsonElement> ImportAsync(HttpClient client, string policy, string csv)
    {
        using var content = new StringContent(csv, System.Text.Encoding.UTF8, "text/csv");
        var response = await client.PostAsync($"/api/v1/leads/import?onDuplicate={policy}", content);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task The_same_mailbox_or_number_under_another_name_is_exact_in_a_one_lead_and_a_forty_lead_workspace(Db db)
    {
        var app = await fixture.For(db);
        foreach (var others in new[] { 0, 39 })
        {
            var ws = await TestWorkspace.CreateAsync(app);
            await ws.WriteLeadsAsync(Enumerable.Range(1, others)
                .Select(i => new Lead { Name = $"Colleague Number{i}", Email = $"colleague{i}@navy.example", Company = "Navy Computing", HasContactInfo = true }).ToList());
            var grace = (await ws.Admin.CreateLeadAsync(new { name = "Grace Hopper", company = "Navy Computing Inc.", email = "grace.hopper@gmail.com", phone = "+1 202 555 0143" }))
                .GetProperty("id").GetInt32();

            foreach (var typed in new object[]
            {
                new { name = "Someone Else", email = "GraceHopper+crm@gmail.com" },
                new { name = "Someone Else", email = "grace.hopper@gmail.com" },
                new { name = "Someone Else", phone = "+1 (202) 555-0143" },
            })
            {
                var matches = await CheckAsync(ws.Admin, typed);
                Assert.True(matches.Count > 0, $"{others + 1} leads: no match for {JsonSerializer.Serialize(typed)}");
                Assert.Equal(grace, matches[0].GetProperty("leadId").GetInt32());
                Assert.Equal("exact", matches[0].GetProperty("level").GetString());
                Assert.Matches("^same (e-mail|phone) as Grace Hopper; different name$", matches[0].GetProperty("reason").GetString());
            }
        }
    }

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task A_number_shared_by_many_leads_is_shown_but_the_import_neither_skips_nor_updates_on_it(Db db)
    {
        var ws = await TestWorkspace.CreateAsync(await fixture.For(db));
        const string switchboard = "+12025550100";
        await ws.WriteLeadsAsync(Enumerable.Range(1, 40)
            .Select(i => new Lead { Name = $"Staff Member{i:00}", Phone = switchboard, PhoneE164 = switchboard, HasContactInfo = true }).ToList());
        var ada = (await ws.Admin.CreateLeadAsync(new { name = "Ada Lovelace", email = "ada@engine.example", title = "Analyst" })).GetProperty("id").GetInt32();

        // shown: the number is the very same, so each of them is an exact match
        var matches = await CheckAsync(ws.Admin, new { name = "Staff Member07", phone = "+1 (202) 555-0100" });
        Assert.Equal(10, matches.Count);
        Assert.All(matches, m => Assert.Equal("exact", m.GetProperty("level").GetString()));
        Assert.Equal("Staff Member07", matches[0].GetProperty("name").GetString());   // ranked by the other fields

        // never acted on alone: the row with the shared number is created; the one with Ada's own e-mail is skipped / updated
        const string Csv = """
            name,phone,email,title
            Staff Member07,+1 202 555 0100,,Receptionist
            Ada Lovelace,,ADA@engine.example,Countess
            """;
        var skipped = await ImportAsync(ws.Admin, "skip", Csv);
        Assert.Equal((1, 1, 0), (skipped.GetProperty("created").GetInt32(), skipped.GetProperty("skipped").GetInt32(), skipped.GetProperty("updated").GetInt32()));
        Assert.Equal(2, (await ws.Admin.LeadNamesAsync("q=Member07")).Count);

        var updated = await ImportAsync(ws.Admin, "update", Csv.Replace("Staff Member07", "Staff Member08", StringComparison.Ordinal));
        Assert.Equal((1, 1), (updated.GetProperty("created").GetInt32(), updated.GetProperty("updated").GetInt32()));
        Assert.Equal("Countess", (await ws.Admin.GetFromJsonAsync<JsonElement>($"/api/v1/leads/{ada}")).GetProperty("title").GetString());
        Assert.Equal(2, (await ws.Admin.LeadNamesAsync("q=Member08")).Count);   // Staff Member08 kept, a new lead beside it
    }
}

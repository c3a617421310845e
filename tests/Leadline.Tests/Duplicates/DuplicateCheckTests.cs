using System.Net.Http.Json;
using System.Text.Json;
using Leadline.Duplicates;
using Leadline.Leads;
using Leadline.Tests.TestInfrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Leadline.Tests.Duplicates;

public sealed class DuplicateCheckTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    private static async Task<List<JsonElement>> CheckAsync(HttpClient client, object body)
    {
        var response = await client.PostAsJsonAsync("/api/v1/leads/duplicates/check", body);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("matches").EnumerateArray().ToList();
    }

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task A_number_shared_by_more_leads_than_the_cap_brings_no_candidates_and_gives_the_same_answer_when_its_count_is_remembered(Db db)
    {
        var ws = await TestWorkspace.CreateAsync(await fixture.For(db));
        const string switchboard = "+12125550100";
        await ws.WriteLeadsAsync(Enumerable.Range(1, DuplicateFinder.MaxPerKey + 1)
            .Select(i => new Lead { Name = $"Staff Member {i:000}", Phone = switchboard, PhoneE164 = switchboard, HasContactInfo = true }).ToList());
        var zed = (await ws.Admin.CreateLeadAsync(new { name = "Zebulon Quixote", phone = switchboard, email = "zq@quixote.example" })).GetProperty("id").GetInt32();

        // the number alone: every lead shares it, none is singled out; the same when the count comes from memory
        Assert.Empty(await CheckAsync(ws.Admin, new { phone = switchboard }));
        Assert.Empty(await CheckAsync(ws.Admin, new { phone = switchboard }));
        // the name brings its lead in, and the shared number still counts as a matching field, weighed by how many share
        // it: the same score whether that count was just read or remembered
        var scores = new List<double>();
        for (var round = 0; round < 2; round++)
        {
            var match = Assert.Single(await CheckAsync(ws.Admin, new { name = "Zebulon Quixote", phone = switchboard }));
            Assert.Equal(zed, match.GetProperty("leadId").GetInt32());
            Assert.Contains("phone", match.GetProperty("fields").EnumerateArray().Select(f => f.GetString()));
            scores.Add(match.GetProperty("score").GetDouble());
        }
        Assert.Equal(scores[0], scores[1]);
        // a number Zebulon alone had would weigh more than the switchboard does
        var own = (await ws.Admin.CreateLeadAsync(new { name = "Ulysses Quixote", phone = "+12125550199" })).GetProperty("id").GetInt32();
        var ownMatch = Assert.Single(await CheckAsync(ws.Admin, new { name = "Ulysses Quixote", phone = "+12125550199" }));
        Assert.Equal(own, ownMatch.GetProperty("leadId").GetInt32());
        Assert.True(ownMatch.GetProperty("score").GetDouble() > scores[0], $"{ownMatch.GetProperty("score").GetDouble()} vs {scores[0]}");
    }

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task A_lead_sharing_a_rare_key_is_found_among_many_sharing_common_ones(Db db)
    {
        var ws = await TestWorkspace.CreateAsync(await fixture.For(db));
        // seventy colleagues at one company, written first (lower ids), each sharing the company and the name's sound
        // with the typed record; then the lead with the typed e-mail
        await ws.WriteLeadsAsync(Enumerable.Range(1, 70)
            .Select(i => new Lead { Name = "Jon Smyth", Company = "Globex Corporation", Email = $"colleague{i}@globex.example", HasContactInfo = true }).ToList());
        var john = (await ws.Admin.CreateLeadAsync(new { name = "John Smith", company = "Globex Corporation", email = "john.smith@globex.example" }))
            .GetProperty("id").GetInt32();

        var matches = await CheckAsync(ws.Admin, new { name = "John Smith", company = "Globex Corporation", email = "JOHN.SMITH@globex.example" });
        Assert.Equal(john, matches[0].GetProperty("leadId").GetInt32());
        Assert.Equal("exact", matches[0].GetProperty("level").GetString());
        // editing John: his own record is left out
        var editing = await CheckAsync(ws.Admin, new { name = "John Smith", company = "Globex Corporation", email = "john.smith@globex.example", excludeId = john });
        Assert.DoesNotContain(editing, m => m.GetProperty("leadId").GetInt32() == john);
    }

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task A_number_too_common_to_bring_candidates_still_counts_for_a_lead_found_through_its_company(Db db)
    {
        var ws = await TestWorkspace.CreateAsync(await fixture.For(db));
        const string switchboard = "+12125550100";
        static Lead New(string name, string company, string? phone) =>
            new() { Name = name, Company = company, Phone = phone, PhoneE164 = phone, HasContactInfo = phone is not null };
        // the number is over the cap (other companies' staff share it); dozens of colleagues share the company
        var leads = Enumerable.Range(1, DuplicateFinder.MaxPerKey + 1).Select(i => New($"Caller {i:000}", $"Tenant {i:000} Holdings", switchboard))
            .Concat(Enumerable.Range(1, 40).Select(i => New($"Colleague {i:000}", "Initech", null)))
            .Append(New("Peter Gibbons", "Initech", switchboard))
            .ToList();
        await ws.WriteLeadsAsync(leads);
        var peter = leads[^1].Id;

        // company and number together single Peter out, though each alone is shared by dozens or hundreds
        var matches = await CheckAsync(ws.Admin, new { name = "P. Gibbonz", company = "Initech Inc.", phone = switchboard });
        Assert.Contains(matches, m => m.GetProperty("leadId").GetInt32() == peter);
    }

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task The_check_finds_exact_and_similar_leads_through_the_key_index_and_follows_edits(Db db)
    {
        var ws = await TestWorkspace.CreateAsync(await fixture.For(db));
        (int Id, string Name) admin;
        await using (var scope = ws.Scope(out var leadlineDb))
            admin = await leadlineDb.Users.Where(u => u.Email == ws.AdminEmail).Select(u => new ValueTuple<int, string>(u.Id, u.Name)).SingleAsync();
        var maria = (await ws.Admin.CreateLeadAsync(new { name = "Maria Gonzalez", email = "maria.gonzalez@gmail.com", company = "Acme GmbH", phone = "+49 30 1234567", ownerId = admin.Id }))
            .GetProperty("id").GetInt32();
        var other = (await ws.Admin.CreateLeadAsync(new { name = "Peter Brown", email = "peter@brown.example" })).GetProperty("id").GetInt32();

        // Gmail dots and +tags are the same mailbox: exact, naming the e-mail
        var exact = Assert.Single(await CheckAsync(ws.Admin, new { name = "M. Gonzalez", email = "MariaGonzalez+crm@gmail.com" }));
        Assert.Equal(maria, exact.GetProperty("leadId").GetInt32());
        Assert.Equal("exact", exact.GetProperty("level").GetString());
        Assert.Contains("email", exact.GetProperty("fields").EnumerateArray().Select(f => f.GetString()));
        Assert.Equal("Maria Gonzalez", exact.GetProperty("name").GetString());
        Assert.Equal(admin.Name, exact.GetProperty("ownerName").GetString());

        // the phone typed as a mobile without the country code, and the name with a typo: still found
        var similar = await CheckAsync(ws.Admin, new { name = "Maria Gonzales", company = "ACME", mobile = "030 1234567" });
        Assert.Equal(maria, Assert.Single(similar).GetProperty("leadId").GetInt32());

        // the same first name only, nothing else: not a duplicate
        Assert.Empty(await CheckAsync(ws.Admin, new { name = "Maria Schmidt", email = "m.schmidt@web.example" }));
        // excludeId: the lead being edited is not its own duplicate
        Assert.Empty(await CheckAsync(ws.Admin, new { name = "Maria Gonzalez", email = "maria.gonzalez@gmail.com", excludeId = maria }));

        // creating a look-alike is allowed and says what it resembles
        var created = await ws.Admin.CreateLeadAsync(new { name = "Maria Gonzalez", email = "maria.gonzalez@gmail.com" });
        Assert.Equal(maria, created.GetProperty("possibleDuplicates")[0].GetProperty("leadId").GetInt32());

        // keys follow edits: Peter's new e-mail finds him, his old one no longer does
        var patch = await ws.Admin.PatchAsJsonAsync($"/api/v1/leads/{other}", new { email = "pbrown@newmail.example" });
        Assert.True(patch.IsSuccessStatusCode);
        Assert.Equal(other, Assert.Single(await CheckAsync(ws.Admin, new { email = "pbrown@newmail.example" })).GetProperty("leadId").GetInt32());
        Assert.Empty(await CheckAsync(ws.Admin, new { email = "peter@brown.example" }));

        // another workspace sees nothing of these
        var stranger = await TestWorkspace.CreateAsync(ws.App);
        Assert.Empty(await CheckAsync(stranger.Admin, new { name = "Maria Gonzalez", email = "maria.gonzalez@gmail.com" }));
    }

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task Leads_written_without_keys_are_indexed_by_the_background_indexer(Db db)
    {
        var ws = await TestWorkspace.CreateAsync(await fixture.For(db));
        var id = (await ws.Admin.CreateLeadAsync(new { name = "Ken Keyless", email = "ken@keyless.example" })).GetProperty("id").GetInt32();
        await using (var scope = ws.Scope(out var ctx))
            await ctx.LeadMatchKeys.Where(k => k.LeadId == id).ExecuteDeleteAsync();   // as a bulk write leaves it
        Assert.Empty(await CheckAsync(ws.Admin, new { email = "ken@keyless.example" }));

        await using (var scope = ws.App.Services.CreateAsyncScope())
            Assert.True(await scope.ServiceProvider.GetRequiredService<MatchKeyIndexer>().IndexMissingAsync(CancellationToken.None) >= 1);
        Assert.Equal(id, Assert.Single(await CheckAsync(ws.Admin, new { email = "ken@keyless.example" })).GetProperty("leadId").GetInt32());
    }

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task The_indexer_passes_a_lead_with_nothing_to_key_on_instead_of_looking_at_it_forever(Db db)
    {
        var ws = await TestWorkspace.CreateAsync(await fixture.For(db));
        // a name of symbols and no contact details: no key can be made of it
        var keyless = (await ws.Admin.CreateLeadAsync(new { name = "—" })).GetProperty("id").GetInt32();
        var id = (await ws.Admin.CreateLeadAsync(new { name = "Nora Nokeys", email = "nora@nokeys.example" })).GetProperty("id").GetInt32();
        await using (var scope = ws.Scope(out var ctx))
        {
            Assert.Equal(0, await ctx.LeadMatchKeys.CountAsync(k => k.LeadId == keyless));
            await ctx.LeadMatchKeys.Where(k => k.LeadId == id).ExecuteDeleteAsync();
        }
        await using (var scope = ws.App.Services.CreateAsyncScope())
        {
            using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            var indexing = scope.ServiceProvider.GetRequiredService<MatchKeyIndexer>().IndexMissingAsync(keyless - 1, limit.Token);
            Assert.Same(indexing, await Task.WhenAny(indexing, Task.Delay(TimeSpan.FromSeconds(20))));   // it ends
            Assert.Equal(2, await indexing);
        }
        Assert.Equal(id, Assert.Single(await CheckAsync(ws.Admin, new { email = "nora@nokeys.example" })).GetProperty("leadId").GetInt32());
    }

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task A_hard_deleted_lead_takes_its_keys_with_it(Db db)
    {
        // PostgreSQL: a trigger (script 0014, which dropped the foreign key for the import's speed); SQLite: ON DELETE CASCADE
        var ws = await TestWorkspace.CreateAsync(await fixture.For(db));
        var gone = (await ws.Admin.CreateLeadAsync(new { name = "Gina Gone", email = "gina@gone.example" })).GetProperty("id").GetInt32();
        var kept = (await ws.Admin.CreateLeadAsync(new { name = "Kurt Kept", email = "kurt@kept.example" })).GetProperty("id").GetInt32();
        await using var scope = ws.Scope(out var ctx);
        Assert.True(await ctx.LeadMatchKeys.CountAsync(k => k.LeadId == gone) > 0);

        await ctx.Leads.Where(l => l.Id == gone).ExecuteDeleteAsync();   // the app archives; a workspace's removal deletes

        Assert.Equal(0, await ctx.LeadMatchKeys.CountAsync(k => k.LeadId == gone));
        Assert.True(await ctx.LeadMatchKeys.CountAsync(k => k.LeadId == kept) > 0);
        Assert.Empty(await CheckAsync(ws.Admin, new { email = "gina@gone.example" }));
    }

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task Imported_leads_are_found_at_once(Db db)
    {
        var ws = await TestWorkspace.CreateAsync(await fixture.For(db));
        using var csv = new StringContent("name,email,phone\nIris Imported,iris@imported.example,+49 40 5557777\n", System.Text.Encoding.UTF8, "text/csv");
        var import = await ws.Admin.PostAsync("/api/v1/leads/import", csv);
        Assert.True(import.IsSuccessStatusCode, await import.Content.ReadAsStringAsync());
        var match = Assert.Single(await CheckAsync(ws.Admin, new { name = "Iris Imported", phone = "+49 40 555 7777" }));
        Assert.Equal("exact", match.GetProperty("level").GetString());
    }

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task The_import_skips_what_the_check_rates_exact_and_creates_near_misses(Db db)
    {
        var ws = await TestWorkspace.CreateAsync(await fixture.For(db));
        await ws.Admin.CreateLeadAsync(new { name = "Robert Smith", email = "Robert.Smith@gmail.com", company = "Smith & Sons" });
        await ws.Admin.CreateLeadAsync(new { name = "Anna Berg", phone = "+1 (312) 534-2680" });
        const string Csv = """
            name,email,phone,mobile,company
            Bob Smith,robertsmith+crm@googlemail.com,,,
            Anna Berg,,,+1 312 534 2680,
            Robert Smith,rs@elsewhere.example,(415) 555-0199,,Elsewhere Inc
            """;

        using var content = new StringContent(Csv, System.Text.Encoding.UTF8, "text/csv");
        var response = await ws.Admin.PostAsync("/api/v1/leads/import?onDuplicate=skip", content);
        var result = await response.Content.ReadFromJsonAsync<JsonElement>();

        // Gmail's dots, +tag and googlemail.com with a nickname, and a phone typed as a mobile, are the same person;
        // a namesake at another company with other contacts is not
        Assert.Equal((1, 2), (result.GetProperty("created").GetInt32(), result.GetProperty("skipped").GetInt32()));
        Assert.Equal(2, (await ws.Admin.LeadNamesAsync("q=robert")).Count);
        Assert.Single(await ws.Admin.LeadNamesAsync("q=anna"));
    }
}

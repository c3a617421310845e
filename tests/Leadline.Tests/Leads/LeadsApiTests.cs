using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Leadline.Tests.TestInfrastructure;

namespace Leadline.Tests.Leads;

public sealed class LeadsApiTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task Create_with_only_a_name_starts_in_the_first_new_stage(Db db)
    {
        var ws = await TestWorkspace.CreateAsync(await fixture.For(db));

        var response = await ws.Admin.PostAsJsonAsync("/api/v1/leads", new { name = "Ada Lovelace" });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.NotNull(response.Headers.ETag);
        var lead = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal($"/api/v1/leads/{lead.GetProperty("id").GetInt32()}", response.Headers.Location?.OriginalString);
        Assert.Equal("new", lead.GetProperty("status").GetString());
        Assert.Equal("New", lead.GetProperty("stageName").GetString());
        Assert.Equal("api", lead.GetProperty("source").GetString());
        Assert.False(lead.GetProperty("hasContactInfo").GetBoolean());
        Assert.Equal("none", lead.GetProperty("followUpState").GetString());
    }

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task Phones_are_stored_as_typed_and_in_E164_with_the_workspace_country(Db db)
    {
        var ws = await TestWorkspace.CreateAsync(await fixture.For(db));   // default country DE

        var lead = await ws.Admin.CreateLeadAsync(new { name = "Hans", phone = "030 1234567", mobile = "+44 7700 900123" });

        Assert.Equal("030 1234567", lead.GetProperty("phone").GetString());
        Assert.Equal("+49301234567", lead.GetProperty("phoneE164").GetString());
        Assert.Equal("+447700900123", lead.GetProperty("mobileE164").GetString());
        Assert.True(lead.GetProperty("hasContactInfo").GetBoolean());
    }

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task Invalid_fields_get_400_naming_each_and_nothing_is_created(Db db)
    {
        var ws = await TestWorkspace.CreateAsync(await fixture.For(db));

        var errors = await (await ws.Admin.PostAsJsonAsync("/api/v1/leads", new
        {
            name = " ", email = "not-an-email", score = 101, stageId = 999_999, ownerId = 999_999, source = "pigeon",
            phone = "call me", dateOfBirth = "31/12/1990", address = new { country = "XX" }, website = "not a site",
        })).ErrorsAsync();

        foreach (var field in new[] { "name", "email", "score", "stageId", "ownerId", "source", "phone", "dateOfBirth", "address.country", "website" })
            Assert.True(errors.TryGetProperty(field, out _), field);
        Assert.Empty(await ws.Admin.LeadNamesAsync(""));
        var typed = await ws.Admin.PostAsync("/api/v1/leads", new StringContent("""{"name":"X","score":"high"}""", Encoding.UTF8, "application/json"));
        Assert.True((await typed.ErrorsAsync()).TryGetProperty("score", out _));
    }

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task Control_characters_in_text_get_400_on_both_databases(Db db)
    {
        // PostgreSQL cannot store a NUL character in text at all; SQLite would. The same rule for both: refused at the edge.
        var ws = await TestWorkspace.CreateAsync(await fixture.For(db));

        var created = await ws.Admin.PostAsJsonAsync("/api/v1/leads", new { name = "Nul\u0000Name", company = "Bell\u0007 Co", city = "Tab\tTown" });

        Assert.Equal(HttpStatusCode.BadRequest, created.StatusCode);
        var errors = await created.ErrorsAsync();
        Assert.True(errors.TryGetProperty("name", out _));
        Assert.True(errors.TryGetProperty("company", out _));
        Assert.Contains("U+0000", errors.GetProperty("name")[0].GetString(), StringComparison.Ordinal);
        Assert.Empty(await ws.Admin.LeadNamesAsync(""));

        // the import reports such a row by number and writes the others
        var import = await ws.Admin.PostAsync("/api/v1/leads/import",
            new StringContent(
                "name,company,tags,postalCode,email,code\n" +
                "Good Row,Fine Co,vip,10115,good@row.example,\n" +
                "Bad\u0000Row,Co,,,,\n" +
                "Tagged Row,Co,ok;b\u0001d,,,\n" +
                "Zip Row,Co,,101\u000015,zip@row.example,\n" +      // the duplicate check's keys come from these columns
                "Mail Row,Nul\u0000 Co,,,mail\u0000@row.example,\n" +
                "Code Row,Co,,,,C\u0000-1\n",                       // the codes are looked up before the rows are written
                Encoding.UTF8, "text/csv"));
        var result = await import.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(HttpStatusCode.OK, import.StatusCode);
        Assert.Equal(1, result.GetProperty("created").GetInt32());
        Assert.Equal([3L, 4L, 5L, 6L, 7L], result.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("row").GetInt64()));
        Assert.Equal(["Good Row"], await ws.Admin.LeadNamesAsync(""));

        // the check while typing takes any text and finds nothing for such a one
        var check = await ws.Admin.PostAsJsonAsync("/api/v1/leads/duplicates/check", new { name = "Good\u0000Row", email = "good@row.example\u0000", postalCode = "10\u0000115" });
        Assert.Equal(HttpStatusCode.OK, check.StatusCode);
    }

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task Codes_are_unique_and_generated_codes_skip_taken_ones(Db db)
    {
        var ws = await TestWorkspace.CreateAsync(await fixture.For(db));
        await ws.Admin.CreateLeadAsync(new { name = "Typed", code = "L-000001" });

        var generated = (await (await ws.Admin.PostAsync("/api/v1/leads/codes", null)).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString();
        var duplicate = await ws.Admin.PostAsJsonAsync("/api/v1/leads", new { name = "Copy", code = "L-000001" });

        Assert.Equal("L-000002", generated);
        Assert.True((await duplicate.ErrorsAsync()).TryGetProperty("code", out _));
        var other = await TestWorkspace.CreateAsync(ws.App);
        await other.Admin.CreateLeadAsync(new { name = "Same code elsewhere", code = "L-000001" });   // unique per workspace only
    }

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task Patch_changes_only_given_fields_and_a_stale_ETag_gets_412(Db db)
    {
        var ws = await TestWorkspace.CreateAsync(await fixture.For(db));
        var lead = await ws.Admin.CreateLeadAsync(new { name = "Grace Hopper", company = "Navy", tags = new[] { "vip" } });
        var id = lead.GetProperty("id").GetInt32();
        var get = await ws.Admin.GetAsync($"/api/v1/leads/{id}");
        var etag = get.Headers.ETag!.ToString();

        var patch = new HttpRequestMessage(HttpMethod.Patch, $"/api/v1/leads/{id}") { Content = JsonContent.Create(new { title = "Rear Admiral", tags = new[] { "VIP", "navy" } }) };
        patch.Headers.TryAddWithoutValidation("If-Match", etag);
        var ok = await ws.Admin.SendAsync(patch);
        var stale = new HttpRequestMessage(HttpMethod.Patch, $"/api/v1/leads/{id}") { Content = JsonContent.Create(new { title = "Stale" }) };
        stale.Headers.TryAddWithoutValidation("If-Match", etag);
        var refused = await ws.Admin.SendAsync(stale);

        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.NotEqual(etag, ok.Headers.ETag!.ToString());
        var body = await ok.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Navy", body.GetProperty("company").GetString());
        Assert.Equal(["vip", "navy"], body.GetProperty("tags").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal(HttpStatusCode.PreconditionFailed, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        var after = await ws.Admin.GetFromJsonAsync<JsonElement>($"/api/v1/leads/{id}");
        Assert.Equal("Rear Admiral", after.GetProperty("title").GetString());
    }

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task History_records_every_field_change_with_who_and_names(Db db)
    {
        var ws = await TestWorkspace.CreateAsync(await fixture.For(db));
        var (agentId, _, _) = await ws.AddUserAsync("Agent", "Olga Owner");
        var pipelines = await ws.Admin.GetFromJsonAsync<JsonElement>("/api/v1/leads?limit=1");
        Assert.Equal(0, pipelines.GetProperty("total").GetInt32());
        var lead = await ws.Admin.CreateLeadAsync(new { name = "Alan Turing" });
        var id = lead.GetProperty("id").GetInt32();
        var stages = await StagesAsync(ws);

        await ws.Admin.PatchAsJsonAsync($"/api/v1/leads/{id}", new { ownerId = agentId, tags = new[] { "ai" }, stageId = stages["Working"] });
        await ws.Admin.PatchAsJsonAsync($"/api/v1/leads/{id}", new { stageId = stages["Lost"], lostReason = "No budget" });

        var history = (await ws.Admin.GetFromJsonAsync<JsonElement>($"/api/v1/leads/{id}/history")).GetProperty("items").EnumerateArray()
            .Select(h => (Field: h.GetProperty("field").GetString(), From: h.GetProperty("from").GetString(), To: h.GetProperty("to").GetString(), User: h.GetProperty("userName").GetString()))
            .ToList();
        Assert.Contains(("owner", null, "Olga Owner", "Ada Admin"), history);
        Assert.Contains(("tags", "", "ai", "Ada Admin"), history);
        Assert.Contains(("stage", "New", "Working", "Ada Admin"), history);
        Assert.Contains(("stage", "Working", "Lost", "Ada Admin"), history);
        Assert.Contains(("lostReason", null, "No budget", "Ada Admin"), history);
        Assert.Contains(("created", null, "Alan Turing", "Ada Admin"), history);
    }

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task Moving_to_a_lost_stage_needs_a_reason(Db db)
    {
        var ws = await TestWorkspace.CreateAsync(await fixture.For(db));
        var id = (await ws.Admin.CreateLeadAsync(new { name = "Lost Cause" })).GetProperty("id").GetInt32();
        var stages = await StagesAsync(ws);

        var errors = await (await ws.Admin.PatchAsJsonAsync($"/api/v1/leads/{id}", new { stageId = stages["Lost"] })).ErrorsAsync();

        Assert.True(errors.TryGetProperty("lostReason", out _));
        Assert.Equal("new", (await ws.Admin.GetFromJsonAsync<JsonElement>($"/api/v1/leads/{id}")).GetProperty("status").GetString());
    }

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task Another_workspaces_lead_is_404_everywhere(Db db)
    {
        var app = await fixture.For(db);
        var a = await TestWorkspace.CreateAsync(app);
        var b = await TestWorkspace.CreateAsync(app);
        var id = (await b.Admin.CreateLeadAsync(new { name = "Secret Lead" })).GetProperty("id").GetInt32();

        Assert.Equal(HttpStatusCode.NotFound, (await a.Admin.GetAsync($"/api/v1/leads/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await a.Admin.PatchAsJsonAsync($"/api/v1/leads/{id}", new { name = "Hijacked" })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await a.Admin.DeleteAsync($"/api/v1/leads/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await a.Admin.GetAsync($"/api/v1/leads/{id}/history")).StatusCode);
        Assert.DoesNotContain("Secret Lead", await a.Admin.LeadNamesAsync("q=secret"));
        Assert.DoesNotContain("Secret Lead", await a.Admin.GetStringAsync("/api/v1/leads/export"));
        var stageOfB = (await b.Admin.GetFromJsonAsync<JsonElement>($"/api/v1/leads/{id}")).GetProperty("stageId").GetInt32();
        var errors = await (await a.Admin.PostAsJsonAsync("/api/v1/leads", new { name = "X", stageId = stageOfB })).ErrorsAsync();
        Assert.True(errors.TryGetProperty("stageId", out _));
        Assert.Equal("Secret Lead", (await b.Admin.GetFromJsonAsync<JsonElement>($"/api/v1/leads/{id}")).GetProperty("name").GetString());
    }

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task Archive_hides_the_lead_from_the_list_but_keeps_it(Db db)
    {
        var ws = await TestWorkspace.CreateAsync(await fixture.For(db));
        var id = (await ws.Admin.CreateLeadAsync(new { name = "Old Lead" })).GetProperty("id").GetInt32();

        Assert.Equal(HttpStatusCode.NoContent, (await ws.Admin.DeleteAsync($"/api/v1/leads/{id}")).StatusCode);

        Assert.Empty(await ws.Admin.LeadNamesAsync(""));
        Assert.Equal(["Old Lead"], await ws.Admin.LeadNamesAsync("archived=true"));
        Assert.True((await ws.Admin.GetFromJsonAsync<JsonElement>($"/api/v1/leads/{id}")).GetProperty("archived").GetBoolean());
    }

    internal static async Task<Dictionary<string, int>> StagesAsync(TestWorkspace ws)
    {
        await using var scope = ws.Scope(out var db);
        return await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.ToDictionaryAsync(db.Stages, s => s.Name, s => s.Id);
    }
}

using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Leadline.CustomFields;
using Leadline.Tests.TestInfrastructure;
using Microsoft.EntityFrameworkCore;

namespace Leadline.Tests.CustomFields;

public sealed class CustomFieldTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    private static async Task<JsonElement> DefineAsync(HttpClient client, object body)
    {
        var response = await client.PostAsJsonAsync("/api/v1/custom-fields", body);
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        Assert.NotNull(response.Headers.Location);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private static async Task<TestWorkspace> WorkspaceWithFieldsAsync(AppFixture fixture, Db db)
    {
        var ws = await TestWorkspace.CreateAsync(await fixture.For(db));
        await DefineAsync(ws.Admin, new { key = "budget_band", label = "Budget band", type = "choice", options = new[] { "<1k", "1k-10k", ">10k" } });
        await DefineAsync(ws.Admin, new { key = "visits", label = "Site visits", type = "number" });
        await DefineAsync(ws.Admin, new { key = "renewal", label = "Renewal date", type = "date" });
        await DefineAsync(ws.Admin, new { key = "vip", label = "VIP", type = "boolean" });
        await DefineAsync(ws.Admin, new { key = "interests", label = "Interests", type = "multiChoice", options = new[] { "solar", "wind", "storage" } });
        await DefineAsync(ws.Admin, new { key = "referrer", label = "Referred by", type = "text" });
        return ws;
    }

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task Definitions_are_created_listed_changed_and_deleted(Db db)
    {
        var ws = await TestWorkspace.CreateAsync(await fixture.For(db));
        var choice = await DefineAsync(ws.Admin, new { key = "budget_band", label = "Budget band", type = "Choice", options = new[] { "<1k", ">10k" }, required = true });
        Assert.Equal("choice", choice.GetProperty("type").GetString());
        Assert.True(choice.GetProperty("required").GetBoolean());
        var id = choice.GetProperty("id").GetInt32();
        await DefineAsync(ws.Admin, new { key = "visits", label = "Site visits", type = "number" });

        var list = await ws.Admin.GetFromJsonAsync<JsonElement>("/api/v1/custom-fields");
        Assert.Equal(["budget_band", "visits"], list.GetProperty("items").EnumerateArray().Select(f => f.GetProperty("key").GetString()).ToList());

        var patch = await ws.Admin.PatchAsJsonAsync($"/api/v1/custom-fields/{id}", new { label = "Budget", options = new[] { "<1k", "1k-10k", ">10k" }, required = false });
        Assert.Equal(HttpStatusCode.OK, patch.StatusCode);
        var changed = await ws.Admin.GetFromJsonAsync<JsonElement>($"/api/v1/custom-fields/{id}");
        Assert.Equal("Budget", changed.GetProperty("label").GetString());
        Assert.Equal(3, changed.GetProperty("options").GetArrayLength());
        Assert.False(changed.GetProperty("required").GetBoolean());

        Assert.Equal(HttpStatusCode.NoContent, (await ws.Admin.DeleteAsync($"/api/v1/custom-fields/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await ws.Admin.GetAsync($"/api/v1/custom-fields/{id}")).StatusCode);

        // another workspace sees none of them
        var other = await TestWorkspace.CreateAsync(ws.App);
        Assert.Equal(0, (await other.Admin.GetFromJsonAsync<JsonElement>("/api/v1/custom-fields")).GetProperty("total").GetInt32());
    }

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task Bad_definitions_are_refused_naming_the_field_and_a_duplicate_key_conflicts(Db db)
    {
        var ws = await TestWorkspace.CreateAsync(await fixture.For(db));
        await DefineAsync(ws.Admin, new { key = "budget_band", label = "Budget band", type = "choice", options = new[] { "a" } });

        async Task<string> RefusedAsync(object body)
        {
            var errors = await (await ws.Admin.PostAsJsonAsync("/api/v1/custom-fields", body)).ErrorsAsync();
            return string.Join(",", errors.EnumerateObject().Select(p => p.Name));
        }
        Assert.Equal("key", await RefusedAsync(new { key = "1st", label = "First", type = "text" }));
        Assert.Equal("key", await RefusedAsync(new { key = "email", label = "Mail two", type = "text" }));
        Assert.Equal("type", await RefusedAsync(new { key = "x1", label = "X1", type = "colour" }));
        Assert.Equal("options", await RefusedAsync(new { key = "x2", label = "X2", type = "choice" }));
        Assert.Equal("options", await RefusedAsync(new { key = "x3", label = "X3", type = "multiChoice", options = new[] { "a", "A" } }));
        Assert.Equal("options", await RefusedAsync(new { key = "x4", label = "X4", type = "number", options = new[] { "a" } }));
        Assert.Equal("label", await RefusedAsync(new { key = "x5", label = "budget BAND", type = "text" }));
        Assert.Equal("label,type", await RefusedAsync(new { key = "x6" }));

        var duplicate = await ws.Admin.PostAsJsonAsync("/api/v1/custom-fields", new { key = "Budget_Band", label = "Another", type = "text" });
        Assert.Equal(HttpStatusCode.Conflict, duplicate.StatusCode);

        // an agent reads the definitions but may not change them
        var (_, _, agent) = await ws.AddUserAsync("Agent");
        Assert.Equal(HttpStatusCode.OK, (await agent.GetAsync("/api/v1/custom-fields")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await agent.PostAsJsonAsync("/api/v1/custom-fields", new { key = "z", label = "Z", type = "text" })).StatusCode);
        var (_, _, manager) = await ws.AddUserAsync("Manager");
        await DefineAsync(manager, new { key = "z", label = "Z", type = "text" });
    }

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task A_lead_s_values_are_validated_by_type_and_stored_normalised(Db db)
    {
        var ws = await WorkspaceWithFieldsAsync(fixture, db);
        var lead = await ws.Admin.CreateLeadAsync(new
        {
            name = "Typed",
            customFields = new { budget_band = "1K-10K", visits = "7", renewal = "2027-03-01", vip = "yes", interests = new[] { "storage", "solar", "solar" }, referrer = "  Jo  " },
        });
        var values = lead.GetProperty("customFields");
        Assert.Equal("1k-10k", values.GetProperty("budget_band").GetString());
        Assert.Equal(7, values.GetProperty("visits").GetDouble());
        Assert.Equal("2027-03-01", values.GetProperty("renewal").GetString());
        Assert.True(values.GetProperty("vip").GetBoolean());
        Assert.Equal(["solar", "storage"], values.GetProperty("interests").EnumerateArray().Select(v => v.GetString()).ToList());
        Assert.Equal("Jo", values.GetProperty("referrer").GetString());

        async Task RefusedAsync(object customFields, string key)
        {
            var errors = await (await ws.Admin.PostAsJsonAsync("/api/v1/leads", new { name = "Bad", customFields })).ErrorsAsync();
            Assert.True(errors.TryGetProperty($"customFields.{key}", out _), errors.ToString());
        }
        await RefusedAsync(new { budget_band = "lots" }, "budget_band");
        await RefusedAsync(new { visits = "many" }, "visits");
        await RefusedAsync(new { visits = true }, "visits");
        await RefusedAsync(new { renewal = "01/03/2027" }, "renewal");
        await RefusedAsync(new { vip = "perhaps" }, "vip");
        await RefusedAsync(new { interests = new[] { "solar", "coal" } }, "interests");
        await RefusedAsync(new { interests = 3 }, "interests");
        await RefusedAsync(new { nope = 1 }, "nope");

        // PATCH sets the keys it names and keeps the others; null clears one
        var id = lead.GetProperty("id").GetInt32();
        var patched = await ws.Admin.PatchAsJsonAsync($"/api/v1/leads/{id}", new { customFields = new { visits = 8.5, referrer = (string?)null } });
        Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
        var after = (await patched.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("customFields");
        Assert.Equal(8.5, after.GetProperty("visits").GetDouble());
        Assert.False(after.TryGetProperty("referrer", out _));
        Assert.Equal("1k-10k", after.GetProperty("budget_band").GetString());

        // and the index rows follow the JSON
        await using (ws.Scope(out var ctx))
        {
            var rows = await ctx.LeadCustomValues.Where(v => v.LeadId == id).ToListAsync();
            Assert.Equal(6, rows.Count);   // choice, number, date, yes/no, two choices
            Assert.Contains(rows, r => r.ValueNumber == 8.5);
            Assert.Contains(rows, r => r.ValueDate == new DateOnly(2027, 3, 1));
            Assert.Contains(rows, r => r.ValueText == "true");
        }
    }

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task A_required_field_is_required_on_create(Db db)
    {
        var ws = await TestWorkspace.CreateAsync(await fixture.For(db));
        await DefineAsync(ws.Admin, new { key = "segment", label = "Segment", type = "choice", options = new[] { "retail", "b2b" }, required = true });

        var errors = await (await ws.Admin.PostAsJsonAsync("/api/v1/leads", new { name = "No segment" })).ErrorsAsync();
        Assert.True(errors.TryGetProperty("customFields.segment", out _), errors.ToString());
        var lead = await ws.Admin.CreateLeadAsync(new { name = "Segmented", customFields = new { segment = "b2b" } });

        // an update that does not name it is fine; clearing it is not
        var id = lead.GetProperty("id").GetInt32();
        Assert.Equal(HttpStatusCode.OK, (await ws.Admin.PatchAsJsonAsync($"/api/v1/leads/{id}", new { company = "Acme" })).StatusCode);
        await (await ws.Admin.PatchAsJsonAsync($"/api/v1/leads/{id}", new { customFields = new { segment = "" } })).ErrorsAsync();
    }

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task The_list_filters_by_exact_value_choice_held_and_range(Db db)
    {
        var ws = await WorkspaceWithFieldsAsync(fixture, db);
        await ws.Admin.CreateLeadAsync(new { name = "Big", customFields = new { budget_band = ">10k", visits = 12, renewal = "2027-01-10", vip = true, interests = new[] { "solar", "wind" }, referrer = "Jo" } });
        await ws.Admin.CreateLeadAsync(new { name = "Small", customFields = new { budget_band = "<1k", visits = 2, renewal = "2027-06-01", vip = false, interests = new[] { "wind" } } });
        await ws.Admin.CreateLeadAsync(new { name = "Blank" });

        Assert.Equal(["Big"], await ws.Admin.LeadNamesAsync("cf.budget_band=%3E10k"));
        Assert.Equal(["Big"], await ws.Admin.LeadNamesAsync("cf.referrer=Jo"));
        Assert.Equal(["Small", "Big"], await ws.Admin.LeadNamesAsync("cf.interests=wind"));
        Assert.Equal(["Big"], await ws.Admin.LeadNamesAsync("cf.interests=SOLAR"));
        Assert.Equal(["Small"], await ws.Admin.LeadNamesAsync("cf.vip=false"));
        Assert.Equal(["Big"], await ws.Admin.LeadNamesAsync("cf.visits.min=5"));
        Assert.Equal(["Small"], await ws.Admin.LeadNamesAsync("cf.visits.max=5"));
        Assert.Equal(["Small", "Big"], await ws.Admin.LeadNamesAsync("cf.visits.min=2&cf.visits.max=12"));
        Assert.Equal(["Small"], await ws.Admin.LeadNamesAsync("cf.renewal.min=2027-02-01"));
        Assert.Equal(["Big"], await ws.Admin.LeadNamesAsync("cf.renewal=2027-01-10&cf.vip=true"));

        Assert.True((await (await ws.Admin.GetAsync("/api/v1/leads?cf.unknown=1")).ErrorsAsync()).TryGetProperty("cf.unknown", out _));
        Assert.True((await (await ws.Admin.GetAsync("/api/v1/leads?cf.visits.min=lots")).ErrorsAsync()).TryGetProperty("cf.visits.min", out _));
        Assert.True((await (await ws.Admin.GetAsync("/api/v1/leads?cf.budget_band=huge")).ErrorsAsync()).TryGetProperty("cf.budget_band", out _));
    }

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task Export_has_a_column_per_field_and_import_maps_it_back_or_creates_fields(Db db)
    {
        var ws = await WorkspaceWithFieldsAsync(fixture, db);
        await ws.Admin.CreateLeadAsync(new { name = "Exported", email = "exported@cf.example", customFields = new { budget_band = ">10k", interests = new[] { "solar", "wind" } } });

        var export = await ws.Admin.GetStringAsync("/api/v1/leads/export");
        var lines = export.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.EndsWith(",Budget band,Site visits,Renewal date,VIP,Interests,Referred by", lines[0].TrimEnd('\r'), StringComparison.Ordinal);
        Assert.Contains(",>10k,,,,solar; wind,", lines[1], StringComparison.Ordinal);
        Assert.Equal(["Exported"], await ws.Admin.LeadNamesAsync("cf.interests=wind"));

        // by key or label, any case; an unknown column becomes a text field on request
        var csv = "name,BUDGET_BAND,site visits,Interests,Favourite colour\nImported,1k-10k,3,storage;solar,teal\nRefused,lots,1,,\n";
        var response = await ws.Admin.PostAsync("/api/v1/leads/import?createCustomFields=true", new StringContent(csv, Encoding.UTF8, "text/csv"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var result = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(1, result.GetProperty("created").GetInt32());
        var error = Assert.Single(result.GetProperty("errors").EnumerateArray());
        Assert.Equal(3, error.GetProperty("row").GetInt32());
        Assert.Contains("budget_band", error.GetProperty("message").GetString(), StringComparison.Ordinal);

        var fields = await ws.Admin.GetFromJsonAsync<JsonElement>("/api/v1/custom-fields");
        var created = fields.GetProperty("items").EnumerateArray().Single(f => f.GetProperty("key").GetString() == "favourite_colour");
        Assert.Equal(("Favourite colour", "text"), (created.GetProperty("label").GetString(), created.GetProperty("type").GetString()));
        Assert.Equal(["Imported"], await ws.Admin.LeadNamesAsync("cf.favourite_colour=teal"));
        Assert.Equal(["Imported"], await ws.Admin.LeadNamesAsync("cf.budget_band=1k-10k&cf.visits.max=3&cf.interests=storage"));

        // without the flag an unknown column is left out
        var plain = await ws.Admin.PostAsync("/api/v1/leads/import", new StringContent("name,Shoe size\nPlain,42\n", Encoding.UTF8, "text/csv"));
        Assert.Equal(HttpStatusCode.OK, plain.StatusCode);
        Assert.DoesNotContain((await ws.Admin.GetFromJsonAsync<JsonElement>("/api/v1/custom-fields")).GetProperty("items").EnumerateArray(), f => f.GetProperty("key").GetString() == "shoe_size");
    }

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task Deleting_a_field_takes_its_values_off_the_leads(Db db)
    {
        var ws = await WorkspaceWithFieldsAsync(fixture, db);
        var lead = await ws.Admin.CreateLeadAsync(new { name = "Holder", customFields = new { budget_band = "<1k", visits = 4 } });
        var fields = await ws.Admin.GetFromJsonAsync<JsonElement>("/api/v1/custom-fields");
        var band = fields.GetProperty("items").EnumerateArray().Single(f => f.GetProperty("key").GetString() == "budget_band").GetProperty("id").GetInt32();

        // an option a lead holds cannot be removed
        await (await ws.Admin.PatchAsJsonAsync($"/api/v1/custom-fields/{band}", new { options = new[] { "1k-10k", ">10k" } })).ErrorsAsync();
        Assert.Equal(HttpStatusCode.NoContent, (await ws.Admin.DeleteAsync($"/api/v1/custom-fields/{band}")).StatusCode);

        var after = await ws.Admin.GetFromJsonAsync<JsonElement>($"/api/v1/leads/{lead.GetProperty("id").GetInt32()}");
        Assert.False(after.GetProperty("customFields").TryGetProperty("budget_band", out _));
        Assert.Equal(4, after.GetProperty("customFields").GetProperty("visits").GetDouble());
        await using (ws.Scope(out var ctx))
            Assert.False(await ctx.LeadCustomValues.AnyAsync(v => v.FieldId == band));
    }

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task Imported_leads_get_their_index_rows_and_a_common_value_pages_in_the_list_s_order(Db db)
    {
        var ws = await WorkspaceWithFieldsAsync(fixture, db);
        // more holders of one value than the filter's "common" threshold, through the import's bulk writer
        var rows = Enumerable.Range(1, 1_200).Select(i => $"Bulk {i:D4},{(i == 600 ? ">10k" : "<1k")},{i}");
        var csv = "name,budget_band,visits\n" + string.Join("\n", rows) + "\n";
        var response = await ws.Admin.PostAsync("/api/v1/leads/import?onDuplicate=create", new StringContent(csv, Encoding.UTF8, "text/csv"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1_200, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("created").GetInt32());

        var common = await ws.Admin.GetFromJsonAsync<JsonElement>("/api/v1/leads?cf.budget_band=%3C1k&sort=name&limit=3");
        Assert.Equal(1_199, common.GetProperty("total").GetInt32());
        Assert.Equal(["Bulk 0001", "Bulk 0002", "Bulk 0003"], common.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("name").GetString()).ToList());
        Assert.Equal(["Bulk 0600"], await ws.Admin.LeadNamesAsync("cf.budget_band=%3E10k"));
        Assert.Equal(["Bulk 1200", "Bulk 1199"], await ws.Admin.LeadNamesAsync("cf.visits.min=1199&sort=-name"));
        await using (ws.Scope(out var ctx))
            Assert.Equal(2_400, await ctx.LeadCustomValues.CountAsync());
    }

    [Fact]
    public void A_query_without_custom_filters_is_the_empty_filter()
    {
        var (filter, errors) = Leadline.Leads.LeadFilter.Parse(new Microsoft.AspNetCore.Http.QueryCollection());
        Assert.False(errors.Any);
        Assert.Equal(new Leadline.Leads.LeadFilter(), filter);
    }

    [Fact]
    public void Keys_made_from_headers_are_identifiers()
    {
        Assert.Equal("favourite_colour", CustomFieldService.KeyFrom("Favourite colour"));
        Assert.Equal("f_2nd_phone", CustomFieldService.KeyFrom(" 2nd phone! "));
        Assert.Null(CustomFieldService.KeyFrom("???"));
    }
}

using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Leadline.Tests.TestInfrastructure;
using Microsoft.EntityFrameworkCore;

namespace Leadline.Tests.Leads;

public sealed class LeadListTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    /// <summary>A small, varied workspace: each filter below picks a known subset by name.</summary>
    private static async Task<(TestWorkspace Ws, int AgentId, HttpClient Agent, string AgentEmail)> SeedAsync(LeadlineApp app)
    {
        var ws = await TestWorkspace.CreateAsync(app, timeZone: "Europe/Berlin");
        var (agentId, agentEmail, agent) = await ws.AddUserAsync("Agent", "Ann Agent");
        await ws.Admin.CreateLeadAsync(new
        {
            name = "Hot Hannah", company = "Acme Ltd", email = "hannah@acme.example", phone = "+44 20 7946 0958", score = 90, source = "whatsapp",
            tags = new[] { "vip" }, ownerId = agentId, companySize = 5000, primary = true, gender = "female", maritalStatus = "married",
            dateOfBirth = "1990-06-01", address = new { city = "London", state = "England", postalCode = "EC1A", country = "GB" },
            accountType = "enterprise", loyaltyLevel = "gold", relationshipType = "customer", lifecycleStage = "customer",
        });
        await ws.Admin.CreateLeadAsync(new { name = "Cold Carl", company = "Brr GmbH", score = 10, source = "webForm", active = false });
        await ws.Admin.CreateLeadAsync(new { name = "Warm Wanda", email = "wanda@example.org", score = 75, source = "phone", dateOfBirth = "2000-01-15", ownerId = agentId });
        return (ws, agentId, agent, agentEmail);
    }

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task Each_filter_selects_its_leads(Db db)
    {
        var (ws, agentId, agent, _) = await SeedAsync(await fixture.For(db));
        var c = ws.Admin;

        Assert.Equal(["Hot Hannah", "Warm Wanda"], (await c.LeadNamesAsync("hot=true")).Order());
        Assert.Equal(["Hot Hannah"], await c.LeadNamesAsync("enterprise=true"));
        Assert.Equal(["Cold Carl"], await c.LeadNamesAsync("owner=unassigned"));
        Assert.Equal(["Hot Hannah", "Warm Wanda"], (await c.LeadNamesAsync($"owner={agentId}")).Order());
        Assert.Equal(["Hot Hannah", "Warm Wanda"], (await agent.LeadNamesAsync("owner=me")).Order());
        Assert.Empty(await c.LeadNamesAsync("owner=me"));
        Assert.Equal(3, (await c.LeadNamesAsync("status=new&created=today")).Count);
        Assert.Equal(3, (await c.LeadNamesAsync("created=week")).Count);
        Assert.Equal(3, (await c.LeadNamesAsync("created=month")).Count);
        Assert.Empty(await c.LeadNamesAsync("status=qualified"));
        Assert.Equal(["Hot Hannah"], await c.LeadNamesAsync("source=WhatsApp"));
        Assert.Equal(["Cold Carl"], await c.LeadNamesAsync("active=false"));
        Assert.Equal(["Hot Hannah"], await c.LeadNamesAsync("primary=true"));
        Assert.Equal(["Cold Carl"], await c.LeadNamesAsync("hasInfo=false"));
        Assert.Equal(["Hot Hannah"], await c.LeadNamesAsync("gender=female&maritalStatus=married"));
        Assert.Equal(["Hot Hannah"], await c.LeadNamesAsync("ageMin=30&ageMax=40"));   // the app's clock says 2026-11-02
        Assert.Equal(["Warm Wanda"], await c.LeadNamesAsync("ageMax=29"));
        Assert.Equal(["Hot Hannah"], await c.LeadNamesAsync("city=London&state=England&postalCode=EC1A&country=gb"));
        Assert.Equal(["Hot Hannah"], await c.LeadNamesAsync("accountType=enterprise&loyaltyLevel=gold&relationshipType=customer&lifecycleStage=customer"));
        Assert.Equal(["Hot Hannah"], await c.LeadNamesAsync("tag=VIP"));
        Assert.Equal(["Cold Carl"], await c.LeadNamesAsync("company=brr"));
        Assert.Equal(["Hot Hannah"], await c.LeadNamesAsync("q=ACME"));
        Assert.Equal(["Warm Wanda"], await c.LeadNamesAsync("q=wanda%40example"));
        Assert.Equal(["Hot Hannah"], await c.LeadNamesAsync("q=7946%200958"));
        Assert.Empty(await c.LeadNamesAsync("q=100%25"));   // a % is a character to find, not a wildcard
    }

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task Sorts_order_the_list(Db db)
    {
        var (ws, _, _, _) = await SeedAsync(await fixture.For(db));

        Assert.Equal(["Hot Hannah", "Warm Wanda", "Cold Carl"], await ws.Admin.LeadNamesAsync("sort=-score"));
        Assert.Equal(["Cold Carl", "Warm Wanda", "Hot Hannah"], await ws.Admin.LeadNamesAsync("sort=score"));
        Assert.Equal(["Cold Carl", "Hot Hannah", "Warm Wanda"], await ws.Admin.LeadNamesAsync("sort=name"));
        Assert.Equal(["Warm Wanda", "Hot Hannah", "Cold Carl"], await ws.Admin.LeadNamesAsync("sort=-name"));
        Assert.Equal(["Hot Hannah", "Cold Carl", "Warm Wanda"], await ws.Admin.LeadNamesAsync("sort=created"));
        Assert.Equal(["Warm Wanda", "Cold Carl", "Hot Hannah"], await ws.Admin.LeadNamesAsync(""));
    }

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task Bad_filter_values_get_400(Db db)
    {
        var ws = await TestWorkspace.CreateAsync(await fixture.For(db));

        var errors = await (await ws.Admin.GetAsync("/api/v1/leads?status=hot&hot=maybe&created=yesterday&sort=colour&owner=boss&ageMin=old")).ErrorsAsync();

        foreach (var field in new[] { "status", "hot", "created", "sort", "owner", "ageMin" })
            Assert.True(errors.TryGetProperty(field, out _), field);
    }

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task Keyset_pages_cover_every_lead_once_in_each_sort(Db db)
    {
        var ws = await TestWorkspace.CreateAsync(await fixture.For(db));
        for (var i = 0; i < 12; i++)
        {
            ws.App.Clock.Advance(TimeSpan.FromSeconds(i % 3));   // some equal timestamps, so ties are broken by id
            await ws.Admin.CreateLeadAsync(new { name = $"Lead {i % 4}", score = i % 5 * 10 });
        }
        await using (var scope = ws.Scope(out var leadlineDb))
        {
            // two thirds with an activity date, some equal, beside leads with none (which sort as the oldest)
            var now = ws.App.Clock.GetUtcNow().UtcDateTime;
            foreach (var (lead, i) in (await leadlineDb.Leads.OrderBy(l => l.Id).ToListAsync()).Select((l, i) => (l, i)).Where(x => x.i % 3 != 0))
                await leadlineDb.Leads.Where(l => l.Id == lead.Id).ExecuteUpdateAsync(u => u.SetProperty(l => l.LastActivityAt, now.AddHours(-(i % 4))));
        }

        foreach (var sort in new[] { "-created", "created", "score", "-score", "name", "-name", "lastActivity", "-lastActivity" })
        {
            var seen = new List<int>();
            string? cursor = null;
            do
            {
                var page = await ws.Admin.GetFromJsonAsync<JsonElement>($"/api/v1/leads?sort={sort}&limit=5" + (cursor is null ? "" : $"&cursor={cursor}"));
                Assert.Equal(12, page.GetProperty("total").GetInt32());
                seen.AddRange(page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetInt32()));
                cursor = page.GetProperty("nextCursor").GetString();
            }
            while (cursor is not null);
            var all = (await ws.Admin.GetFromJsonAsync<JsonElement>($"/api/v1/leads?sort={sort}&limit=500")).GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetInt32());
            Assert.Equal(all, seen);
        }
        // a lead never touched counts as the oldest activity: first going up, last going down
        var activityUp = (await ws.Admin.GetFromJsonAsync<JsonElement>("/api/v1/leads?sort=lastActivity&limit=500")).GetProperty("items").EnumerateArray()
            .Select(i => i.GetProperty("lastActivityAt").ValueKind == JsonValueKind.Null ? DateTime.MinValue : i.GetProperty("lastActivityAt").GetDateTime()).ToList();
        Assert.Equal(4, activityUp.TakeWhile(a => a == DateTime.MinValue).Count());
        Assert.Equal(activityUp.Order(), activityUp);
    }

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task Import_reports_bad_rows_by_number_and_applies_the_duplicate_policy(Db db)
    {
        var ws = await TestWorkspace.CreateAsync(await fixture.For(db));
        await ws.Admin.CreateLeadAsync(new { name = "Erin Walsh", email = "erin@example.com", company = "Old Co" });
        // a duplicate is what the duplicate check rates exact: the same mailbox or number under the same (or a compatible) name
        const string Csv = """
            Full Name,E-mail,Company,Score,Tags,Stage
            Carol Import,carol@example.com,Imports Co,55,vip;b2b,Working
            ,missing@example.com,No Name Inc,10,,
            Dan Bad,dan@example.com,Dan LLC,300,,
            Erin Walsh,ERIN@example.com,New Co,20,,
            carol import,Carol@Example.com,Dup,1,,
            Fay Stage,fay@example.com,,1,,Nowhere
            Maria Gonzalez,erin@example.com,Shared Inbox,5,,
            """;

        var skip = await ImportAsync(ws, Csv, "skip");
        Assert.Equal((2, 0, 2), (skip.GetProperty("created").GetInt32(), skip.GetProperty("updated").GetInt32(), skip.GetProperty("skipped").GetInt32()));
        Assert.Equal([3L, 4L, 7L], skip.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("row").GetInt64()));
        var carol = (await ws.Admin.GetFromJsonAsync<JsonElement>("/api/v1/leads?q=carol")).GetProperty("items")[0];
        Assert.Equal("working", carol.GetProperty("status").GetString());
        Assert.Equal("import", carol.GetProperty("source").GetString());
        Assert.Equal(["vip", "b2b"], carol.GetProperty("tags").EnumerateArray().Select(t => t.GetString()));
        // a shared mailbox under another person's name is not a duplicate: that row was created
        Assert.Equal(["Erin Walsh", "Maria Gonzalez"], await ws.Admin.LeadNamesAsync("q=erin%40example&sort=name"));

        // an update acts only on a value one lead holds: Carol's mailbox is hers alone; Erin's is shared with Maria's row
        // now, so that row is a new lead beside them, never an update of either
        var update = await ImportAsync(ws, "name,email,company\nCarol Import,carol@example.com,New Co\nErin Walsh,erin@example.com,Newer Co\n", "update");
        Assert.Equal((1, 1), (update.GetProperty("created").GetInt32(), update.GetProperty("updated").GetInt32()));
        Assert.Equal(["Carol Import"], await ws.Admin.LeadNamesAsync("company=New%20Co"));   // the one lead, updated from the file
        Assert.Equal(3, (await ws.Admin.LeadNamesAsync("q=erin%40")).Count);

        var create = await ImportAsync(ws, "name,email\nErin Walsh,erin@example.com\n", "create");
        Assert.Equal(1, create.GetProperty("created").GetInt32());
        Assert.Equal(4, (await ws.Admin.LeadNamesAsync("q=erin%40")).Count);
    }

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task A_batch_the_database_refuses_is_replayed_row_by_row_with_history(Db db)
    {
        var ws = await TestWorkspace.CreateAsync(await fixture.For(db));
        // both rows pass validation alone, but share a code: the unique index refuses the batch
        var result = await ImportAsync(ws, "name,code\nFirst Code,X-1\nSecond Code,X-1\nThird,\n", "create");

        Assert.Equal(2, result.GetProperty("created").GetInt32());
        var error = Assert.Single(result.GetProperty("errors").EnumerateArray());
        Assert.Equal(3, error.GetProperty("row").GetInt64());
        Assert.Contains("X-1", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(["First Code", "Third"], (await ws.Admin.LeadNamesAsync("sort=name")));
        var id = (await ws.Admin.GetFromJsonAsync<JsonElement>("/api/v1/leads?q=first")).GetProperty("items")[0].GetProperty("id").GetInt32();
        var history = await ws.Admin.GetFromJsonAsync<JsonElement>($"/api/v1/leads/{id}/history");
        Assert.Equal("created", Assert.Single(history.GetProperty("items").EnumerateArray()).GetProperty("field").GetString());
    }

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task A_row_the_database_refuses_after_validation_is_named_and_the_rest_of_its_batch_written(Db db)
    {
        // What validation cannot foresee (a code another writer took meanwhile, a rule of the database's own) refuses the
        // whole bulk write of a batch; it is replayed row by row. A trigger stands in for such a rule here. The refused row
        // is in the second of two batches, checked while the first was being written (and short: a replay goes through EF).
        var ws = await TestWorkspace.CreateAsync(await fixture.For(db));
        var (create, drop) = db == Db.Sqlite
            ? ("CREATE TRIGGER IF NOT EXISTS refuse_in_test BEFORE INSERT ON leads WHEN NEW.name = 'Refused Row' BEGIN SELECT RAISE(ABORT, 'refused in test'); END",
                "DROP TRIGGER refuse_in_test")
            : ("""
               CREATE OR REPLACE FUNCTION refuse_in_test() RETURNS trigger LANGUAGE plpgsql AS $$
               BEGIN IF NEW.name = 'Refused Row' THEN RAISE EXCEPTION 'refused in test'; END IF; RETURN NEW; END $$;
               CREATE OR REPLACE TRIGGER refuse_in_test BEFORE INSERT ON leads FOR EACH ROW EXECUTE FUNCTION refuse_in_test();
               """, "DROP TRIGGER refuse_in_test ON leads; DROP FUNCTION refuse_in_test();");
        await using (var scope = ws.Scope(out var leadlineDb))
            await leadlineDb.Database.ExecuteSqlRawAsync(create);
        try
        {
            var csv = new StringBuilder("name,email\n");
            for (var i = 1; i <= 10_002; i++)
                csv.Append(System.Globalization.CultureInfo.InvariantCulture, $"{(i == 10_001 ? "Refused Row" : $"Replayed {i}")},r{i}@replay.example\n");

            var result = await ImportAsync(ws, csv.ToString(), "skip");

            Assert.Equal(10_001, result.GetProperty("created").GetInt32());
            var error = Assert.Single(result.GetProperty("errors").EnumerateArray());
            Assert.Equal(10_002, error.GetProperty("row").GetInt64());
            Assert.Contains("refused", error.GetProperty("message").GetString(), StringComparison.Ordinal);
            await using var scope = ws.Scope(out var leadlineDb);
            Assert.Equal(10_001, await leadlineDb.Leads.CountAsync());
            Assert.Equal(10_001, await leadlineDb.LeadHistory.CountAsync(h => h.Field == "created"));   // replayed rows too
            Assert.Equal(10_001, await leadlineDb.LeadMatchKeys.Select(k => k.LeadId).Distinct().CountAsync());
        }
        finally
        {
            await using var scope = ws.Scope(out var leadlineDb);
            await leadlineDb.Database.ExecuteSqlRawAsync(drop);
        }
    }

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task Export_then_import_round_trips_into_another_workspace(Db db)
    {
        var app = await fixture.For(db);
        var (ws, _, _, agentEmail) = await SeedAsync(app);

        var csv = await ws.Admin.GetStringAsync("/api/v1/leads/export?sort=name");
        var other = await TestWorkspace.CreateAsync(app);
        // the owner is a user of the first workspace only, so the copy goes in unassigned
        var result = await ImportAsync(other, csv.Replace(agentEmail, "", StringComparison.Ordinal), "skip");

        Assert.StartsWith("id,code,name,", csv, StringComparison.Ordinal);
        Assert.Equal((3, 0), (result.GetProperty("created").GetInt32(), result.GetProperty("errors").GetArrayLength()));
        var original = await ws.Admin.GetFromJsonAsync<JsonElement>("/api/v1/leads?sort=name&q=hannah");
        var copy = await other.Admin.GetFromJsonAsync<JsonElement>("/api/v1/leads?sort=name&q=hannah");
        foreach (var field in new[] { "name", "company", "email", "phoneE164", "score", "source", "gender", "dateOfBirth", "accountType" })
            Assert.Equal(original.GetProperty("items")[0].GetProperty(field).ToString(), copy.GetProperty("items")[0].GetProperty(field).ToString());
        Assert.Equal(original.GetProperty("items")[0].GetProperty("address").ToString(), copy.GetProperty("items")[0].GetProperty("address").ToString());
    }

    private static async Task<JsonElement> ImportAsync(TestWorkspace ws, string csv, string policy)
    {
        var response = await ws.Admin.PostAsync($"/api/v1/leads/import?onDuplicate={policy}", new StringContent(csv, Encoding.UTF8, "text/csv"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }
}

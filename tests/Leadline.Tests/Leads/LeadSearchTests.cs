using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Leadline.Common.Live;
using Leadline.Leads;
using Leadline.Tests.TestInfrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Leadline.Tests.Leads;

/// <summary>
/// The list's search (q) through its indexes (a trigram GIN index on PostgreSQL, an FTS5 trigram table kept by triggers
/// on SQLite), and the CSV import's bulk path.
/// </summary>
public sealed class LeadSearchTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task Search_finds_part_of_a_name_company_email_or_phone(Db db)
    {
        var ws = await TestWorkspace.CreateAsync(await fixture.For(db));
        var c = ws.Admin;
        await c.CreateLeadAsync(new { name = "Margaret Hamilton", company = "Apollo Guidance", email = "mh@mit-labs.example", phone = "+1 617 253 1000" });
        await c.CreateLeadAsync(new { name = "Katherine Johnson", company = "NASA Langley", mobile = "+44 20 7946 0958" });
        await c.CreateLeadAsync(new { name = "Dorothy \"Dot\" Vaughan", company = "50% Off Ltd" });

        Assert.Equal(["Margaret Hamilton"], await c.LeadNamesAsync("q=hamil"));              // part of a name, any case
        Assert.Equal(["Margaret Hamilton"], await c.LeadNamesAsync("q=GUIDANCE"));           // company
        Assert.Equal(["Margaret Hamilton"], await c.LeadNamesAsync("q=mit-labs"));           // middle of an e-mail
        Assert.Equal(["Margaret Hamilton"], await c.LeadNamesAsync("q=MH%40mit-labs.example")); // a whole e-mail address, any case
        Assert.Equal(["Margaret Hamilton"], await c.LeadNamesAsync("q=mh%40mit"));           // the beginning of one
        Assert.Empty(await c.LeadNamesAsync("q=mh%40mit-labs.examplex"));
        Assert.Equal(["Margaret Hamilton"], await c.LeadNamesAsync("q=253%201000"));         // phone digits as typed
        Assert.Equal(["Katherine Johnson"], await c.LeadNamesAsync("q=7946-0958"));          // mobile
        Assert.Equal(["Katherine Johnson"], await c.LeadNamesAsync("q=katherine%20jo"));     // a whole word, then the start of the next
        Assert.Equal(["Dorothy \"Dot\" Vaughan"], await c.LeadNamesAsync("q=%22Dot%22"));    // quotes are text, not syntax
        Assert.Equal(["Dorothy \"Dot\" Vaughan"], await c.LeadNamesAsync("q=50%25"));        // so is %
        Assert.Equal(["Dorothy \"Dot\" Vaughan", "Margaret Hamilton"], (await c.LeadNamesAsync("q=ha")).Order(StringComparer.Ordinal));   // 2 letters: no trigram, still found
        Assert.Empty(await c.LeadNamesAsync("q=zzzq"));
        var other = await TestWorkspace.CreateAsync(ws.App);
        Assert.Empty(await other.Admin.LeadNamesAsync("q=hamil"));                         // the index spans workspaces; the list does not
        Assert.Empty(await other.Admin.LeadNamesAsync("q=mh%40mit"));
    }

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task A_common_search_word_pages_in_the_same_order_as_a_rare_one(Db db)
    {
        // more hits than LeadQueries.CommonSearchHits: on SQLite a page then walks the order's index instead of sorting the hits
        var ws = await TestWorkspace.CreateAsync(await fixture.For(db));
        var csv = new StringBuilder("name,score\n");
        for (var i = 1; i <= LeadQueries.CommonSearchHits + 150; i++)
            csv.Append(System.Globalization.CultureInfo.InvariantCulture, $"Commonword Person {i},{i * 37 % 101}\n");
        csv.Append("Other Person,50\n");
        var import = await ws.Admin.PostAsync("/api/v1/leads/import?onDuplicate=create", new StringContent(csv.ToString(), Encoding.UTF8, "text/csv"));
        Assert.Equal(HttpStatusCode.OK, import.StatusCode);
        var archived = (await ws.Admin.GetFromJsonAsync<JsonElement>("/api/v1/leads?q=commonword&limit=1")).GetProperty("items")[0].GetProperty("id").GetInt32();
        Assert.True((await ws.Admin.DeleteAsync($"/api/v1/leads/{archived}")).IsSuccessStatusCode);

        foreach (var (sort, expectedOrder) in new (string, Func<IEnumerable<JsonElement>, IEnumerable<JsonElement>>)[]
                 {
                     ("-created", all => all.OrderByDescending(l => l.GetProperty("createdAt").GetDateTime()).ThenByDescending(l => l.GetProperty("id").GetInt32())),
                     ("-score", all => all.OrderByDescending(l => l.GetProperty("score").GetInt32()).ThenByDescending(l => l.GetProperty("id").GetInt32())),
                     ("name", all => all.OrderBy(l => l.GetProperty("name").GetString(), StringComparer.Ordinal).ThenBy(l => l.GetProperty("id").GetInt32())),
                 })
        {
            var pages = new List<int>();
            string? cursor = null;
            for (var page = 0; page < 3; page++)
            {
                var body = await ws.Admin.GetFromJsonAsync<JsonElement>($"/api/v1/leads?q=commonword&sort={sort}&limit=100" + (cursor is null ? "" : $"&cursor={cursor}"));
                pages.AddRange(body.GetProperty("items").EnumerateArray().Select(l => l.GetProperty("id").GetInt32()));
                cursor = body.GetProperty("nextCursor").GetString();
            }
            // every lead of the workspace, ordered here: the search's first 300 must be the first 300 of these that match
            var everyLead = new List<JsonElement>();
            cursor = null;
            do
            {
                var body = await ws.Admin.GetFromJsonAsync<JsonElement>("/api/v1/leads?limit=200" + (cursor is null ? "" : $"&cursor={cursor}"));
                everyLead.AddRange(body.GetProperty("items").EnumerateArray());
                cursor = body.GetProperty("nextCursor").GetString();
            }
            while (cursor is not null);
            var expected = expectedOrder(everyLead.Where(l => l.GetProperty("name").GetString()!.StartsWith("Commonword", StringComparison.Ordinal)))
                .Select(l => l.GetProperty("id").GetInt32()).Take(300);
            Assert.Equal(expected, pages);
            Assert.DoesNotContain(archived, pages);
        }
        var total = await ws.Admin.GetFromJsonAsync<JsonElement>("/api/v1/leads?q=commonword&limit=1");
        Assert.Equal(LeadQueries.CommonSearchHits + 149, total.GetProperty("total").GetInt32());
    }

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task Search_follows_edits_and_deletions(Db db)
    {
        var ws = await TestWorkspace.CreateAsync(await fixture.For(db));
        var id = (await ws.Admin.CreateLeadAsync(new { name = "Ada Byron", company = "Analytical" })).GetProperty("id").GetInt32();

        var get = await ws.Admin.GetAsync($"/api/v1/leads/{id}");
        var patch = new HttpRequestMessage(HttpMethod.Patch, $"/api/v1/leads/{id}") { Content = JsonContent.Create(new { name = "Ada Lovelace", score = 80 }) };
        patch.Headers.TryAddWithoutValidation("If-Match", get.Headers.ETag!.ToString());
        Assert.Equal(HttpStatusCode.OK, (await ws.Admin.SendAsync(patch)).StatusCode);

        Assert.Equal(["Ada Lovelace"], await ws.Admin.LeadNamesAsync("q=lovelace"));
        Assert.Empty(await ws.Admin.LeadNamesAsync("q=byron"));
        Assert.Equal(["Ada Lovelace"], await ws.Admin.LeadNamesAsync("q=analytic"));   // an unchanged column is still found

        await using (var scope = ws.Scope(out var leadlineDb))
            await leadlineDb.Leads.Where(l => l.Id == id).ExecuteDeleteAsync();   // a hard delete (workspace removal, say)
        Assert.Empty(await ws.Admin.LeadNamesAsync("q=lovelace"));
    }

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task Bulk_import_writes_every_row_with_its_history_and_one_live_event_per_batch(Db db)
    {
        var app = await fixture.For(db);
        var ws = await TestWorkspace.CreateAsync(app);
        var typedBefore = (await ws.Admin.CreateLeadAsync(new { name = "Person Bulk 7", email = "Row7@Bulk.example" })).GetProperty("id").GetInt32();   // row 7, typed otherwise
        var csv = new StringBuilder("name,email,phone,code\n");
        for (var i = 1; i <= 20_500; i++)   // three batches of 10,000 rows: each is checked while the one before is written
            csv.Append(System.Globalization.CultureInfo.InvariantCulture, $"Bulk Person {i},row{i}@bulk.example,+1 646 55{i / 10000:0} {i % 10000:0000},{(i == 10 ? "B-10" : "")}\n");
        csv.Append("Bad Phone,bad@bulk.example,not a phone,\n");
        csv.Append("Second Ten,ten2@bulk.example,,B-10\n");   // the code of row 11, in the third batch, checked while the second is written
        csv.Append("Bulk Person 5,ROW5@bulk.example,,\n");   // row 6 again, in the third batch: the first row wins
        var events = new List<string>();
        using var listening = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var subscribed = new TaskCompletionSource();
        var listener = Task.Run(async () =>
        {
            await foreach (var item in app.Services.GetRequiredService<LiveEvents>().SubscribeAsync(ws.Id, listening.Token))
            {
                if (item.EventType == "connected")
                    subscribed.TrySetResult();
                // on PostgreSQL the event of the lead created above may arrive late, after the subscription: not the import's
                else if (item.EventType == "leads-changed" && item.Data != typedBefore.ToString(System.Globalization.CultureInfo.InvariantCulture))
                    lock (events)
                        events.Add(item.Data);
            }
        });
        await subscribed.Task;

        var response = await ws.Admin.PostAsync("/api/v1/leads/import?onDuplicate=skip", new StringContent(csv.ToString(), Encoding.UTF8, "text/csv"));
        var result = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal((20_499, 0, 2), (result.GetProperty("created").GetInt32(), result.GetProperty("updated").GetInt32(), result.GetProperty("skipped").GetInt32()));
        Assert.Equal([20_502L, 20_503L], result.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("row").GetInt64()));
        Assert.Contains("B-10", result.GetProperty("errors")[1].GetProperty("message").GetString(), StringComparison.Ordinal);
        await using (var scope = ws.Scope(out var leadlineDb))
        {
            var imported = leadlineDb.Leads.Where(l => l.Source == LeadSource.Import);
            Assert.Equal(20_499, await imported.CountAsync());
            Assert.Equal(20_499, await leadlineDb.LeadHistory.CountAsync(h => h.Field == "created" && imported.Any(l => l.Id == h.LeadId)));
            Assert.Equal(20_499, await imported.Select(l => l.Position).Distinct().CountAsync());   // each appended below the last
            Assert.Equal(20_499, await leadlineDb.LeadMatchKeys.Where(k => imported.Any(l => l.Id == k.LeadId)).Select(k => k.LeadId).Distinct().CountAsync());
            var row = await imported.SingleAsync(l => l.EmailNormalized == "row42@bulk.example");
            Assert.Equal(("+16465500042", true, 0), (row.PhoneE164, row.HasContactInfo, row.Version));
            Assert.Equal(ws.App.Clock.GetUtcNow().UtcDateTime, row.CreatedAt);
            var history = await leadlineDb.LeadHistory.SingleAsync(h => h.LeadId == row.Id);
            Assert.Equal(("created", "Bulk Person 42"), (history.Field, history.To));
            Assert.NotNull(history.UserId);   // the admin who imported, as the interceptor would record
        }
        Assert.Equal(["Bulk Person 14321"], await ws.Admin.LeadNamesAsync("q=person%2014321"));   // in the search index too
        int Heard()
        {
            lock (events)
                return events.Count;
        }
        for (var waited = 0; waited < 100 && Heard() < 1; waited++)
            await Task.Delay(100);
        await Task.Delay(300);
        await listening.CancelAsync();
        try
        {
            await listener;
        }
        catch (OperationCanceledException)
        {
            // the subscription may end either way when cancelled
        }
        Assert.InRange(Heard(), 1, 3);   // one per batch (10,000 rows), not one per lead
    }

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task Updates_in_a_later_batch_wait_for_the_batch_being_written_and_keep_their_history(Db db)
    {
        var ws = await TestWorkspace.CreateAsync(await fixture.For(db));
        var existing = new List<int>();
        foreach (var who in new[] { "Uma", "Ulf", "Una" })
            existing.Add((await ws.Admin.CreateLeadAsync(new { name = $"{who} Update", email = $"{who.ToLowerInvariant()}@update.example", company = "Old Co" })).GetProperty("id").GetInt32());
        var csv = new StringBuilder("name,email,company\n");
        for (var i = 1; i <= 10_000; i++)   // the first batch: new leads, written while the second is checked
            csv.Append(System.Globalization.CultureInfo.InvariantCulture, $"New Person {i},new{i}@update.example,New Co\n");
        foreach (var who in new[] { "Uma", "Ulf", "Una" })   // the second batch: the leads above, to update
            csv.Append(System.Globalization.CultureInfo.InvariantCulture, $"{who} Update,{who.ToLowerInvariant()}@update.example,Moved Co\n");
        csv.Append("Last New,last@update.example,New Co\n");

        var response = await ws.Admin.PostAsync("/api/v1/leads/import?onDuplicate=update", new StringContent(csv.ToString(), Encoding.UTF8, "text/csv"));
        var result = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal((10_001, 3, 0), (result.GetProperty("created").GetInt32(), result.GetProperty("updated").GetInt32(), result.GetProperty("skipped").GetInt32()));
        Assert.Empty(result.GetProperty("errors").EnumerateArray());
        Assert.Equal(["Ulf Update", "Uma Update", "Una Update"], await ws.Admin.LeadNamesAsync("company=Moved%20Co&sort=name"));
        foreach (var id in existing)
        {
            var history = await ws.Admin.GetFromJsonAsync<JsonElement>($"/api/v1/leads/{id}/history");
            var change = history.GetProperty("items").EnumerateArray().Single(h => h.GetProperty("field").GetString() == "company");
            Assert.Equal(("Old Co", "Moved Co"), (change.GetProperty("from").GetString(), change.GetProperty("to").GetString()));
        }
        await using var scope = ws.Scope(out var leadlineDb);
        Assert.Equal(10_004, await leadlineDb.Leads.CountAsync());
    }

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task Totals_are_exact_up_to_the_cap_and_flagged_above_it(Db db)
    {
        var ws = await TestWorkspace.CreateAsync(await fixture.For(db));
        int hot;
        await using (var scope = ws.Scope(out var leadlineDb))
        {
            await scope.ServiceProvider.GetRequiredService<DemoSeeder>().SeedAsync(LeadQueries.TotalCap + 50, TextWriter.Null, CancellationToken.None);
            hot = await leadlineDb.Leads.CountAsync(l => l.Score >= LeadFilter.HotScore);
        }

        var all = await ws.Admin.GetFromJsonAsync<JsonElement>("/api/v1/leads?limit=1");
        var onlyHot = await ws.Admin.GetFromJsonAsync<JsonElement>("/api/v1/leads?limit=1&hot=true");

        Assert.Equal((LeadQueries.TotalCap, true), (all.GetProperty("total").GetInt32(), all.GetProperty("totalCapped").GetBoolean()));
        Assert.Equal((hot, false), (onlyHot.GetProperty("total").GetInt32(), onlyHot.GetProperty("totalCapped").GetBoolean()));
    }
}

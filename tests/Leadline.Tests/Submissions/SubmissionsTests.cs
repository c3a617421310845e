using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Leadline.Common.Files;
using Leadline.Submissions;
using Leadline.Tests.TestInfrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Leadline.Tests.Submissions;

public sealed class SubmissionsTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    private static async Task<JsonElement> CreateAsync(HttpClient client, int lead, object body)
    {
        var response = await client.PostAsJsonAsync($"/api/v1/leads/{lead}/submissions", body);
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private static async Task SaveFieldsAsync(HttpClient browser, string flow, string fields)
    {
        var page = await browser.GetStringAsync("/settings/submissions");
        var response = await browser.PostAsync("/settings/submissions", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = CookieBrowser.AntiforgeryToken(page), ["flow"] = flow, ["fields"] = fields,
        }));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
    }

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task An_api_submission_is_mapped_by_its_flow_s_labels_listed_for_review_and_decided_once(Db db)
    {
        var app = await fixture.For(db);
        var ws = await TestWorkspace.CreateAsync(app);
        var lead = (await ws.Admin.CreateLeadAsync(new { name = "Pia Payer" })).GetProperty("id").GetInt32();
        var created = await CreateAsync(ws.Admin, lead, new { flow = "payment_proof", data = new { transaction_id = "TX-778", amount = 250.5, payer = new { name = "Pia" } } });
        Assert.Equal("pending", created.GetProperty("status").GetString());
        Assert.Equal(lead, created.GetProperty("leadId").GetInt32());
        Assert.Equal("TX-778", created.GetProperty("data").GetProperty("transaction_id").GetString());
        Assert.Empty(created.GetProperty("mapped").EnumerateObject());
        var id = created.GetProperty("id").GetInt64();

        var browser = await CookieBrowser.SignInAsync(app, ws.AdminEmail);
        await SaveFieldsAsync(browser, "payment_proof", "$.transaction_id = TransactionID\n$.amount = Amount\n$.payer.name = Payer\n$.missing = Missing");

        var pending = await ws.Admin.GetFromJsonAsync<JsonElement>("/api/v1/submissions?status=pending");
        var item = Assert.Single(pending.GetProperty("items").EnumerateArray());
        var mapped = item.GetProperty("mapped");
        Assert.Equal("TX-778", mapped.GetProperty("TransactionID").GetString());
        Assert.Equal("250.5", mapped.GetProperty("Amount").GetString());
        Assert.Equal("Pia", mapped.GetProperty("Payer").GetString());
        Assert.Equal(JsonValueKind.Null, mapped.GetProperty("Missing").ValueKind);
        Assert.Empty((await ws.Admin.GetFromJsonAsync<JsonElement>("/api/v1/submissions?status=approved")).GetProperty("items").EnumerateArray());

        // who may see what
        var (_, _, agent) = await ws.AddUserAsync("Agent");
        var (_, _, manager) = await ws.AddUserAsync("Manager", "Mia Manager");
        Assert.Equal(HttpStatusCode.Forbidden, (await agent.GetAsync("/api/v1/submissions")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await agent.PostAsJsonAsync($"/api/v1/submissions/{id}/approve", new { note = "x" })).StatusCode);
        Assert.Single((await agent.GetFromJsonAsync<JsonElement>($"/api/v1/leads/{lead}/submissions")).GetProperty("items").EnumerateArray());
        var other = await TestWorkspace.CreateAsync(app);
        Assert.Equal(HttpStatusCode.NotFound, (await other.Admin.GetAsync($"/api/v1/leads/{lead}/submissions")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.Admin.PostAsJsonAsync($"/api/v1/submissions/{id}/approve", new { note = "x" })).StatusCode);
        Assert.Empty((await other.Admin.GetFromJsonAsync<JsonElement>("/api/v1/submissions")).GetProperty("items").EnumerateArray());

        // decided once: the manager approves, nobody decides again
        var approved = await manager.PostAsJsonAsync($"/api/v1/submissions/{id}/approve", new { note = "Matches the bank statement" });
        Assert.Equal(HttpStatusCode.OK, approved.StatusCode);
        var body = await approved.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("approved", body.GetProperty("status").GetString());
        Assert.Equal("Mia Manager", body.GetProperty("reviewedBy").GetString());
        Assert.Equal(app.Clock.GetUtcNow().UtcDateTime, body.GetProperty("reviewedAt").GetDateTime().ToUniversalTime());
        Assert.Equal(HttpStatusCode.Conflict, (await ws.Admin.PostAsJsonAsync($"/api/v1/submissions/{id}/reject", new { note = "no" })).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await ws.Admin.PostAsJsonAsync($"/api/v1/submissions/{id}/approve", new { })).StatusCode);
        var again = Assert.Single((await ws.Admin.GetFromJsonAsync<JsonElement>("/api/v1/submissions?status=approved")).GetProperty("items").EnumerateArray());
        Assert.Equal("Matches the bank statement", again.GetProperty("note").GetString());
        var notes = (await ws.Admin.GetFromJsonAsync<JsonElement>($"/api/v1/leads/{lead}/notes")).GetProperty("items").EnumerateArray().ToList();
        Assert.Contains(notes, n => n.GetProperty("text").GetString() == $"Approved the \"payment_proof\" submission #{id}: Matches the bank statement");
    }

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task Bad_submissions_and_filters_are_refused_naming_the_field(Db db)
    {
        var ws = await TestWorkspace.CreateAsync(await fixture.For(db));
        var lead = (await ws.Admin.CreateLeadAsync(new { name = "Bad Input" })).GetProperty("id").GetInt32();
        Assert.True((await (await ws.Admin.PostAsJsonAsync($"/api/v1/leads/{lead}/submissions", new { data = new { a = 1 } })).ErrorsAsync()).TryGetProperty("flow", out _));
        Assert.True((await (await ws.Admin.PostAsJsonAsync($"/api/v1/leads/{lead}/submissions", new { flow = "f", data = new[] { 1 } })).ErrorsAsync()).TryGetProperty("data", out _));
        Assert.True((await (await ws.Admin.PostAsJsonAsync($"/api/v1/leads/{lead}/submissions", new { flow = "f" })).ErrorsAsync()).TryGetProperty("data", out _));
        Assert.True((await (await ws.Admin.GetAsync("/api/v1/submissions?status=maybe")).ErrorsAsync()).TryGetProperty("status", out _));
        Assert.Equal(HttpStatusCode.NotFound, (await ws.Admin.PostAsJsonAsync($"/api/v1/leads/{lead + 100000}/submissions", new { flow = "f", data = new { } })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await ws.Admin.PostAsJsonAsync("/api/v1/submissions/999999/approve", new { })).StatusCode);
    }

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task The_review_queue_shows_mapped_fields_and_thumbnails_and_approves_with_a_note(Db db)
    {
        var app = await fixture.For(db);
        var ws = await TestWorkspace.CreateAsync(app);
        var lead = (await ws.Admin.CreateLeadAsync(new { name = "Tom Thumb" })).GetProperty("id").GetInt32();
        var browser = await CookieBrowser.SignInAsync(app, ws.AdminEmail);
        await SaveFieldsAsync(browser, "payment_proof", "$.transaction_id = TransactionID");
        long id;
        await using (var scope = ws.Scope(out var data))
        {
            var key = $"submissions/{ws.Id}/{Guid.NewGuid():N}";
            await scope.ServiceProvider.GetRequiredService<IFileStorage>().SaveAsync(key, new MemoryStream(Conversations.ConversationSeed.Png), CancellationToken.None);
            var s = new Submission
            {
                WorkspaceId = ws.Id, LeadId = lead, Flow = "payment_proof", Data = """{"transaction_id":"TX-9"}""",
                Files = $$"""[{"name":"receipt.png","key":"{{key}}","mimeType":"image/png"}]""", Status = SubmissionStatus.Pending,
                CreatedAt = app.Clock.GetUtcNow().UtcDateTime, UpdatedAt = app.Clock.GetUtcNow().UtcDateTime,
            };
            data.Submissions.Add(s);
            await data.SaveChangesAsync();
            id = s.Id;
        }

        var queue = WebUtility.HtmlDecode(await browser.GetStringAsync("/submissions"));
        Assert.Matches($@"data-submission-id=""{id}""[\s\S]*?TransactionID</dt>\s*<dd[^>]*>TX-9</dd>[\s\S]*?<img src=""/submissions/{id}/files/0""", queue);
        var file = await browser.GetAsync($"/submissions/{id}/files/0");
        Assert.Equal("image/png", file.Content.Headers.ContentType?.MediaType);
        Assert.Equal(Conversations.ConversationSeed.Png, await file.Content.ReadAsByteArrayAsync());
        var api = Assert.Single((await ws.Admin.GetFromJsonAsync<JsonElement>($"/api/v1/leads/{lead}/submissions")).GetProperty("items").EnumerateArray());
        var url = api.GetProperty("files")[0].GetProperty("url").GetString()!;
        Assert.Equal(Conversations.ConversationSeed.Png, await ws.Admin.GetByteArrayAsync(url));
        var other = await TestWorkspace.CreateAsync(app);
        Assert.Equal(HttpStatusCode.NotFound, (await other.Admin.GetAsync(url)).StatusCode);

        var post = await browser.PostAsync($"/submissions/{id}/review", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = CookieBrowser.AntiforgeryToken(queue), ["decision"] = "reject", ["note"] = "Blurry photo",
        }));
        Assert.Equal(HttpStatusCode.Redirect, post.StatusCode);
        var rejected = WebUtility.HtmlDecode(await browser.GetStringAsync("/submissions?status=rejected"));
        Assert.Contains("Rejected by Ada Admin", rejected);
        Assert.Contains("Blurry photo", rejected);
        Assert.Contains("Nothing waiting for review.", await browser.GetStringAsync("/submissions"));
        var leadPage = await browser.GetAsync($"/leads/{lead}");
        Assert.True(leadPage.IsSuccessStatusCode, string.Join("\n", app.Logs.Where(l => l.Contains("xception")).Take(3)));
        Assert.Contains("id=\"lead-submissions\"", await leadPage.Content.ReadAsStringAsync());
    }
}

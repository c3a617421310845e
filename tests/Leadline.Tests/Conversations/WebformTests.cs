using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Leadline.Channels;
using Leadline.Conversations;
using Leadline.Conversations.Inbound;
using Leadline.Leads;
using Leadline.Tests.TestInfrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Leadline.Tests.Conversations;

/// <summary>One app per database kind for the web form tests: the delivery worker off (the tests process), a generous rate limit.</summary>
public sealed class WebformFixture : IAsyncLifetime
{
    private readonly Dictionary<Db, Task<LeadlineApp>> _apps = [];
    private readonly Lock _lock = new();

    public Task<LeadlineApp> For(Db db)
    {
        lock (_lock)
        {
            if (!_apps.TryGetValue(db, out var app))
                _apps[db] = app = LeadlineApp.StartAsync(db, new Dictionary<string, string?>
                {
                    ["Leadline:Webhooks:Enabled"] = "false",
                    ["Leadline:Webform:RateLimit:PermitLimit"] = "100000",
                });
            return app;
        }
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var app in _apps.Values)
        {
            if (app.IsCompletedSuccessfully)
                await (await app).DisposeAsync();
        }
    }
}

public sealed class WebformTests(WebformFixture fixture) : IClassFixture<WebformFixture>
{
    private sealed record Form(TestWorkspace Workspace, int ChannelId, string Key)
    {
        public HttpClient Client { get; } = Workspace.App.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        public Task<HttpResponseMessage> PostJsonAsync(object body, string? origin = null)
        {
            var request = new HttpRequestMessage(HttpMethod.Post, $"/f/{Key}") { Content = JsonContent.Create(body) };
            if (origin is not null)
                request.Headers.Add("Origin", origin);
            return Client.SendAsync(request);
        }

        public Task<HttpResponseMessage> PostFormAsync(params (string Key, string Value)[] fields) =>
            Client.PostAsync($"/f/{Key}", new FormUrlEncodedContent(fields.Select(f => KeyValuePair.Create(f.Key, f.Value))));

        public Task<int> ProcessAsync() => Workspace.App.Services.GetRequiredService<WebhookDeliveryProcessor>().RunAllAsync(CancellationToken.None);
    }

    private static async Task<Form> CreateAsync(LeadlineApp app, object? settings = null)
    {
        var ws = await TestWorkspace.CreateAsync(app);
        var response = await ws.Admin.PostAsJsonAsync("/api/v1/channels", new
        {
            kind = "webform", name = "Website",
            settings = settings ?? new { allowedOrigins = new[] { "https://www.example.com" }, thankYou = "Thanks, we will call you back." },
        });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var channel = await response.Content.ReadFromJsonAsync<JsonElement>();
        var key = channel.GetProperty("publicKey").GetString()!;
        Assert.EndsWith($"/f/{key}", channel.GetProperty("webhookUrl").GetString(), StringComparison.Ordinal);
        return new Form(ws, channel.GetProperty("id").GetInt32(), key);
    }

    private static async Task<List<Message>> MessagesAsync(Form form)
    {
        await using var scope = form.Workspace.Scope(out var db);
        return await db.Messages.AsNoTracking().Where(m => m.ChannelId == form.ChannelId).OrderBy(m => m.Id).ToListAsync();
    }

    private static async Task<Lead> LeadAsync(Form form, int id)
    {
        await using var scope = form.Workspace.Scope(out var db);
        return await db.Leads.AsNoTracking().SingleAsync(l => l.Id == id);
    }

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task A_json_submission_makes_a_webform_lead_whose_enquiry_is_the_message(Db db)
    {
        var form = await CreateAsync(await fixture.For(db));
        var response = await form.PostJsonAsync(new
        {
            name = "Sam Field", email = "Sam.Field@example.org", phone = "+44 7700 900123", message = "Boiler broken, can you come Thursday?",
            pageUrl = "https://www.example.com/contact?utm_source=google&utm_campaign=winter", idempotencyKey = "click-0001-abcdef",
        });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var answer = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Thanks, we will call you back.", answer.GetProperty("message").GetString());
        // a double click sends the same idempotency key: one submission
        Assert.Equal(HttpStatusCode.Created, (await form.PostJsonAsync(new
        {
            name = "Sam Field", email = "Sam.Field@example.org", phone = "+44 7700 900123", message = "Boiler broken, can you come Thursday?",
            pageUrl = "https://www.example.com/contact?utm_source=google&utm_campaign=winter", idempotencyKey = "click-0001-abcdef",
        })).StatusCode);
        Assert.Equal(2, await form.ProcessAsync());

        var message = Assert.Single(await MessagesAsync(form));
        Assert.Equal(MessageDirection.Inbound, message.Direction);
        Assert.Equal("Boiler broken, can you come Thursday?", message.Text);
        Assert.Equal("form:click-0001-abcdef", message.ProviderMessageId);
        Assert.Contains("utm_campaign", message.Payload, StringComparison.Ordinal);
        var lead = await LeadAsync(form, message.LeadId);
        Assert.Equal(LeadIntakeMode.Webform, lead.IntakeMode);
        Assert.Equal(LeadSource.WebForm, lead.Source);
        Assert.Equal("Sam Field", lead.Name);
        Assert.Equal("Boiler broken, can you come Thursday?", lead.Enquiry);
        Assert.Equal("+447700900123", lead.PhoneE164);
        Assert.Equal("utm_source=google · utm_campaign=winter · https://www.example.com/contact?utm_source=google&utm_campaign=winter", lead.SourceDetail);

        // through the API as well (what the contract reads)
        var api = await form.Workspace.Admin.GetFromJsonAsync<JsonElement>($"/api/v1/leads/{lead.Id}");
        Assert.Equal("webform", api.GetProperty("intakeMode").GetString());
        Assert.Equal("Boiler broken, can you come Thursday?", api.GetProperty("enquiry").GetString());
    }

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task A_submission_lands_on_the_lead_that_has_the_address_or_number(Db db)
    {
        var form = await CreateAsync(await fixture.For(db));
        var byMail = (await form.Workspace.Admin.CreateLeadAsync(new { name = "Ada Known", email = "ada.known@example.org" })).GetProperty("id").GetInt32();
        var byPhone = (await form.Workspace.Admin.CreateLeadAsync(new { name = "Bo Known", phone = "+49 30 901820" })).GetProperty("id").GetInt32();

        Assert.Equal(HttpStatusCode.Created, (await form.PostJsonAsync(new { name = "Ada", email = "ADA.KNOWN@example.org", message = "Second question" })).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await form.PostJsonAsync(new { name = "Bo", phone = "030 901820", message = "Call me" })).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await form.PostJsonAsync(new { name = "Ada again", email = "ada.known@example.org", message = "Third" })).StatusCode);
        Assert.Equal(3, await form.ProcessAsync());

        // processed in parallel: by text, not by order
        var messages = (await MessagesAsync(form)).ToDictionary(m => m.Text!, m => m.LeadId);
        Assert.Equal(byMail, messages["Second question"]);
        Assert.Equal(byPhone, messages["Call me"]);
        Assert.Equal(byMail, messages["Third"]);
        await using var scope = form.Workspace.Scope(out var data);
        Assert.Equal(2, await data.Leads.CountAsync());
        Assert.Equal("Ada Known", (await LeadAsync(form, byMail)).Name);   // the form does not rename a known lead
    }

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task A_filled_honeypot_is_answered_like_a_success_and_nothing_is_kept(Db db)
    {
        var form = await CreateAsync(await fixture.For(db));
        var json = await form.PostJsonAsync(new { name = "Spam Bot", email = "bot@spam.example", message = "buy", website2 = "http://spam" });
        Assert.Equal(HttpStatusCode.Created, json.StatusCode);
        var answer = await json.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("received", answer.GetProperty("status").GetString());
        Assert.Equal("Thanks, we will call you back.", answer.GetProperty("message").GetString());
        var page = await form.PostFormAsync(("name", "Spam Bot"), ("email", "bot@spam.example"), ("message", "buy"), ("website2", "x"));
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("Thanks, we will call you back.", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        await form.ProcessAsync();
        await using var scope = form.Workspace.Scope(out var data);
        Assert.Equal(0, await data.WebhookDeliveries.CountAsync());
        Assert.Equal(0, await data.Leads.CountAsync());
    }

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task A_plain_form_post_gets_the_thank_you_page_and_errors_come_back_on_the_form(Db db)
    {
        var form = await CreateAsync(await fixture.For(db));
        var shown = await form.Client.GetAsync($"/f/{form.Key}?utm_source=newsletter");
        Assert.Equal(HttpStatusCode.OK, shown.StatusCode);
        var html = await shown.Content.ReadAsStringAsync();
        Assert.Contains("name=\"website2\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);

        var missing = await form.PostFormAsync(("name", "Kim"), ("email", "not-an-address"), ("message", ""));
        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
        var again = await missing.Content.ReadAsStringAsync();
        Assert.Contains("Enter a valid e-mail address", again, StringComparison.Ordinal);
        Assert.Contains("Message is required.", again, StringComparison.Ordinal);
        Assert.Contains("value=\"Kim\"", again, StringComparison.Ordinal);   // what was typed stays
        var problem = await form.PostJsonAsync(new { name = "Kim", email = "kim@example.org" });
        Assert.Equal(HttpStatusCode.BadRequest, problem.StatusCode);
        Assert.True((await problem.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("message", out _));

        var sent = await form.PostFormAsync(("name", "Kim"), ("email", "kim@example.org"), ("message", "Quote for a roof"),
            ("pageUrl", $"http://localhost/f/{form.Key}?utm_source=newsletter"));
        Assert.Equal(HttpStatusCode.OK, sent.StatusCode);
        Assert.Contains("Thanks, we will call you back.", await sent.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(1, await form.ProcessAsync());
        var lead = await LeadAsync(form, Assert.Single(await MessagesAsync(form)).LeadId);
        Assert.StartsWith("utm_source=newsletter", lead.SourceDetail, StringComparison.Ordinal);
    }

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task No_html_is_kept_and_a_phone_that_is_no_number_stays_in_the_message(Db db)
    {
        var form = await CreateAsync(await fixture.For(db));
        Assert.Equal(HttpStatusCode.Created, (await form.PostJsonAsync(new
        {
            name = "<b>Eve</b> <script>alert(1)</script>Hacker", email = "eve@example.org", phone = "call me maybe",
            message = "Hello<br>I need <a href=\"http://x\">help</a> &lt;img src=x onerror=alert(1)&gt; now",
        })).StatusCode);
        Assert.Equal(1, await form.ProcessAsync());
        var message = Assert.Single(await MessagesAsync(form));
        Assert.DoesNotContain("<", message.Text, StringComparison.Ordinal);
        Assert.StartsWith("Hello\nI need help", message.Text, StringComparison.Ordinal);
        var lead = await LeadAsync(form, message.LeadId);
        Assert.Equal("Eve Hacker", lead.Name);
        Assert.DoesNotContain("alert", lead.Name, StringComparison.Ordinal);
        Assert.Null(lead.Phone);   // not a number: the lead rules refuse it, the enquiry is not lost for it
        Assert.Contains("call me maybe", message.Payload, StringComparison.Ordinal);

        // a number that does not normalise is kept as typed, unverified
        Assert.Equal(HttpStatusCode.Created, (await form.PostJsonAsync(new { name = "Short Number", phone = "+49 1", message = "Ring me" })).StatusCode);
        Assert.Equal(1, await form.ProcessAsync());
        var second = await LeadAsync(form, (await MessagesAsync(form)).Single(m => m.Text == "Ring me").LeadId);
        Assert.Equal("+49 1", second.Phone);
        Assert.False(second.PhoneVerified);
    }

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task Extra_fields_set_the_workspaces_custom_fields_or_stay_in_the_message(Db db)
    {
        var form = await CreateAsync(await fixture.For(db), new { fields = new object[] { "name", "email", new { key = "budget", label = "Budget", required = true }, "message" } });
        Assert.Equal(HttpStatusCode.Created, (await form.Workspace.Admin.PostAsJsonAsync("/api/v1/custom-fields", new { key = "budget", label = "Budget (EUR)", type = "number" })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await form.PostJsonAsync(new { name = "Al", email = "al@example.org", message = "Kitchen" })).StatusCode);   // budget is required on this form
        Assert.Equal(HttpStatusCode.Created, (await form.PostJsonAsync(new { name = "Al", email = "al@example.org", message = "Kitchen", budget = "12000", colour = "green" })).StatusCode);
        Assert.Equal(1, await form.ProcessAsync());
        var message = Assert.Single(await MessagesAsync(form));
        Assert.Equal("Kitchen\n\nBudget (EUR): 12000\ncolour: green", message.Text);
        var lead = await LeadAsync(form, message.LeadId);
        Assert.Equal(12000, JsonDocument.Parse(lead.CustomFields!).RootElement.GetProperty("budget").GetDouble());
    }

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task Unknown_or_inactive_keys_are_404_and_oversized_bodies_413(Db db)
    {
        var form = await CreateAsync(await fixture.For(db));
        var client = form.Client;
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/f/0000000000000000deadbeef")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.PostAsync("/f/0000000000000000deadbeef", JsonContent.Create(new { name = "x", message = "y", email = "a@b.example" }))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/f/0000000000000000deadbeef/widget.js")).StatusCode);

        var huge = await form.PostJsonAsync(new { name = "Big", email = "big@example.org", message = new string('x', 40_000) });
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, huge.StatusCode);
        var tooLong = await form.PostJsonAsync(new { name = new string('n', 300), email = "long@example.org", message = "hi" });
        Assert.Equal(HttpStatusCode.BadRequest, tooLong.StatusCode);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, (await client.PostAsync($"/f/{form.Key}", new StringContent("name=x", Encoding.UTF8, "text/plain"))).StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await form.Workspace.Admin.PatchAsJsonAsync($"/api/v1/channels/{form.ChannelId}", new { active = false })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await form.PostJsonAsync(new { name = "Late", email = "late@example.org", message = "hi" })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/f/{form.Key}")).StatusCode);
        Assert.Equal(0, await form.ProcessAsync());
    }

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task Only_the_allowed_origins_get_cors_headers_and_other_sites_cannot_post(Db db)
    {
        var form = await CreateAsync(await fixture.For(db));
        foreach (var (origin, allowed) in new[] { ("https://www.example.com", true), ("https://evil.example", false) })
        {
            var preflight = new HttpRequestMessage(HttpMethod.Options, $"/f/{form.Key}");
            preflight.Headers.Add("Origin", origin);
            preflight.Headers.Add("Access-Control-Request-Method", "POST");
            preflight.Headers.Add("Access-Control-Request-Headers", "content-type");
            var answer = await form.Client.SendAsync(preflight);
            Assert.True(answer.IsSuccessStatusCode, $"preflight {answer.StatusCode}");
            Assert.Equal(allowed, answer.Headers.TryGetValues("Access-Control-Allow-Origin", out var values) && values.Single() == origin);

            var post = await form.PostJsonAsync(new { name = "Cross Site", email = "cross@example.org", message = "hi" }, origin);
            Assert.Equal(allowed ? HttpStatusCode.Created : HttpStatusCode.Forbidden, post.StatusCode);
            Assert.Equal(allowed, post.Headers.Contains("Access-Control-Allow-Origin"));
        }
        var script = await form.Client.GetAsync($"/f/{form.Key}/widget.js");
        Assert.Equal(HttpStatusCode.OK, script.StatusCode);
        Assert.Equal("text/javascript", script.Content.Headers.ContentType?.MediaType);
        Assert.NotNull(script.Headers.ETag);
        Assert.Equal(TimeSpan.FromMinutes(5), script.Headers.CacheControl?.MaxAge);
        var js = await script.Content.ReadAsStringAsync();
        Assert.Contains($"/f/{form.Key}\"", js, StringComparison.Ordinal);
        Assert.DoesNotContain("/*CONFIG*/null", js, StringComparison.Ordinal);
    }

    [Fact]
    public void Settings_are_checked_and_text_is_made_plain()
    {
        Assert.Equal("https://www.example.com", Channels.Webform.WebformSettings.NormaliseOrigin("https://WWW.example.com:443/"));
        Assert.Equal("http://127.0.0.1:5123", Channels.Webform.WebformSettings.NormaliseOrigin("http://127.0.0.1:5123"));
        Assert.Null(Channels.Webform.WebformSettings.NormaliseOrigin("https://example.com/page"));
        Assert.Null(Channels.Webform.WebformSettings.NormaliseOrigin("javascript:alert(1)"));
        Assert.Equal("a\nb", Channels.Webform.WebformSubmission.StripTags("<p>a</p> <style>x{}</style>b"));
        Assert.Equal("one two", Channels.Webform.WebformSubmission.StripTags(" one \t two "));
        Assert.Null(Channels.Webform.WebformSubmission.StripTags("<script>alert(1)</script>"));
        Assert.Equal("2 < 3", Channels.Webform.WebformSubmission.StripTags("2 < 3"));
    }

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task Bad_settings_are_refused_naming_the_field(Db db)
    {
        var ws = await TestWorkspace.CreateAsync(await fixture.For(db));
        var response = await ws.Admin.PostAsJsonAsync("/api/v1/channels", new { kind = "webform", name = "Site", settings = new { allowedOrigins = new[] { "www.example.com/contact" } } });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("settings.allowedOrigins", out _));
    }
}

/// <summary>The per-address limit, on an app of its own (its window is not shared with the other tests).</summary>
public sealed class WebformRateLimitTests
{
    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task Too_many_submissions_from_one_address_get_429_with_retry_after(Db db)
    {
        await using var app = await LeadlineApp.StartAsync(db, new Dictionary<string, string?>
        {
            ["Leadline:Webhooks:Enabled"] = "false", ["Leadline:Webform:RateLimit:PermitLimit"] = "3", ["Leadline:Webform:RateLimit:WindowSeconds"] = "3600",
        });
        var ws = await TestWorkspace.CreateAsync(app);
        var created = await (await ws.Admin.PostAsJsonAsync("/api/v1/channels", new { kind = "webform", name = "Site", settings = new { } })).Content.ReadFromJsonAsync<JsonElement>();
        var key = created.GetProperty("publicKey").GetString();
        using var client = app.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        List<HttpStatusCode> statuses = [];
        for (var i = 0; i < 5; i++)
            statuses.Add((await client.PostAsJsonAsync($"/f/{key}", new { name = $"Visitor {i}", email = $"v{i}@example.org", message = "hi" })).StatusCode);
        Assert.Equal([HttpStatusCode.Created, HttpStatusCode.Created, HttpStatusCode.Created, HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests], statuses);
        var limited = await client.PostAsJsonAsync($"/f/{key}", new { name = "Again", email = "again@example.org", message = "hi" });
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.True(limited.Headers.RetryAfter?.Delta > TimeSpan.Zero);
        Assert.Equal("application/problem+json", limited.Content.Headers.ContentType?.MediaType);
        // showing the form is not limited
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/f/{key}")).StatusCode);
        await using var scope = ws.Scope(out var data);
        Assert.Equal(3, await data.WebhookDeliveries.CountAsync());
    }
}

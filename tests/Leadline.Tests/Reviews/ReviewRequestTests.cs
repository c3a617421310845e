using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Leadline.Tests.Outbox;
using Leadline.Tests.TestInfrastructure;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;

namespace Leadline.Tests.Reviews;

/// <summary>Job outcomes and review requests: eligibility, the WhatsApp template through the outbox, the tracked link, status moves.</summary>
public sealed class ReviewRequestTests
{
    private const string ReviewLink = "https://reviews.example.com/leave/acme";

    private static async Task SettingsAsync(HttpClient admin, bool auto = true, string? link = ReviewLink, int periodDays = 180)
    {
        var saved = await admin.PutAsJsonAsync("/api/v1/settings/reviews", new
        {
            reviewLink = link, periodDays, autoOnWon = auto, templateName = "review_request", templateLanguage = "en",
            templateParameters = "{{lead.name}}\n{{review.link}}",
        });
        Assert.True(saved.IsSuccessStatusCode, await saved.Content.ReadAsStringAsync());
    }

    private static async Task<HttpResponseMessage> OutcomeAsync(HttpClient client, int lead, string outcome) =>
        await client.PostAsJsonAsync($"/api/v1/leads/{lead}/outcome", new { outcome });

    private static async Task<string?> CodeAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString();
    }

    /// <summary>The tracked link in the template the fake Graph API received last.</summary>
    private static string SentLink(SendingHarness h)
    {
        var parameters = h.Graph.SentMessages[^1]["template"]!["components"]![0]!["parameters"]!.AsArray();
        return (string)parameters[1]!["text"]!;
    }

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task A_won_job_sends_the_review_template_whose_tracked_link_records_the_click_and_redirects(Db db)
    {
        await using var h = await SendingHarness.StartAsync(db);
        await SettingsAsync(h.Admin);
        var lead = await h.LeadAsync("Wong Ka Ming", "+85291234567");

        var marked = await OutcomeAsync(h.Admin, lead, "won");
        Assert.Equal(HttpStatusCode.OK, marked.StatusCode);
        var body = await marked.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("won", body.GetProperty("outcome").GetString());
        Assert.Equal("sent", body.GetProperty("reviewRequest").GetProperty("status").GetString());
        Assert.Equal(1, await h.DispatchAsync());

        var sent = Assert.Single(h.Graph.SentMessages);
        Assert.Equal("review_request", (string?)sent["template"]!["name"]);
        Assert.Equal("Wong Ka Ming", (string?)sent["template"]!["components"]![0]!["parameters"]![0]!["text"]);
        var link = SentLink(h);
        Assert.Matches(@"^http://localhost/r/[A-Za-z0-9_-]{22}$", link);

        // the customer clicks: no sign-in, a redirect to the review page, and the lead says clicked
        using var customer = h.App.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var click = await customer.GetAsync(new Uri(link).PathAndQuery);
        Assert.Equal(HttpStatusCode.Redirect, click.StatusCode);
        Assert.Equal(ReviewLink, click.Headers.Location?.OriginalString);
        var read = await h.Admin.GetFromJsonAsync<JsonElement>($"/api/v1/leads/{lead}");
        Assert.Equal("clicked", read.GetProperty("reviewRequest").GetProperty("status").GetString());
        Assert.Equal("won", read.GetProperty("jobOutcome").GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await customer.GetAsync("/r/" + new string('x', 22))).StatusCode);

        // completed by hand; never back
        var completed = await h.Admin.PatchAsJsonAsync($"/api/v1/leads/{lead}/review-request", new { status = "completed" });
        Assert.Equal(HttpStatusCode.OK, completed.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await h.Admin.PatchAsJsonAsync($"/api/v1/leads/{lead}/review-request", new { status = "clicked" })).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await customer.GetAsync(new Uri(link).PathAndQuery)).StatusCode);   // a second click still leads on
        read = await h.Admin.GetFromJsonAsync<JsonElement>($"/api/v1/leads/{lead}");
        Assert.Equal("completed", read.GetProperty("reviewRequest").GetProperty("status").GetString());

        var history = (await h.Admin.GetFromJsonAsync<JsonElement>($"/api/v1/leads/{lead}/history")).GetProperty("items").EnumerateArray()
            .Where(i => i.GetProperty("field").GetString() == "reviewRequestStatus")
            .Select(i => $"{i.GetProperty("from").GetString()}>{i.GetProperty("to").GetString()}").Order(StringComparer.Ordinal).ToList();
        Assert.Equal([">sent", "clicked>completed", "sent>clicked"], history);
    }

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task A_customer_is_asked_once_per_period_never_after_a_loss_or_no_show_and_only_with_a_review_link(Db db)
    {
        await using var h = await SendingHarness.StartAsync(db);
        var lead = await h.LeadAsync("Chan Tai Man", "+85291234567", extra: new { name = "Chan Tai Man", phone = "+85291234567", email = "chan@example.com" });

        // no review link: nothing is sent
        Assert.Equal("noReviewLink", await CodeAsync(await h.Admin.PostAsJsonAsync($"/api/v1/leads/{lead}/review-request", new { })));
        await SettingsAsync(h.Admin, auto: false, periodDays: 180);

        // a lost job, a no-show: never
        var lost = await h.LeadAsync("Lost Job", "+85291230000");
        Assert.Equal(HttpStatusCode.OK, (await OutcomeAsync(h.Admin, lost, "lost")).StatusCode);
        Assert.Equal("notEligible", await CodeAsync(await h.Admin.PostAsJsonAsync($"/api/v1/leads/{lost}/review-request", new { })));
        var noShow = await h.LeadAsync("No Show", "+85291230001");
        Assert.Equal(HttpStatusCode.OK, (await OutcomeAsync(h.Admin, noShow, "noShow")).StatusCode);
        Assert.Equal("notEligible", await CodeAsync(await h.Admin.PostAsJsonAsync($"/api/v1/leads/{noShow}/review-request", new { })));

        // auto off: a won job sends nothing by itself; the button (API) does
        var won = await OutcomeAsync(h.Admin, lead, "won");
        Assert.Equal(JsonValueKind.Null, (await won.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("reviewRequest").ValueKind);
        var asked = await h.Admin.PostAsJsonAsync($"/api/v1/leads/{lead}/review-request", new { });
        Assert.Equal(HttpStatusCode.Accepted, asked.StatusCode);

        // the same customer (a duplicate by e-mail, another by phone) is not asked again within the period
        var byEmail = await h.LeadAsync("Chan T. M.", "+85299999999", extra: new { name = "Chan T. M.", phone = "+85299999999", email = "CHAN@example.com" });
        Assert.Equal("recentlyRequested", await CodeAsync(await h.Admin.PostAsJsonAsync($"/api/v1/leads/{byEmail}/review-request", new { })));
        var byPhone = await h.LeadAsync("Mr Chan", "+852 9123 4567");
        Assert.Equal("recentlyRequested", await CodeAsync(await h.Admin.PostAsJsonAsync($"/api/v1/leads/{byPhone}/review-request", new { })));
        var someoneElse = await h.LeadAsync("Someone Else", "+85298887777");
        Assert.Equal(HttpStatusCode.Accepted, (await h.Admin.PostAsJsonAsync($"/api/v1/leads/{someoneElse}/review-request", new { })).StatusCode);

        // after the period: again (a fresh token: the old one expired with the clock)
        h.App.Clock.Advance(TimeSpan.FromDays(180) + TimeSpan.FromMinutes(1));
        using var admin = await TestWorkspace.ClientForAsync(h.App, h.Workspace.AdminEmail, TestWorkspace.Password);
        var again = await admin.PostAsJsonAsync($"/api/v1/leads/{byEmail}/review-request", new { });
        Assert.True(again.StatusCode == HttpStatusCode.Accepted, await again.Content.ReadAsStringAsync());
        Assert.Equal(3, await h.DispatchAsync());
        Assert.Equal(3, await h.WithDbAsync(d => d.ReviewRequests.CountAsync()));
    }

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task Bad_settings_and_outcomes_are_refused_naming_the_field(Db db)
    {
        await using var h = await SendingHarness.StartAsync(db);
        var bad = await h.Admin.PutAsJsonAsync("/api/v1/settings/reviews", new { reviewLink = "javascript:alert(1)", periodDays = 0, text = "no link here" });
        var errors = await bad.ErrorsAsync();
        Assert.True(errors.TryGetProperty("reviewLink", out _));
        Assert.True(errors.TryGetProperty("periodDays", out _));
        Assert.True(errors.TryGetProperty("text", out _));
        var lead = await h.LeadAsync("Someone", "+85291234567");
        Assert.True((await (await OutcomeAsync(h.Admin, lead, "maybe")).ErrorsAsync()).TryGetProperty("outcome", out _));
        Assert.Equal(HttpStatusCode.Conflict, (await h.Admin.PatchAsJsonAsync($"/api/v1/leads/{lead}/review-request", new { status = "completed" })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await OutcomeAsync(h.Admin, 999_999, "won")).StatusCode);
    }

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task The_lead_page_marks_the_outcome_and_requests_a_review(Db db)
    {
        await using var h = await SendingHarness.StartAsync(db);
        await SettingsAsync(h.Admin, auto: false);
        var lead = await h.LeadAsync("Page Person", "+85291234567");
        var browser = await CookieBrowser.SignInAsync(h.App, h.Workspace.AdminEmail);
        var page = await browser.GetStringAsync($"/leads/{lead}");
        Assert.Contains("id=\"outcome-won\"", page);
        Assert.Contains("id=\"request-review\"", page);
        var token = CookieBrowser.AntiforgeryToken(page);

        var noShow = await browser.PostAsync($"/leads/{lead}/outcome", new FormUrlEncodedContent([new("__RequestVerificationToken", token), new("outcome", "noShow")]));
        Assert.Equal(HttpStatusCode.Redirect, noShow.StatusCode);
        page = WebUtility.HtmlDecode(await browser.GetStringAsync($"/leads/{lead}"));
        Assert.Contains("no review request after a no-show", page);
        Assert.Matches("id=\"outcome-noShow\" aria-pressed=\"true\"", page);

        await browser.PostAsync($"/leads/{lead}/outcome", new FormUrlEncodedContent([new("__RequestVerificationToken", token), new("outcome", "won")]));
        var asked = await browser.PostAsync($"/leads/{lead}/review-request", new FormUrlEncodedContent([new("__RequestVerificationToken", token)]));
        Assert.Equal($"/leads/{lead}?saved=1", asked.Headers.Location?.OriginalString);
        page = await browser.GetStringAsync($"/leads/{lead}");
        Assert.Contains("data-status=\"sent\"", page);
        Assert.Equal(1, await h.DispatchAsync());
        Assert.Single(h.Graph.SentMessages);
    }
}

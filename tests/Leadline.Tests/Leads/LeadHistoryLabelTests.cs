using System.Net.Http.Json;
using System.Text.Json;
using Leadline.Identity;
using Leadline.Tests.TestInfrastructure;

namespace Leadline.Tests.Leads;

/// <summary>The history in people's words: labels beside the API names, local times, Yes/No, names rather than ids.</summary>
public sealed class LeadHistoryLabelTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task History_items_keep_the_api_name_and_add_a_label(Db db)
    {
        var ws = await TestWorkspace.CreateAsync(await fixture.For(db), timeZone: "Europe/Berlin");
        var (agentId, _, _) = await ws.AddUserAsync(Roles.Agent, "Olga Owner");
        var id = await LeadWithChangesAsync(ws, agentId);

        var items = (await ws.Admin.GetFromJsonAsync<JsonElement>($"/api/v1/leads/{id}/history")).GetProperty("items").EnumerateArray()
            .Select(h => (Field: h.GetProperty("field").GetString(), Label: h.GetProperty("label").GetString(), To: h.GetProperty("to").GetString()))
            .ToList();

        Assert.Contains(("nextFollowUpAt", "Next follow-up", "2027-12-07T17:13:00Z"), items);   // the API keeps ISO times in UTC
        Assert.Contains(("owner", "Owner", "Olga Owner"), items);
        Assert.Contains(("active", "Active", "false"), items);
        Assert.Contains(("sourceDetail", "Source detail", "Expo 2026"), items);
    }

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task The_history_tab_shows_labels_and_local_times_not_api_names(Db db)
    {
        var app = await fixture.For(db);
        var ws = await TestWorkspace.CreateAsync(app, timeZone: "Europe/Berlin");
        var (agentId, _, _) = await ws.AddUserAsync(Roles.Agent, "Olga Owner");
        var id = await LeadWithChangesAsync(ws, agentId);
        var browser = await CookieBrowser.SignInAsync(app, ws.AdminEmail);

        var page = await browser.GetStringAsync($"/leads/{id}?tab=history");

        var start = page.IndexOf("id=\"history-list\"", StringComparison.Ordinal);
        Assert.True(start > 0, "no history list on the page");
        var history = System.Net.WebUtility.HtmlDecode(page[start..page.IndexOf("</ul>", start, StringComparison.Ordinal)]);
        Assert.Contains(">Next follow-up</span> from <span class=\"text-secondary\">—</span> to <span class=\"history-to\">7 Dec 2027 18:13</span>", history);
        Assert.Contains(">Owner</span> from <span class=\"text-secondary\">—</span> to <span class=\"history-to\">Olga Owner</span>", history);
        Assert.Contains(">Active</span> from <span class=\"text-secondary\">Yes</span> to <span class=\"history-to\">No</span>", history);
        Assert.Contains(">Source detail</span>", history);
        Assert.DoesNotContain("nextFollowUpAt", history);
        Assert.DoesNotContain("sourceDetail", history);
        Assert.DoesNotContain("2027-12-07T", history);
    }

    private static async Task<int> LeadWithChangesAsync(TestWorkspace ws, int ownerId)
    {
        var id = (await ws.Admin.CreateLeadAsync(new { name = "Hedy History", ownerId = (int?)null })).GetProperty("id").GetInt32();
        Assert.True((await ws.Admin.PatchAsJsonAsync($"/api/v1/leads/{id}", new { ownerId, active = false, sourceDetail = "Expo 2026" })).IsSuccessStatusCode);
        // the next follow-up follows the earliest reminder: 17:13 UTC is 18:13 in Berlin in December
        Assert.True((await ws.Admin.PostAsJsonAsync($"/api/v1/leads/{id}/reminders", new { dueAt = "2027-12-07T17:13:00Z" })).IsSuccessStatusCode);
        return id;
    }
}

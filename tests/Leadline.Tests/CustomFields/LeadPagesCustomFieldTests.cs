using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Leadline.Leads;
using Leadline.Tests.TestInfrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Leadline.Tests.CustomFields;

/// <summary>The pages' side of the catalog and custom fields: the list's column chooser and the import preview's column matches.</summary>
public sealed class LeadPagesCustomFieldTests
{
    private static readonly Dictionary<string, string?> NoWorker = new() { ["Leadline:Imports:JobsEnabled"] = "false" };

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task The_column_chooser_offers_built_in_and_custom_columns_and_keeps_the_choice_per_user(Db db)
    {
        await using var app = await LeadlineApp.StartAsync(db);
        var ws = await TestWorkspace.CreateAsync(app);
        Assert.Equal(HttpStatusCode.Created, (await ws.Admin.PostAsJsonAsync("/api/v1/custom-fields", new { key = "budget", label = "Budget", type = "number" })).StatusCode);
        var created = await ws.Admin.PostAsJsonAsync("/api/v1/leads", new { name = "Column Lead", industry = "Shipbuilding", address = new { city = "Kiel" }, customFields = new { budget = 1200 } });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        using var admin = await CookieBrowser.SignInAsync(app, ws.AdminEmail);
        var (_, managerEmail, _) = await ws.AddUserAsync("Manager");
        using var manager = await CookieBrowser.SignInAsync(app, managerEmail);

        var list = await admin.GetStringAsync("/leads");
        // the catalog's optional fields are offered (not the table's fixed ones), then the custom fields
        Assert.Contains("value=\"industry\"", list, StringComparison.Ordinal);
        Assert.Contains("value=\"address.city\"", list, StringComparison.Ordinal);
        Assert.Contains("value=\"cf.budget\"", list, StringComparison.Ordinal);
        Assert.DoesNotContain("name=\"columns\" value=\"email\"", list, StringComparison.Ordinal);
        Assert.DoesNotContain("data-column=\"industry\"", list, StringComparison.Ordinal);

        var saved = await admin.PostAsync("/leads/columns", new FormUrlEncodedContent(
        [
            new("__RequestVerificationToken", CookieBrowser.AntiforgeryToken(list)), new("back", "/leads?q=Column"),
            new("columns", "industry"), new("columns", "address.city"), new("columns", "cf.budget"), new("columns", "nonsense"), new("columns", "email"),
        ]));

        Assert.Equal("/leads?q=Column", saved.Headers.Location?.OriginalString);
        var shown = await admin.GetStringAsync("/leads?q=Column");
        Assert.Contains("<td class=\"small\" data-column=\"industry\">Shipbuilding</td>", shown, StringComparison.Ordinal);
        Assert.Contains("<td class=\"small\" data-column=\"address.city\">Kiel</td>", shown, StringComparison.Ordinal);
        Assert.Contains("<td class=\"small\" data-column=\"cf.budget\">1,200</td>", shown, StringComparison.Ordinal);
        Assert.DoesNotContain("data-column=\"email\"", shown, StringComparison.Ordinal);
        Assert.DoesNotContain("data-column=\"nonsense\"", shown, StringComparison.Ordinal);
        // stored as the columns' keys, for this user only
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var stored = scope.ServiceProvider.GetRequiredService<Leadline.Data.LeadlineDb>().Users.Single(u => u.Email == ws.AdminEmail).LeadListColumns;
            Assert.Equal("[\"industry\",\"address.city\",\"cf.budget\"]", stored);
        }
        Assert.DoesNotContain("data-column=\"industry\"", await manager.GetStringAsync("/leads?q=Column"), StringComparison.Ordinal);
    }

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task The_import_preview_matches_a_column_to_a_custom_field_by_label_and_makes_a_new_one_when_asked(Db db)
    {
        await using var app = await LeadlineApp.StartAsync(db, NoWorker);
        var ws = await TestWorkspace.CreateAsync(app);
        Assert.Equal(HttpStatusCode.Created, (await ws.Admin.PostAsJsonAsync("/api/v1/custom-fields",
            new { key = "budget_band", label = "Budget band", type = "choice", options = new[] { "small", "large" } })).StatusCode);
        using var browser = await CookieBrowser.SignInAsync(app, ws.AdminEmail);
        var tag = Guid.NewGuid().ToString("N")[..8];
        var csv = $"Name,Budget band,Favourite colour,Shoe size\nAda {tag},large,green,38\nBob {tag},small,blue,44\n";

        var preview = (await UploadAsync(browser, csv)).Headers.Location!.OriginalString;
        var page = await browser.GetStringAsync(preview);

        // the column named like a field's label is matched to it; the others are offered as new fields, left out until chosen
        Assert.Contains("<option value=\"cf:budget_band\" selected>Budget band</option>", page, StringComparison.Ordinal);
        Assert.Contains("<option value=\"new-custom-field\">New custom field “Favourite colour”</option>", page, StringComparison.Ordinal);
        Assert.Contains("<option value=\"ignore\" selected>", page, StringComparison.Ordinal);

        var run = await browser.PostAsync(preview + "/run", new FormUrlEncodedContent(
        [
            new("__RequestVerificationToken", CookieBrowser.AntiforgeryToken(page)),
            new("map", "name"), new("map", "cf:budget_band"), new("map", "new-custom-field"), new("map", "ignore"), new("policy", "create"),
        ]));
        Assert.EndsWith("/result", run.Headers.Location?.OriginalString, StringComparison.Ordinal);
        await using (var scope = app.Services.CreateAsyncScope())
            Assert.True(await scope.ServiceProvider.GetRequiredService<ImportJobRunner>().RunNextAsync(CancellationToken.None));

        var fields = await ws.Admin.GetFromJsonAsync<JsonElement>("/api/v1/custom-fields");
        var keys = (fields.ValueKind == JsonValueKind.Array ? fields : fields.GetProperty("items")).EnumerateArray().Select(f => f.GetProperty("key").GetString()).ToList();
        Assert.Equal(["budget_band", "favourite_colour"], keys);   // no field for the ignored shoe size
        var leads = await ws.Admin.GetFromJsonAsync<JsonElement>($"/api/v1/leads?q={tag}&sort=name");
        var items = leads.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(2, items.Count);
        Assert.Equal("large", items[0].GetProperty("customFields").GetProperty("budget_band").GetString());
        Assert.Equal("green", items[0].GetProperty("customFields").GetProperty("favourite_colour").GetString());
        Assert.Equal("small", items[1].GetProperty("customFields").GetProperty("budget_band").GetString());
        Assert.False(items[1].GetProperty("customFields").TryGetProperty("shoe_size", out _));
    }

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task The_import_preview_refuses_a_custom_field_chosen_for_two_columns(Db db)
    {
        await using var app = await LeadlineApp.StartAsync(db, NoWorker);
        var ws = await TestWorkspace.CreateAsync(app);
        Assert.Equal(HttpStatusCode.Created, (await ws.Admin.PostAsJsonAsync("/api/v1/custom-fields", new { key = "budget", label = "Budget", type = "text" })).StatusCode);
        using var browser = await CookieBrowser.SignInAsync(app, ws.AdminEmail);

        var preview = (await UploadAsync(browser, "Name,Budget,Money\nAda,1,2\n")).Headers.Location!.OriginalString;
        var run = await browser.PostAsync(preview + "/run", new FormUrlEncodedContent(
        [
            new("__RequestVerificationToken", CookieBrowser.AntiforgeryToken(await browser.GetStringAsync(preview))),
            new("map", "name"), new("map", "cf:budget"), new("map", "cf:budget"), new("policy", "create"),
        ]));

        Assert.Contains("error=conflict", run.Headers.Location?.OriginalString, StringComparison.Ordinal);
        var back = await browser.GetStringAsync(run.Headers.Location!.OriginalString);
        Assert.Contains("<strong>Budget</strong> is chosen for 2 columns", back, StringComparison.Ordinal);
    }

    private static async Task<HttpResponseMessage> UploadAsync(HttpClient browser, string csv)
    {
        var page = await browser.GetStringAsync("/leads/import");
        using var form = new MultipartFormDataContent
        {
            { new StringContent(CookieBrowser.AntiforgeryToken(page)), "__RequestVerificationToken" },
            { new ByteArrayContent(Encoding.UTF8.GetBytes(csv)), "file", "people.csv" },
        };
        var response = await browser.PostAsync("/leads/import/upload", form);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return response;
    }
}

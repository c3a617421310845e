using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Leadline.Identity;
using Leadline.Leads;
using Leadline.Tests.TestInfrastructure;

namespace Leadline.Tests.Common;

/// <summary>Bad input from outside is a 400 (or a page that says what is wrong), never a 500: a fuzz over every filter and field.</summary>
public sealed class NoServerErrorTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    private static readonly string[] BadQueryValues = ["\u0000", "a\u0000b", "\u0001", "%ED%A0%80", "abc", "-1", "99999999999", "1.5", "'; DROP TABLE leads;--", "%", "_", "\\", "true", "😀"];

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task Every_list_filter_answers_400_or_200_to_bad_values_in_the_api_and_the_page(Db db)
    {
        var app = await fixture.For(db);
        var workspace = await TestWorkspace.CreateAsync(app);
        using var browser = await CookieBrowser.SignInAsync(app, workspace.AdminEmail);
        var failures = new List<string>();
        foreach (var name in LeadFilter.Parameters.Select(p => p.Name))
        {
            foreach (var value in BadQueryValues)
            {
                var query = $"{name}={(value.StartsWith('%') && value.Length > 1 ? value : Uri.EscapeDataString(value))}";
                var api = await workspace.Admin.GetAsync($"/api/v1/leads?{query}");
                if (api.StatusCode is not (HttpStatusCode.OK or HttpStatusCode.BadRequest))
                    failures.Add($"API {query}: {(int)api.StatusCode}");
                var page = await browser.GetAsync($"/leads?{query}");
                if ((int)page.StatusCode >= 500)
                    failures.Add($"page {query}: {(int)page.StatusCode}");
            }
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task Every_lead_field_refuses_a_lone_surrogate_and_a_nul_with_400(Db db)
    {
        var app = await fixture.For(db);
        var workspace = await TestWorkspace.CreateAsync(app);
        var created = await workspace.Admin.PostAsJsonAsync("/api/v1/leads", new { name = "Field Walker" });
        var lead = await created.Content.ReadFromJsonAsync<JsonElement>();
        var textFields = lead.EnumerateObject().Where(p => p.Value.ValueKind is JsonValueKind.String or JsonValueKind.Null).Select(p => p.Name).ToList();
        Assert.Contains("company", textFields);
        var failures = new List<string>();
        foreach (var field in textFields.Append("tags"))
        {
            foreach (var bad in new[] { "\\ud800", "x\\u0000y", "\\udc00z", "\\ud83d\\ude00\\ud800" })
            {
                var value = field == "tags" ? $"[\"{bad}\"]" : $"\"{bad}\"";
                var json = field == "name" ? $"{{\"name\":{value}}}" : $"{{\"name\":\"Fuzz\",\"{field}\":{value}}}";
                using var body = new StringContent(json, Encoding.UTF8, "application/json");
                var response = await workspace.Admin.PostAsync("/api/v1/leads", body);
                if ((int)response.StatusCode >= 500 || (field != "name" && response.StatusCode == HttpStatusCode.Created && Stored(await response.Content.ReadFromJsonAsync<JsonElement>(), field)))
                    failures.Add($"{field} = {bad}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            }
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
        using var twice = new StringContent("{\"name\":\"A\",\"name\":\"B\"}", Encoding.UTF8, "application/json");
        Assert.Equal(HttpStatusCode.BadRequest, (await workspace.Admin.PostAsync("/api/v1/leads", twice)).StatusCode);
    }

    // a field the API ignores (read-only) may answer 201, but it must not have stored the broken text
    private static bool Stored(JsonElement lead, string field) =>
        lead.TryGetProperty(field, out var v) && v.ValueKind == JsonValueKind.String && v.GetString()!.Any(c => char.IsSurrogate(c) || c == '\0');

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task Pages_answer_400_or_404_to_unreadable_or_unknown_ids(Db db)
    {
        var app = await fixture.For(db);
        var workspace = await TestWorkspace.CreateAsync(app);
        using var browser = await CookieBrowser.SignInAsync(app, workspace.AdminEmail);

        foreach (var path in new[] { "/queue?page=abc", "/pipeline?pipelineId=abc", "/leads/merge?ids=abc", "/settings/pipeline?pipelineId=x" })
            Assert.Equal((path, HttpStatusCode.BadRequest), (path, (await browser.GetAsync(path)).StatusCode));
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/leads?owner=abc")).StatusCode);   // the list without that filter, saying why
        foreach (var path in new[] { "/leads/999999", "/leads/999999/edit", "/queue/work/999999" })
            Assert.Equal((path, HttpStatusCode.NotFound), (path, (await browser.GetAsync(path)).StatusCode));
    }

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task Stage_and_pipeline_names_refuse_control_characters(Db db)
    {
        var app = await fixture.For(db);
        var workspace = await TestWorkspace.CreateAsync(app);
        await using var scope = workspace.Scope(out var database);
        var settings = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<Leadline.Pipeline.PipelineSettingsService>(scope.ServiceProvider);
        var pipelineId = database.Pipelines.Select(p => p.Id).First();

        var stage = await settings.AddStageAsync(pipelineId, new Leadline.Pipeline.StageInput("Bad\u0007Stage", "Working", null, null), CancellationToken.None);
        var pipeline = await settings.CreatePipelineAsync("Bad\u0000Pipe", CancellationToken.None);

        Assert.Contains("control character", Assert.Single(stage.Errors.For("name")), StringComparison.Ordinal);
        Assert.Contains("control character", Assert.Single(pipeline.Errors.For("name")), StringComparison.Ordinal);
    }
}

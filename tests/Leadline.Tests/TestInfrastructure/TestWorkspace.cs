using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Leadline.Data;
using Leadline.Leads;
using Leadline.Workspaces;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Leadline.Tests.TestInfrastructure;

/// <summary>A fresh workspace with its own admin, made through the app's own service, plus API clients for its users.</summary>
public sealed class TestWorkspace
{
    public const string Password = "Test!Passw0rd#1";

    private TestWorkspace(LeadlineApp app, int id, string adminEmail, HttpClient admin)
    {
        App = app;
        Id = id;
        AdminEmail = adminEmail;
        Admin = admin;
    }

    public LeadlineApp App { get; }

    public int Id { get; }

    public string AdminEmail { get; }

    /// <summary>An API client authenticated as the workspace's admin.</summary>
    public HttpClient Admin { get; }

    public static async Task<TestWorkspace> CreateAsync(LeadlineApp app, string? timeZone = "UTC", string defaultCountry = "DE")
    {
        var tag = Guid.NewGuid().ToString("N")[..10];
        var email = $"admin-{tag}@example.com";
        await using var scope = app.Services.CreateAsyncScope();
        var result = await scope.ServiceProvider.GetRequiredService<WorkspaceService>().CreateWithAdminAsync(new NewWorkspaceRequest
        {
            Name = $"Workspace {tag}",
            TimeZone = timeZone,
            DefaultCountry = defaultCountry,
            AdminName = "Ada Admin",
            AdminEmail = email,
            AdminPassword = Password,
        }, CancellationToken.None);
        Assert.True(result.Succeeded, string.Join(" ", result.Errors.All) + result.Conflict);
        return new TestWorkspace(app, result.Value!.Id, email, await ClientForAsync(app, email, Password));
    }

    /// <summary>Creates a user of the given role through the API and returns an authenticated client for them.</summary>
    public async Task<(int Id, string Email, HttpClient Client)> AddUserAsync(string role, string? name = null)
    {
        var email = $"{role.ToLowerInvariant()}-{Guid.NewGuid().ToString("N")[..10]}@example.com";
        var response = await Admin.PostAsJsonAsync("/api/v1/users", new { email, name = name ?? $"{role} Person", role, password = Password });
        Assert.Equal(System.Net.HttpStatusCode.Created, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return (body.GetProperty("id").GetInt32(), email, await ClientForAsync(App, email, Password));
    }

    public static async Task<string> TokenAsync(LeadlineApp app, string email, string password)
    {
        using var anonymous = app.CreateClient();
        var response = await anonymous.PostAsJsonAsync("/api/v1/auth/token", new { email, password });
        Assert.True(response.IsSuccessStatusCode, $"token for {email}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString()!;
    }

    public static async Task<HttpClient> ClientForAsync(LeadlineApp app, string email, string password)
    {
        var client = app.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await TokenAsync(app, email, password));
        return client;
    }

    /// <summary>A DbContext scoped to this workspace, as a request of one of its users would see it.</summary>
    public AsyncServiceScope Scope(out LeadlineDb db)
    {
        var scope = App.Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<WorkspaceScope>().Enter(Id);
        db = scope.ServiceProvider.GetRequiredService<LeadlineDb>();
        return scope;
    }

    /// <summary>
    /// Writes many leads at once through the bulk writer (as demo data does) into the workspace's first stage, or the stage
    /// <paramref name="stageId"/>; a lead keeps a position it was given, else it follows the list's order. Sets their ids.
    /// </summary>
    public async Task WriteLeadsAsync(IReadOnlyList<Lead> leads, int? stageId = null)
    {
        await using var scope = Scope(out var db);
        var stage = await db.Stages.OrderBy(s => s.Order).FirstAsync(s => stageId == null || s.Id == stageId);
        for (var i = 0; i < leads.Count; i++)
        {
            (leads[i].PipelineId, leads[i].StageId, leads[i].Status) = (stage.PipelineId, stage.Id, stage.Category);
            if (leads[i].Position == 0)
                leads[i].Position = (i + 1) * 1024;
        }
        await using var bulk = await LeadBulkWriter.OpenAsync(db, CancellationToken.None);
        await bulk.WriteAsync(leads, App.Clock.GetUtcNow().UtcDateTime, null, "Test", CancellationToken.None);
    }
}

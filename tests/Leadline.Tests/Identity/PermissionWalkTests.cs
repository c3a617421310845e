using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Leadline.Identity;
using Leadline.Tests.TestInfrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Leadline.Tests.Identity;

/// <summary>
/// Walks every endpoint and page as each role and compares what the app answers with the permission table: an endpoint
/// added without a permission fails here, and so does one whose answer differs from the table.
/// </summary>
public sealed partial class PermissionWalkTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    // anonymous on purpose: sign-in, first-run setup, status pages, health, the API description, static files
    // and the providers' webhooks, which a signature authenticates, and a review request's tracked link (an unguessable token)
    private static readonly string[] PublicRoutes = ["/login", "/setup", "/not-found", "/error", "/status/{Code:int}", "/health", "/api/v1/auth/token", "/webhooks/meta/{channelId:int}", "/r/{token}", "/webhooks/twilio/{channelId:int}", "/f/{key}", "/f/{key}/widget.js"];

    // and the offline API reference (Scalar's page and its files)
    private static bool IsPublic(string? route) => route is not null && (PublicRoutes.Contains(route) || route.StartsWith("/api/docs", StringComparison.Ordinal));

    // API.md's "Permissions", written out here independently of the code's table: who may use the sensitive routes
    private static readonly Dictionary<string, string[]> Pinned = new()
    {
        ["GET /api/v1/leads/export"] = [Roles.Admin, Roles.Manager],
        ["GET /leads/export"] = [Roles.Admin, Roles.Manager],
        ["GET /reports/lead-flow.csv"] = [Roles.Admin, Roles.Manager],
        ["POST /api/v1/leads/import"] = [Roles.Admin, Roles.Manager],
        ["GET /leads/import"] = [Roles.Admin, Roles.Manager],
        ["POST /api/v1/imports/"] = [Roles.Admin, Roles.Manager],
        ["GET /api/v1/imports/{id:int}"] = [Roles.Admin, Roles.Manager],
        ["POST /api/v1/imports/{id:int}/cancel"] = [Roles.Admin, Roles.Manager],
        ["POST /leads/import/{id:guid}/cancel"] = [Roles.Admin, Roles.Manager],
        ["POST /api/v1/leads/{id:int}/merge"] = [Roles.Admin, Roles.Manager],
        ["POST /leads/merge/save"] = [Roles.Admin, Roles.Manager],
        ["GET /leads/duplicates"] = [Roles.Admin, Roles.Manager],
        ["POST /leads/duplicates/run"] = [Roles.Admin, Roles.Manager],
        ["POST /api/v1/note-templates/"] = [Roles.Admin, Roles.Manager],
        ["GET /settings/note-templates"] = [Roles.Admin, Roles.Manager],
        ["GET /settings/pipeline"] = [Roles.Admin, Roles.Manager],
        ["GET /settings/queue"] = [Roles.Admin, Roles.Manager],
        ["GET /api/v1/users/"] = [Roles.Admin, Roles.Manager],
        ["GET /settings/users"] = [Roles.Admin, Roles.Manager],
        ["POST /api/v1/users/"] = [Roles.Admin],
        ["POST /settings/users/{id:int}/role"] = [Roles.Admin],
        ["GET /settings/workspace"] = [Roles.Admin],
        ["GET /settings/reviews"] = [Roles.Admin],
        ["PUT /api/v1/settings/reviews/"] = [Roles.Admin],
        ["POST /api/v1/leads/{id:int}/review-request"] = Roles.All.ToArray(),
        ["GET /api/v1/leads/"] = Roles.All.ToArray(),
        ["POST /api/v1/leads/"] = Roles.All.ToArray(),
        ["DELETE /api/v1/leads/{id:int}"] = Roles.All.ToArray(),   // their own lead; someone else's: LeadArchiveRules
        ["POST /api/v1/leads/{id:int}/restore"] = Roles.All.ToArray(),   // their own lead; someone else's: LeadArchiveTests
        ["POST /leads/{id:int}/archive"] = Roles.All.ToArray(),
        ["POST /leads/{id:int}/restore"] = Roles.All.ToArray(),
        ["GET /pipeline"] = Roles.All.ToArray(),
        // bulk actions: every role with LeadsWrite; the table decides per lead (BulkActionTests)
        ["POST /api/v1/leads/bulk/"] = Roles.All.ToArray(),
        ["GET /api/v1/leads/bulk/{id:int}"] = Roles.All.ToArray(),
        ["POST /api/v1/leads/bulk/{id:int}/undo"] = Roles.All.ToArray(),
        ["POST /leads/bulk/"] = Roles.All.ToArray(),
        ["POST /leads/bulk/{id:int}/undo"] = Roles.All.ToArray(),
        ["GET /leads/bulk/{Id:int}"] = Roles.All.ToArray(),
        ["GET /queue"] = Roles.All.ToArray(),
    };

    private static List<RouteEndpoint> Endpoints(LeadlineApp app) =>
        app.Services.GetServices<EndpointDataSource>().SelectMany(s => s.Endpoints).OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText is { } raw && !raw.StartsWith("/openapi", StringComparison.Ordinal) && !raw.StartsWith("/_", StringComparison.Ordinal)
                && e.Metadata.GetMetadata<Microsoft.AspNetCore.StaticAssets.StaticAssetDescriptor>() is null && !raw.StartsWith("/lib/", StringComparison.Ordinal)
                && !raw.StartsWith("{**", StringComparison.Ordinal))
            .ToList();

    private static string Describe(RouteEndpoint e) =>
        $"{string.Join(",", e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"])} {e.RoutePattern.RawText}";

    [Fact]
    public async Task Every_route_names_a_permission_or_is_public()
    {
        var app = await fixture.For(Db.Sqlite);

        var unnamed = Endpoints(app)
            .Where(e => !IsPublic(e.RoutePattern.RawText) && e.Metadata.GetOrderedMetadata<RequirePermissionAttribute>().Count == 0)
            .Select(Describe).ToList();

        Assert.True(unnamed.Count == 0, "routes without an entry in the permission table: " + string.Join("; ", unnamed));
    }

    [Fact]
    public async Task The_roles_endpoint_shows_the_table()
    {
        var app = await fixture.For(Db.Sqlite);
        var workspace = await TestWorkspace.CreateAsync(app);
        var (_, _, agent) = await workspace.AddUserAsync(Roles.Agent);

        var roles = await agent.GetFromJsonAsync<JsonElement>("/api/v1/roles");

        var byRole = roles.EnumerateArray().ToDictionary(r => r.GetProperty("role").GetString()!, r => r.GetProperty("permissions").EnumerateArray().Select(p => p.GetString()).ToList());
        Assert.Equal(Roles.All, byRole.Keys);
        Assert.Contains("export", byRole[Roles.Manager]);
        Assert.Contains("usersRead", byRole[Roles.Manager]);
        Assert.DoesNotContain("usersManage", byRole[Roles.Manager]);
        Assert.DoesNotContain("export", byRole[Roles.Agent]);
        Assert.DoesNotContain("merge", byRole[Roles.Agent]);
        Assert.Equal(Enum.GetValues<Permission>().Length, byRole[Roles.Admin].Count);
    }

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task Each_role_gets_exactly_what_the_table_allows_on_every_route(Db db)
    {
        var app = await fixture.For(db);
        var workspace = await TestWorkspace.CreateAsync(app);
        var bearer = new Dictionary<string, HttpClient> { [Roles.Admin] = workspace.Admin };
        var cookie = new Dictionary<string, HttpClient> { [Roles.Admin] = await CookieBrowser.SignInAsync(app, workspace.AdminEmail) };
        var leadOf = new Dictionary<string, int> { [Roles.Admin] = await CreateOwnLeadAsync(workspace.Admin) };
        foreach (var role in new[] { Roles.Manager, Roles.Agent })
        {
            var (_, email, client) = await workspace.AddUserAsync(role);
            bearer[role] = client;
            cookie[role] = await CookieBrowser.SignInAsync(app, email);
            leadOf[role] = await CreateOwnLeadAsync(client);
        }

        var wrong = new List<string>();
        // signing out last, so the other page calls keep their session
        foreach (var endpoint in Endpoints(app).Where(e => !IsPublic(e.RoutePattern.RawText)).OrderBy(e => e.RoutePattern.RawText == "/logout"))
        {
            var needs = endpoint.Metadata.GetOrderedMetadata<RequirePermissionAttribute>().Select(a => a.Permission).ToList();
            var isApi = endpoint.RoutePattern.RawText!.StartsWith("/api/", StringComparison.Ordinal);
            foreach (var method in endpoint.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"])
            {
                foreach (var role in Roles.All)
                {
                    var allowed = needs.All(p => Permissions.Has(role, p));
                    if (Pinned.TryGetValue($"{method} {endpoint.RoutePattern.RawText}", out var pinned) && pinned.Contains(role) != allowed)
                        wrong.Add($"{role} {method} {endpoint.RoutePattern.RawText}: the table says {(allowed ? "allowed" : "refused")}, API.md the opposite");
                    var path = Fill(endpoint.RoutePattern.RawText!, leadOf[role]);
                    using var request = new HttpRequestMessage(new HttpMethod(method), path);
                    if (method != "GET")
                        request.Content = EmptyBody(endpoint);
                    using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
                    using var response = await (isApi ? bearer : cookie)[role].SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
                    var refused = response.StatusCode == HttpStatusCode.Forbidden
                        || response.Headers.Location?.OriginalString.Contains("/access-denied", StringComparison.Ordinal) == true;
                    var signedOut = response.Headers.Location?.OriginalString.Contains("/login", StringComparison.Ordinal) == true;
                    if (refused == allowed || signedOut)
                        wrong.Add($"{role} {method} {path}: {(int)response.StatusCode} {response.Headers.Location} (table: {(allowed ? "allowed" : "refused")})");
                }
            }
        }
        Assert.True(wrong.Count == 0, string.Join("\n", wrong));
        var walked = Endpoints(app).SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"]).Select(m => $"{m} {e.RoutePattern.RawText}")).ToHashSet();
        Assert.All(Pinned.Keys, k => Assert.Contains(k, walked));
    }

    /// <summary>An empty body of a type the endpoint accepts (routing answers 415 before authorization otherwise).</summary>
    private static HttpContent EmptyBody(RouteEndpoint endpoint) =>
        (endpoint.Metadata.GetMetadata<Microsoft.AspNetCore.Http.Metadata.IAcceptsMetadata>()?.ContentTypes is [var first, ..] ? first : null) switch
        {
            null or "application/json" => JsonContent.Create(new { }),
            "application/x-www-form-urlencoded" or "multipart/form-data" => new FormUrlEncodedContent([]),
            var other => new StringContent("", System.Text.Encoding.UTF8, other),
        };

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task An_agent_archives_only_their_own_leads(Db db)
    {
        var app = await fixture.For(db);
        var workspace = await TestWorkspace.CreateAsync(app);
        var (_, _, agent) = await workspace.AddUserAsync(Roles.Agent);
        var (_, _, manager) = await workspace.AddUserAsync(Roles.Manager);
        var adminsLead = await CreateOwnLeadAsync(workspace.Admin);
        var agentsLead = await CreateOwnLeadAsync(agent);
        var agentsOther = await CreateOwnLeadAsync(agent);

        var refused = await agent.DeleteAsync($"/api/v1/leads/{adminsLead}");
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        Assert.False((await workspace.Admin.GetFromJsonAsync<JsonElement>($"/api/v1/leads/{adminsLead}")).GetProperty("archived").GetBoolean());
        Assert.Equal(HttpStatusCode.NoContent, (await agent.DeleteAsync($"/api/v1/leads/{agentsLead}")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await manager.DeleteAsync($"/api/v1/leads/{agentsOther}")).StatusCode);
    }

    private static async Task<int> CreateOwnLeadAsync(HttpClient client)
    {
        var me = await client.GetFromJsonAsync<JsonElement>("/api/v1/me");
        var response = await client.PostAsJsonAsync("/api/v1/leads", new { name = "Walk " + Guid.NewGuid().ToString("N")[..6], ownerId = me.GetProperty("id").GetInt32() });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt32();
    }

    /// <summary>Route values: the caller's own lead for any integer id, an unknown upload for a guid.</summary>
    private static string Fill(string pattern, int leadId) =>
        RouteValue().Replace(pattern, m => m.Groups["constraint"].Value == "guid" ? Guid.Empty.ToString() : m.Groups["name"].Value == "Code" ? "404" : leadId.ToString(System.Globalization.CultureInfo.InvariantCulture));

    [GeneratedRegex(@"\{(?<name>\w+)(:(?<constraint>\w+))?\}")]
    private static partial Regex RouteValue();
}

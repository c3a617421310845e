using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Leadline.Data;
using Leadline.Tests.TestInfrastructure;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Leadline.Tests.Common;

/// <summary>
/// Every page (cookie) endpoint that changes something refuses a post without the antiforgery token, whatever it binds:
/// a walk over all routes, so a route added outside the one mechanism (PagePosts) fails here.
/// </summary>
public sealed partial class PagePostAntiforgeryTests
{
    // explicitly outside the check (AllowCrossSitePost), each with its reason: none yet; channel webhooks and /f/{key}
    // form intake will be (other origins post to them, and they authenticate by signature or form key, never the cookie)
    // Meta posts its webhooks from outside: the signature authenticates them, never a cookie
    private static readonly string[] OutsideTheCheck = ["/webhooks/meta/{channelId:int}", "/webhooks/twilio/{channelId:int}", "/f/{key}"];

    private static readonly string[] UnsafeMethods = ["POST", "PUT", "PATCH", "DELETE"];

    private static List<(RouteEndpoint Endpoint, string Method)> PagePosts(LeadlineApp app) =>
        [.. app.Services.GetServices<EndpointDataSource>().SelectMany(s => s.Endpoints).OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText is { } raw && !raw.StartsWith("/api/", StringComparison.Ordinal) && !raw.StartsWith("/_", StringComparison.Ordinal))
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? []).Intersect(UnsafeMethods).Select(m => (e, m)))];

    [Fact]
    public async Task Only_the_pinned_routes_are_outside_the_antiforgery_check()
    {
        await using var app = await LeadlineApp.StartAsync(Db.Sqlite);

        var outside = PagePosts(app)
            .Where(p => p.Endpoint.Metadata.GetMetadata<IAntiforgeryMetadata>() is not { RequiresValidation: true })
            .Select(p => p.Endpoint.RoutePattern.RawText!).Distinct().Order().ToList();

        Assert.Equal(OutsideTheCheck.Order(), outside);
    }

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task Every_page_post_without_the_antiforgery_token_is_refused_and_changes_nothing(Db db)
    {
        await using var app = await LeadlineApp.StartAsync(db);
        var workspace = await TestWorkspace.CreateAsync(app);
        using var browser = await CookieBrowser.SignInAsync(app, workspace.AdminEmail);
        var lead = await workspace.Admin.PostAsJsonAsync("/api/v1/leads", new { name = "Forged Target", tags = new[] { "keep" } });
        var leadId = (await lead.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt32();
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/leads")).StatusCode);   // the antiforgery cookie exists now
        var before = await SnapshotAsync(app);

        var wrong = new List<string>();
        var walked = 0;
        // signing out last: a forged sign-out that got through would sign the other requests out
        foreach (var (endpoint, method) in PagePosts(app).Where(p => !OutsideTheCheck.Contains(p.Endpoint.RoutePattern.RawText)).OrderBy(p => p.Endpoint.RoutePattern.RawText == "/logout"))
        {
            var path = Fill(endpoint.RoutePattern.RawText!, leadId);
            // as a page would post it (a form another site could send), and as htmx would (a header and no form)
            using var plain = new HttpRequestMessage(new HttpMethod(method), path) { Content = FormBody(endpoint) };
            using var plainResponse = await browser.SendAsync(plain);
            var location = plainResponse.Headers.Location?.OriginalString ?? "";
            if (!(plainResponse.StatusCode == HttpStatusCode.BadRequest
                  || plainResponse.StatusCode == HttpStatusCode.Redirect && (location == "/status/400" || location.EndsWith("error=form", StringComparison.Ordinal))))
                wrong.Add($"{method} {path} as a form: {(int)plainResponse.StatusCode} {location}");

            using var htmx = new HttpRequestMessage(new HttpMethod(method), path) { Content = FormBody(endpoint) };
            htmx.Headers.Add("HX-Request", "true");
            using var htmxResponse = await browser.SendAsync(htmx);
            if (htmxResponse.StatusCode != HttpStatusCode.BadRequest)
                wrong.Add($"{method} {path} from htmx: {(int)htmxResponse.StatusCode} {htmxResponse.Headers.Location}");
            walked++;
        }

        Assert.True(wrong.Count == 0, "accepted without the antiforgery token:\n" + string.Join("\n", wrong));
        Assert.True(walked > 30, $"only {walked} page posts walked");
        Assert.Equal(before, await SnapshotAsync(app));
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/leads")).StatusCode);   // still signed in
    }

    /// <summary>What a form with the usual field names would carry: a handler that ran would have something to act on.</summary>
    private static HttpContent FormBody(RouteEndpoint endpoint)
    {
        var fields = new Dictionary<string, string>
        {
            ["name"] = "Forged", ["stageId"] = "1", ["version"] = "1", ["text"] = "forged", ["tag"] = "forged", ["action"] = "archive",
            ["scope"] = "ids", ["ids"] = "1", ["active"] = "false", ["role"] = "agent", ["policy"] = "create", ["map"] = "name",
        };
        // an endpoint that takes a file only accepts multipart (routing answers 415 to anything else, before the check)
        if (endpoint.Metadata.GetMetadata<Microsoft.AspNetCore.Http.Metadata.IAcceptsMetadata>()?.ContentTypes is ["multipart/form-data"])
        {
            var multipart = new MultipartFormDataContent();
            foreach (var (name, value) in fields)
                multipart.Add(new StringContent(value), name);
            multipart.Add(new ByteArrayContent("name\nForged\n"u8.ToArray()), "file", "forged.csv");
            multipart.Add(new ByteArrayContent([0x89, 0x50, 0x4E, 0x47]), "photo", "forged.png");
            return multipart;
        }
        return new FormUrlEncodedContent(fields);
    }

    /// <summary>Every row of every table of the model, as text: equal snapshots mean nothing was written.</summary>
    private static async Task<string> SnapshotAsync(LeadlineApp app)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<LeadlineDb>();
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync();
        try
        {
            var text = new StringBuilder();
            foreach (var table in db.Model.GetEntityTypes().Select(t => t.GetTableName()).OfType<string>().Distinct().Order(StringComparer.Ordinal))
            {
                await using var command = connection.CreateCommand();
                command.CommandText = $"SELECT * FROM \"{table}\"";
                await using var reader = await command.ExecuteReaderAsync();
                var rows = new List<string>();
                while (await reader.ReadAsync())
                    rows.Add(string.Join("|", Enumerable.Range(0, reader.FieldCount).Select(i => Convert.ToString(reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture))));
                text.Append(table).Append(": ").AppendJoin("\n  ", rows.Order(StringComparer.Ordinal)).Append('\n');
            }
            return text.ToString();
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    private static string Fill(string pattern, int leadId) =>
        RouteValue().Replace(pattern, m => m.Groups["constraint"].Value == "guid" ? Guid.Empty.ToString() : leadId.ToString(System.Globalization.CultureInfo.InvariantCulture));

    [GeneratedRegex(@"\{(?<name>\w+)(:(?<constraint>\w+))?\}")]
    private static partial Regex RouteValue();
}

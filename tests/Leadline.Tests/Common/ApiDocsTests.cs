using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Leadline.Leads;
using Leadline.Tests.TestInfrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace Leadline.Tests.Common;

public sealed partial class ApiDocsTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    [Fact]
    public void The_described_filters_are_exactly_the_keys_the_filter_parser_reads()
    {
        var query = new RecordingQuery();

        LeadFilter.Parse(query);

        Assert.Equal(query.Read.Order(StringComparer.Ordinal), LeadFilter.Parameters.Select(p => p.Name).Order(StringComparer.Ordinal));
    }

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task The_openapi_document_describes_every_lead_filter_and_only_api_routes(Db db)
    {
        using var anonymous = (await fixture.For(db)).CreateClient();

        var document = await anonymous.GetFromJsonAsync<JsonElement>("/openapi/v1.json");

        var paths = document.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToList();
        Assert.Contains("/api/v1/leads", paths);
        Assert.All(paths, p => Assert.StartsWith("/api/", p, StringComparison.Ordinal));
        foreach (var operation in new[] { "/api/v1/leads", "/api/v1/leads/export" })
        {
            var parameters = document.GetProperty("paths").GetProperty(operation).GetProperty("get").GetProperty("parameters").EnumerateArray()
                .ToDictionary(p => p.GetProperty("name").GetString()!);
            foreach (var filter in LeadFilter.Parameters)
            {
                Assert.True(parameters.TryGetValue(filter.Name, out var described), $"{operation} lacks {filter.Name}");
                Assert.Equal("query", described.GetProperty("in").GetString());
                Assert.False(string.IsNullOrWhiteSpace(described.GetProperty("description").GetString()));
                Assert.True(described.GetProperty("schema").TryGetProperty("type", out _));
            }
        }
        var status = document.GetProperty("paths").GetProperty("/api/v1/leads").GetProperty("get").GetProperty("parameters").EnumerateArray()
            .Single(p => p.GetProperty("name").GetString() == "status");
        Assert.Contains("qualified", status.GetProperty("schema").GetProperty("enum").EnumerateArray().Select(v => v.GetString()));
    }

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task The_reference_page_is_served_offline_with_the_nonce_of_its_response(Db db)
    {
        using var anonymous = (await fixture.For(db)).CreateClient();

        var page = await anonymous.GetAsync("/api/docs");

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        var html = await page.Content.ReadAsStringAsync();
        var csp = string.Join(" ", page.Headers.GetValues("Content-Security-Policy"));
        var nonce = NoncePattern().Match(csp).Groups[1].Value;
        var scripts = ScriptPattern().Matches(html);
        Assert.NotEmpty(scripts);
        Assert.All(scripts, s => Assert.Contains($"nonce=\"{nonce}\"", s.Value, StringComparison.Ordinal));
        Assert.DoesNotContain("http://", html, StringComparison.Ordinal);
        Assert.DoesNotContain("https://", html, StringComparison.Ordinal);
        Assert.Contains("\"withDefaultFonts\":false", html, StringComparison.Ordinal);
        // its script comes from the package, not a CDN
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/api/docs/scalar.js")).StatusCode);
    }

    [GeneratedRegex("'nonce-([^']+)'")]
    private static partial Regex NoncePattern();

    [GeneratedRegex("<script[^>]*>")]
    private static partial Regex ScriptPattern();

    /// <summary>An empty query string that remembers every key asked for.</summary>
    private sealed class RecordingQuery : IQueryCollection
    {
        public HashSet<string> Read { get; } = [];

        public StringValues this[string key] => Remember(key);

        public int Count => 0;

        public ICollection<string> Keys => [];

        public bool ContainsKey(string key) => Remember(key).Count > 0;

        public bool TryGetValue(string key, out StringValues value)
        {
            value = Remember(key);
            return false;
        }

        public IEnumerator<KeyValuePair<string, StringValues>> GetEnumerator() => Enumerable.Empty<KeyValuePair<string, StringValues>>().GetEnumerator();

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

        private StringValues Remember(string key)
        {
            Read.Add(key);
            return StringValues.Empty;
        }
    }
}

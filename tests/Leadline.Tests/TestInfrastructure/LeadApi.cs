using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Leadline.Tests.TestInfrastructure;

/// <summary>Small helpers for calling the leads API from tests.</summary>
public static class LeadApi
{
    public static async Task<JsonElement> CreateLeadAsync(this HttpClient client, object body)
    {
        var response = await client.PostAsJsonAsync("/api/v1/leads", body);
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    public static async Task<List<string>> LeadNamesAsync(this HttpClient client, string query)
    {
        var response = await client.GetAsync("/api/v1/leads?" + query);
        Assert.True(response.IsSuccessStatusCode, $"{query}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return body.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("name").GetString()!).ToList();
    }

    public static async Task<JsonElement> ErrorsAsync(this HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
    }
}

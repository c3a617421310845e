using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Leadline.Channels;
using Leadline.Conversations.Inbound;
using Leadline.Outbox;
using Leadline.Tests.TestInfrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Leadline.Tests.Conversations;

/// <summary>
/// One app per database kind for the SMS, Messenger and Instagram tests: Twilio and the Graph API pointed at local fakes,
/// a public base URL configured (Twilio's status callbacks), the delivery worker and the outbox dispatcher off (the tests
/// run them; no timed waits).
/// </summary>
public sealed class ChannelFixture : IAsyncLifetime
{
    public const string PublicBaseUrl = "https://crm.example.com";

    private readonly Dictionary<Db, Task<LeadlineApp>> _apps = [];
    private readonly Lock _lock = new();

    public FakeGraphApi Graph { get; private set; } = null!;

    public FakeTwilioApi Twilio { get; private set; } = null!;

    public Task<LeadlineApp> For(Db db)
    {
        lock (_lock)
        {
            if (!_apps.TryGetValue(db, out var app))
                _apps[db] = app = LeadlineApp.StartAsync(db, new Dictionary<string, string?>
                {
                    ["Leadline:Channels:Meta:GraphBaseUrl"] = Graph.BaseUrl,
                    ["Leadline:Channels:Twilio:BaseUrl"] = Twilio.BaseUrl,
                    ["Leadline:PublicBaseUrl"] = PublicBaseUrl,
                    ["Leadline:Webhooks:Enabled"] = "false",
                    ["Leadline:Outbox:Enabled"] = "false",
                    ["Leadline:Outbox:QuickRetryDelayMilliseconds"] = "1",
                });
            return app;
        }
    }

    public async Task InitializeAsync()
    {
        Graph = await FakeGraphApi.StartAsync();
        Twilio = await FakeTwilioApi.StartAsync();
    }

    public async Task DisposeAsync()
    {
        foreach (var app in _apps.Values)
        {
            if (app.IsCompletedSuccessfully)
                await (await app).DisposeAsync();
        }
        await Graph.DisposeAsync();
        await Twilio.DisposeAsync();
    }
}

/// <summary>A channel of a test workspace made through the channels API, and what the tests do with it.</summary>
public sealed class ChannelKit(TestWorkspace workspace, int channelId)
{
    public TestWorkspace Workspace { get; } = workspace;

    public int ChannelId { get; } = channelId;

    public LeadlineApp App => Workspace.App;

    public static async Task<ChannelKit> CreateAsync(TestWorkspace ws, string kind, object settings, object secrets)
    {
        var response = await ws.Admin.PostAsJsonAsync("/api/v1/channels", new { kind, name = $"Test {kind}", settings, secrets });
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return new ChannelKit(ws, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt32());
    }

    /// <summary>Processes every stored delivery (what the worker does when woken).</summary>
    public Task<int> ProcessAsync() => App.Services.GetRequiredService<WebhookDeliveryProcessor>().RunAllAsync(CancellationToken.None);

    public async Task<int> DispatchAsync()
    {
        await using var scope = App.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<OutboxDispatcher>().RunOnceAsync(CancellationToken.None);
    }

    public async Task<T> WithDbAsync<T>(Func<Leadline.Data.LeadlineDb, Task<T>> read)
    {
        await using var scope = Workspace.Scope(out var db);
        return await read(db);
    }

    public async Task<List<JsonElement>> MessagesAsync(int leadId) =>
        (await Workspace.Admin.GetFromJsonAsync<JsonElement>($"/api/v1/leads/{leadId}/messages")).GetProperty("items").EnumerateArray().ToList();

    public async Task<JsonElement> LeadAsync(int id) => await Workspace.Admin.GetFromJsonAsync<JsonElement>($"/api/v1/leads/{id}");

    public Task<HttpResponseMessage> ReplyAsync(int leadId, string text) =>
        Workspace.Admin.PostAsJsonAsync($"/api/v1/leads/{leadId}/messages", new { channelId = ChannelId, text });
}

using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Leadline.Channels;
using Leadline.Conversations.Inbound;
using Leadline.Tests.TestInfrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Leadline.Tests.Conversations;

/// <summary>
/// One app per database kind for the WhatsApp tests, its Graph API pointed at a <see cref="FakeGraphApi"/> and its delivery
/// worker off: the tests store deliveries through the webhook and process them themselves (no timed waits).
/// </summary>
public sealed class WhatsappFixture : IAsyncLifetime
{
    private readonly Dictionary<Db, Task<LeadlineApp>> _apps = [];
    private readonly Lock _lock = new();

    public FakeGraphApi Graph { get; private set; } = null!;

    public Task<LeadlineApp> For(Db db)
    {
        lock (_lock)
        {
            if (!_apps.TryGetValue(db, out var app))
                _apps[db] = app = LeadlineApp.StartAsync(db, new Dictionary<string, string?>
                {
                    ["Leadline:Channels:Meta:GraphBaseUrl"] = Graph.BaseUrl,
                    ["Leadline:Webhooks:Enabled"] = "false",
                    ["Leadline:Webhooks:Parallelism"] = "10",
                });
            return app;
        }
    }

    public async Task InitializeAsync() => Graph = await FakeGraphApi.StartAsync();

    public async Task DisposeAsync()
    {
        foreach (var app in _apps.Values)
        {
            if (app.IsCompletedSuccessfully)
                await (await app).DisposeAsync();
        }
        await Graph.DisposeAsync();
    }
}

/// <summary>A WhatsApp channel of a test workspace and the webhooks Meta would send to it.</summary>
public sealed class WhatsappKit(TestWorkspace workspace, int channelId, string phoneNumberId, string appSecret)
{
    public const string AccessToken = "graph-token-for-tests";

    public TestWorkspace Workspace { get; } = workspace;

    public int ChannelId { get; } = channelId;

    public string PhoneNumberId { get; } = phoneNumberId;

    public string AppSecret { get; } = appSecret;

    /// <summary>A WhatsApp channel written straight into the database (the channels API is another feature's).</summary>
    public static async Task<WhatsappKit> CreateAsync(TestWorkspace ws, string verifyToken = "verify-me")
    {
        var pnid = Random.Shared.NextInt64(100_000_000_000, 999_999_999_999).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var secret = "app-secret-" + Guid.NewGuid().ToString("N")[..8];
        await using var scope = ws.Scope(out var db);
        var channel = new Channel
        {
            Kind = ChannelKind.Whatsapp, Name = "Sales WhatsApp",
            Settings = JsonSerializer.Serialize(new { phoneNumberId = pnid, wabaId = "1234567890987654321", displayPhone = "+972 12-345-6789", verifyToken }),
            Secrets = scope.ServiceProvider.GetRequiredService<ChannelSecrets>().Protect(new Dictionary<string, string> { ["accessToken"] = AccessToken, ["appSecret"] = secret }),
        };
        db.Channels.Add(channel);
        await db.SaveChangesAsync();
        return new WhatsappKit(ws, channel.Id, pnid, secret);
    }

    /// <summary>Posts <paramref name="body"/> signed with the channel's app secret (or <paramref name="signature"/> as given).</summary>
    public async Task<HttpResponseMessage> PostAsync(byte[] body, string? signature = null)
    {
        using var client = Workspace.App.CreateClient();
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/webhooks/meta/{ChannelId}") { Content = content };
        request.Headers.Add(MetaSignature.Header, signature ?? MetaSignature.Sign(AppSecret, body));
        return await client.SendAsync(request);
    }

    public async Task PostOkAsync(JsonNode payload)
    {
        var response = await PostAsync(Bytes(payload));
        Assert.True(response.IsSuccessStatusCode, $"webhook answered {(int)response.StatusCode}");
    }

    /// <summary>Processes every stored delivery (what the worker does when woken).</summary>
    public Task<int> ProcessAsync() => Workspace.App.Services.GetRequiredService<WebhookDeliveryProcessor>().RunAllAsync(CancellationToken.None);

    /// <summary>JSON as Meta sends it: compact, non-ASCII escaped as \uXXXX.</summary>
    public static byte[] Bytes(JsonNode payload) => Encoding.UTF8.GetBytes(payload.ToJsonString());

    /// <summary>A change of field "messages" with <paramref name="value"/>'s members beside the metadata of this channel.</summary>
    public JsonObject Change(JsonObject value, string field = "messages")
    {
        value["messaging_product"] = "whatsapp";
        value["metadata"] = new JsonObject { ["display_phone_number"] = "972123456789", ["phone_number_id"] = PhoneNumberId };
        return new JsonObject
        {
            ["object"] = "whatsapp_business_account",
            ["entry"] = new JsonArray(new JsonObject { ["id"] = "1234567890987654321", ["changes"] = new JsonArray(new JsonObject { ["field"] = field, ["value"] = value }) }),
        };
    }

    public static long Unix(DateTimeOffset at) => at.ToUnixTimeSeconds();

    /// <summary>A customer's message (<paramref name="message"/>: its type and content) from <paramref name="waId"/> with a profile name.</summary>
    public JsonObject Message(string waId, string? name, string id, DateTimeOffset at, JsonObject message, string? bsuid = null)
    {
        message["from"] = waId;
        message["id"] = id;
        message["timestamp"] = Unix(at).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var contact = new JsonObject { ["wa_id"] = waId };
        if (name is not null)
            contact["profile"] = new JsonObject { ["name"] = name };
        if (bsuid is not null)
            contact["user_id"] = bsuid;
        return Change(new JsonObject { ["contacts"] = new JsonArray(contact), ["messages"] = new JsonArray(message) });
    }

    public JsonObject Text(string waId, string? name, string text, string id, DateTimeOffset at, string? bsuid = null) =>
        Message(waId, name, id, at, new JsonObject { ["type"] = "text", ["text"] = new JsonObject { ["body"] = text } }, bsuid);

    public JsonObject Status(string id, string status, DateTimeOffset at, JsonObject? error = null)
    {
        var s = new JsonObject { ["id"] = id, ["status"] = status, ["timestamp"] = Unix(at).ToString(System.Globalization.CultureInfo.InvariantCulture), ["recipient_id"] = "85291234567" };
        if (error is not null)
            s["errors"] = new JsonArray(error);
        return Change(new JsonObject { ["statuses"] = new JsonArray(s) });
    }

    /// <summary>
    /// The shared webhook data (<c>../shared/data/webhooks/whatsapp</c> beside the repository, as CI lays it out). Missing data
    /// fails the test: these payloads are what the parser is judged by.
    /// </summary>
    public static string DataFolder
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Leadline.slnx")))
                dir = dir.Parent;
            var root = dir?.FullName ?? throw new InvalidOperationException("Leadline.slnx not found above the test's folder.");
            var data = Path.GetFullPath(Path.Combine(root, "..", "shared", "data", "webhooks", "whatsapp"));
            return Directory.Exists(data) ? data : throw new DirectoryNotFoundException($"The shared WhatsApp webhook data is missing: {data}");
        }
    }
}

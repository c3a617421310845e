using Leadline.Channels;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Leadline.Data;
using Leadline.Outbox;
using Leadline.Tests.TestInfrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Leadline.Tests.Outbox;

/// <summary>
/// An app whose Graph API is a <see cref="FakeGraphApi"/>, with a workspace and a WhatsApp channel made through the API;
/// the outbox dispatcher does not run by itself: tests call <see cref="DispatchAsync"/>.
/// </summary>
public sealed class SendingHarness : IAsyncDisposable
{
    public const string AccessToken = "graph-token-xyz";
    public const string AppSecret = "app-secret-for-tests";
    public const string PhoneNumberId = "1122334455667";

    public required FakeGraphApi Graph { get; init; }

    public required LeadlineApp App { get; init; }

    public required TestWorkspace Workspace { get; init; }

    public required int ChannelId { get; init; }

    public HttpClient Admin => Workspace.Admin;

    public static Dictionary<string, string?> Settings(FakeGraphApi graph, int maxAttempts = 8) => new()
    {
        ["Leadline:Channels:Meta:GraphBaseUrl"] = graph.BaseUrl,
        ["Leadline:Outbox:Enabled"] = "false",
        ["Leadline:Outbox:QuickRetryDelayMilliseconds"] = "1",
        ["Leadline:Outbox:MaxAttempts"] = maxAttempts.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    public static async Task<SendingHarness> StartAsync(Db db, int maxAttempts = 8, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var graph = await FakeGraphApi.StartAsync();
        var all = Settings(graph, maxAttempts);
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
            all[key] = value;
        var app = await LeadlineApp.StartAsync(db, all);
        var ws = await TestWorkspace.CreateAsync(app);
        var response = await ws.Admin.PostAsJsonAsync("/api/v1/channels", new
        {
            kind = "whatsapp",
            name = "Sales WhatsApp",
            settings = new { phoneNumberId = PhoneNumberId, wabaId = "1234567890987654321", displayPhone = "+972 12-345-6789" },
            secrets = new { accessToken = AccessToken, appSecret = AppSecret },
        });
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        var channel = await response.Content.ReadFromJsonAsync<JsonElement>();
        return new SendingHarness { Graph = graph, App = app, Workspace = ws, ChannelId = channel.GetProperty("id").GetInt32() };
    }

    /// <summary>A lead with a phone; <paramref name="wroteAgo"/> sets Meta's time of its last WhatsApp message (the window).</summary>
    public async Task<int> LeadAsync(string name, string phone, TimeSpan? wroteAgo = null, object? extra = null)
    {
        var lead = await Admin.CreateLeadAsync(extra ?? new { name, phone });
        var id = lead.GetProperty("id").GetInt32();
        if (wroteAgo is { } ago)
        {
            await using var scope = Workspace.Scope(out var db);
            var entity = await db.Leads.FirstAsync(l => l.Id == id);
            entity.WhatsappInboundAt = App.Clock.GetUtcNow().UtcDateTime - ago;
            await db.SaveChangesAsync();
        }
        return id;
    }

    public async Task<int> DispatchAsync(LeadlineApp? app = null)
    {
        await using var scope = (app ?? App).Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<OutboxDispatcher>().RunOnceAsync(CancellationToken.None);
    }

    public async Task<T> WithDbAsync<T>(Func<LeadlineDb, Task<T>> read)
    {
        await using var scope = Workspace.Scope(out var db);
        return await read(db);
    }

    public async ValueTask DisposeAsync()
    {
        await App.DisposeAsync();
        await Graph.DisposeAsync();
    }
}

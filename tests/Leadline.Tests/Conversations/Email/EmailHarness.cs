using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Leadline.Channels;
using Leadline.Conversations;
using Leadline.Conversations.Email;
using Leadline.Data;
using Leadline.Outbox;
using Leadline.Tests.TestInfrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;

namespace Leadline.Tests.Conversations.Email;

/// <summary>An app with an e-mail channel pointed at a <see cref="TestSmtpServer"/> (and an IMAP server, when given); outbox and poller driven by hand.</summary>
public sealed class EmailHarness : IAsyncDisposable
{
    public const string From = "office@leadline.example";

    public required TestSmtpServer Smtp { get; init; }

    public required LeadlineApp App { get; init; }

    public required TestWorkspace Workspace { get; init; }

    public required int ChannelId { get; init; }

    public HttpClient Admin => Workspace.Admin;

    public static async Task<EmailHarness> StartAsync(Db db, Dovecot? imap = null)
    {
        var smtp = new TestSmtpServer();
        var app = await LeadlineApp.StartAsync(db, new Dictionary<string, string?>
        {
            ["Leadline:Outbox:Enabled"] = "false",
            ["Leadline:Outbox:QuickRetryDelayMilliseconds"] = "1",
            ["Leadline:Email:Enabled"] = "false",
        });
        var ws = await TestWorkspace.CreateAsync(app);
        var response = await ws.Admin.PostAsJsonAsync("/api/v1/channels", new
        {
            kind = "email",
            name = "Office mail",
            settings = imap is null
                ? (object)new { smtpHost = "127.0.0.1", smtpPort = smtp.Port, useTls = false, fromAddress = From }
                : new { smtpHost = "127.0.0.1", smtpPort = smtp.Port, useTls = false, fromAddress = From, imapHost = "127.0.0.1", imapPort = imap.Port },
            secrets = new { username = Dovecot.User, password = Dovecot.Password },
        });
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        var channel = await response.Content.ReadFromJsonAsync<JsonElement>();
        return new EmailHarness { Smtp = smtp, App = app, Workspace = ws, ChannelId = channel.GetProperty("id").GetInt32() };
    }

    public async Task<int> LeadAsync(object body) => (await Admin.CreateLeadAsync(body)).GetProperty("id").GetInt32();

    public async Task<int> DispatchAsync()
    {
        await using var scope = App.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<OutboxDispatcher>().RunOnceAsync(CancellationToken.None);
    }

    public Task<EmailPollResult> PollAsync() => App.Services.GetRequiredService<EmailPoller>().PollAsync(ChannelId, force: true, CancellationToken.None);

    public async Task<T> WithDbAsync<T>(Func<LeadlineDb, Task<T>> read)
    {
        await using var scope = Workspace.Scope(out var db);
        return await read(db);
    }

    /// <summary>The mails the SMTP server received, parsed.</summary>
    public List<MimeMessage> Received() =>
        Smtp.Mails.Select(m => MimeMessage.Load(new MemoryStream(System.Text.Encoding.Latin1.GetBytes(m.Data)))).ToList();

    public async ValueTask DisposeAsync()
    {
        await App.DisposeAsync();
        await Smtp.DisposeAsync();
    }
}

using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.WebUtilities;

namespace Leadline.Channels;

/// <summary>
/// A local stand-in for Twilio's Messages API on 127.0.0.1 (the tests use it, and the <c>fake-twilio</c> command runs it
/// for a demo without a Twilio account), speaking Twilio's format: <c>POST /2010-04-01/Accounts/{sid}/Messages.json</c>
/// (form <c>To, From, Body, StatusCallback</c>, basic auth) → 201 <c>{ sid, status: "queued", ... }</c>; media at
/// <c>/media/{id}</c>. It records every request and fails on demand (<see cref="FailNext"/>) with Twilio's error body.
/// </summary>
public sealed class FakeTwilioApi : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _sent;
    private readonly ConcurrentQueue<(int Status, int Code, string Message)> _failures = new();

    public ConcurrentQueue<FakeRequest> Requests { get; } = new();

    /// <summary>Media by id (served at <c>{BaseUrl}/media/{id}</c>): its MIME type and bytes.</summary>
    public ConcurrentDictionary<string, (string MimeType, byte[] Bytes)> Media { get; } = new();

    /// <summary>The base URL to configure as <c>Leadline:Channels:Twilio:BaseUrl</c>.</summary>
    public string BaseUrl { get; private set; } = "";

    private FakeTwilioApi(WebApplication app) => _app = app;

    public static async Task<FakeTwilioApi> StartAsync(int port = 0)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var fake = new FakeTwilioApi(app);
        app.Run(fake.HandleAsync);
        await app.StartAsync();
        fake.BaseUrl = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/');
        return fake;
    }

    /// <summary>The next sends answer with Twilio's error (e.g. 500 code 20500, or 400 code 21211 for an invalid number).</summary>
    public void FailNext(int times, int status = 500, int code = 20500, string message = "Internal Server Error")
    {
        for (var i = 0; i < times; i++)
            _failures.Enqueue((status, code, message));
    }

    public int SentCount => Volatile.Read(ref _sent);

    /// <summary>Messages sent so far (the ones answered 201), as their form fields.</summary>
    public IReadOnlyList<Dictionary<string, string>> SentMessages =>
        Requests.Where(r => r.Method == "POST" && r.Path.EndsWith("/Messages.json", StringComparison.Ordinal) && r.Query == "sent")
            .Select(r => QueryHelpers.ParseQuery(r.Body).ToDictionary(p => p.Key, p => p.Value.ToString())).ToList();

    private async Task HandleAsync(HttpContext http)
    {
        using var reader = new StreamReader(http.Request.Body, Encoding.UTF8);
        var body = await reader.ReadToEndAsync();
        var path = http.Request.Path.Value ?? "";
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (http.Request.Method == "POST" && segments is ["2010-04-01", "Accounts", var account, "Messages.json"])
        {
            if (_failures.TryDequeue(out var failure))
            {
                Requests.Enqueue(new FakeRequest("POST", path, "failed", http.Request.Headers.Authorization.ToString(), body));
                await WriteAsync(http, failure.Status, new { code = failure.Code, message = failure.Message, more_info = $"https://www.twilio.com/docs/errors/{failure.Code}", status = failure.Status });
                return;
            }
            Requests.Enqueue(new FakeRequest("POST", path, "sent", http.Request.Headers.Authorization.ToString(), body));
            var n = Interlocked.Increment(ref _sent);
            var form = QueryHelpers.ParseQuery(body);
            await WriteAsync(http, 201, new
            {
                sid = $"SM{n:D32}", account_sid = account, to = form["To"].ToString(), from = form["From"].ToString(), body = form["Body"].ToString(),
                status = "queued", num_segments = "1", direction = "outbound-api", api_version = "2010-04-01",
            });
            return;
        }
        Requests.Enqueue(new FakeRequest(http.Request.Method, path, http.Request.QueryString.Value ?? "", http.Request.Headers.Authorization.ToString(), body));
        if (http.Request.Method == "GET" && segments is ["media", var id] && Media.TryGetValue(id, out var media))
        {
            http.Response.ContentType = media.MimeType;
            await http.Response.Body.WriteAsync(media.Bytes);
            return;
        }
        await WriteAsync(http, 404, new { code = 20404, message = $"The requested resource {path} was not found", status = 404 });
    }

    private static async Task WriteAsync(HttpContext http, int status, object body)
    {
        http.Response.StatusCode = status;
        http.Response.ContentType = "application/json";
        await http.Response.WriteAsync(JsonSerializer.Serialize(body));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

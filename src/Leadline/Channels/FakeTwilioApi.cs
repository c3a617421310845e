using System.Collections.Concurrent;
using Microsoft.AspNetCore.WebUtilities;

namespace Leadline.Channels;

/// <summary>
/// A local stand-in for Twilio's Messages API on 127.0.0.1 (the tests use it, and the <c>fake-twilio</c> command runs it
/// for a demo without a Twilio account), speaking Twilio's format: <c>POST /2010-04-01/Accounts/{sid}/Messages.json</c>
/// (form <c>To, From, Body, StatusCallback</c>, basic auth) → 201 <c>{ sid, status: "queued", ... }</c>; media at
/// <c>/media/{id}</c>. It records every request and fails on demand (<see cref="FailNext"/>) with Twilio's error body.
/// </summary>
public sealed class FakeTwilioApi : FakeProviderApi
{
    /// <summary>Media by id (served at <c>{BaseUrl}/media/{id}</c>): its MIME type and bytes.</summary>
    public ConcurrentDictionary<string, (string MimeType, byte[] Bytes)> Media { get; } = new();

    /// <summary>The base URL to configure as <c>Leadline:Channels:Twilio:BaseUrl</c>.</summary>
    public string BaseUrl { get; private set; } = "";

    public static async Task<FakeTwilioApi> StartAsync(int port = 0)
    {
        var fake = new FakeTwilioApi();
        fake.BaseUrl = await fake.ListenAsync(port);
        return fake;
    }

    /// <summary>The next sends answer with Twilio's error (e.g. 500 code 20500, or 400 code 21211 for an invalid number).</summary>
    public void FailNext(int times, int status = 500, int code = 20500, string message = "Internal Server Error")
    {
        QueueFailures(times, status, code, message);
    }

    /// <summary>Messages sent so far (the ones answered 201), as their form fields.</summary>
    public IReadOnlyList<Dictionary<string, string>> SentMessages =>
        Requests.Where(r => r.Method == "POST" && r.Path.EndsWith("/Messages.json", StringComparison.Ordinal) && r.Query == "sent")
            .Select(r => QueryHelpers.ParseQuery(r.Body).ToDictionary(p => p.Key, p => p.Value.ToString())).ToList();

    protected override async Task HandleAsync(HttpContext http)
    {
        var body = await ReadBodyAsync(http);
        var path = http.Request.Path.Value ?? "";
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (http.Request.Method == "POST" && segments is ["2010-04-01", "Accounts", var account, "Messages.json"])
        {
            if (TryTakeFailure(out var failure))
            {
                Requests.Enqueue(new FakeRequest("POST", path, "failed", http.Request.Headers.Authorization.ToString(), body));
                await WriteAsync(http, failure.Status, new { code = failure.Code, message = failure.Message, more_info = $"https://www.twilio.com/docs/errors/{failure.Code}", status = failure.Status });
                return;
            }
            Requests.Enqueue(new FakeRequest("POST", path, "sent", http.Request.Headers.Authorization.ToString(), body));
            var n = CountSent();
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
}

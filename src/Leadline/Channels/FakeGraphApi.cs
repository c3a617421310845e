using System.Collections.Concurrent;
using System.Text.Json.Nodes;

namespace Leadline.Channels;

/// <summary>
/// A local stand-in for the Graph API endpoints Leadline calls, on 127.0.0.1 (the tests use it, and the <c>fake-meta</c>
/// command runs it for a demo without a Meta account), speaking Meta's documented format:
/// <c>POST /{phone-number-id}/messages</c> → <c>{ messaging_product, contacts, messages: [{ id }] }</c>,
/// <c>GET /{media-id}</c> → <c>{ url, mime_type, ... }</c> and the media's bytes at that url,
/// <c>GET /{waba-id}/message_templates</c> → <c>{ data: [...] }</c>. It records every request and fails on demand
/// (<see cref="FailNext"/>) with Meta's error body.
/// </summary>
public sealed class FakeGraphApi : FakeProviderApi
{
    /// <summary>Templates the WABA has, as Meta lists them (name, language, status, category, components).</summary>
    public List<JsonObject> Templates { get; } = [];

    /// <summary>
    /// Templates per page of the template list (0: all on one page); with more, each page's <c>paging.next</c> is the
    /// absolute URL of the next one (an <c>after</c> cursor), as Meta pages.
    /// </summary>
    public int TemplatePageSize { get; set; }

    /// <summary>Media by id: its MIME type and bytes.</summary>
    public ConcurrentDictionary<string, (string MimeType, byte[] Bytes)> Media { get; } = new();

    /// <summary>A small checked picture (PNG) served for any media id the simulators make up (<c>sim-…</c>), so a simulated photo shows.</summary>
    public static readonly byte[] SimulatedPhoto = Convert.FromBase64String(
        "iVBORw0KGgoAAAANSUhEUgAAADAAAAAwCAIAAADYYG7QAAAAUElEQVR42u3XsQ0AIAgEQEdxdGsHs2YER0ASo80lXz/XAa2PmSZipbnV04CAgICAgIqgl8NOeoCAgICAgKog2x4ICAgIyF/m/AACAgIC+graHkvZD0RrTkYAAAAASUVORK5CYII=");

    private bool TryMedia(string id, out (string MimeType, byte[] Bytes) media)
    {
        if (Media.TryGetValue(id, out media))
            return true;
        media = ("image/png", SimulatedPhoto);
        return id.StartsWith("sim-", StringComparison.Ordinal);
    }

    /// <summary>Messenger and Instagram user profiles by PSID/IGSID, answered to <c>GET /{id}?fields=...</c>.</summary>
    public ConcurrentDictionary<string, JsonObject> Profiles { get; } = new();

    /// <summary>Send API calls (Messenger, Instagram) received so far, as parsed JSON bodies, with the id in their path.</summary>
    public IReadOnlyList<(string Sender, JsonObject Body)> SendApiMessages =>
        Requests.Where(r => r.Method == "POST" && r.Path.EndsWith("/messages", StringComparison.Ordinal) && r.Body.Contains("\"recipient\"", StringComparison.Ordinal))
            .Select(r => (r.Path.Split('/', StringSplitOptions.RemoveEmptyEntries)[^2], JsonNode.Parse(r.Body)!.AsObject())).ToList();

    /// <summary>The base URL to configure as <c>Leadline:Channels:Meta:GraphBaseUrl</c>.</summary>
    public string BaseUrl { get; private set; } = "";

    public static async Task<FakeGraphApi> StartAsync(int port = 0)
    {
        var fake = new FakeGraphApi();
        fake.BaseUrl = await fake.ListenAsync(port) + "/v25.0";
        return fake;
    }

    /// <summary>The next sends answer with Meta's error (e.g. 500 with code 131000, or 400 with 131047 re-engagement).</summary>
    public void FailNext(int times, int status = 500, int code = 131000, string message = "Something went wrong")
    {
        QueueFailures(times, status, code, message);
    }

    /// <summary>Message sends received so far, as parsed JSON bodies.</summary>
    public IReadOnlyList<JsonObject> SentMessages =>
        Requests.Where(r => r.Method == "POST" && r.Path.EndsWith("/messages", StringComparison.Ordinal)).Select(r => JsonNode.Parse(r.Body)!.AsObject()).ToList();

    /// <summary>Waits (at most 15 s) until a message send matching <paramref name="match"/> has been received (the outbox sends by itself).</summary>
    public async Task<JsonObject> SentAsync(Func<JsonObject, bool> match)
    {
        for (var i = 0; i < 150; i++)
        {
            if (SentMessages.FirstOrDefault(match) is { } sent)
                return sent;
            await Task.Delay(100);
        }
        throw new TimeoutException("The fake Graph API received no such message.");
    }

    protected override async Task HandleAsync(HttpContext http)
    {
        var body = await ReadBodyAsync(http);
        var path = http.Request.Path.Value ?? "";
        Requests.Enqueue(new FakeRequest(http.Request.Method, path, http.Request.QueryString.Value ?? "", http.Request.Headers.Authorization.ToString(), body));
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);   // v25.0, id, edge
        if (http.Request.Method == "POST" && segments is [_, _, "messages"])
        {
            if (TryTakeFailure(out var failure))
            {
                await WriteAsync(http, failure.Status, new { error = new { message = failure.Message, type = "OAuthException", code = failure.Code, fbtrace_id = "Afake" } });
                return;
            }
            var n = CountSent();
            if (JsonNode.Parse(body)?["recipient"]?["id"]?.GetValue<string>() is { } recipient)
            {
                // Messenger's and Instagram's Send API
                await WriteAsync(http, 200, new { recipient_id = recipient, message_id = $"m_fake.{n}" });
                return;
            }
            var to = JsonNode.Parse(body)?["to"]?.GetValue<string>() ?? "";
            await WriteAsync(http, 200, new { messaging_product = "whatsapp", contacts = new[] { new { input = to, wa_id = to.TrimStart('+') } },
                messages = new[] { new { id = $"wamid.fake.{n}" } } });
            return;
        }
        if (http.Request.Method == "GET" && segments is [_, _, "message_templates"])
        {
            await WriteAsync(http, 200, TemplatePage(http.Request));
            return;
        }
        if (http.Request.Method == "GET" && segments is ["media-bytes", var id] && TryMedia(id, out var bytes))
        {
            http.Response.ContentType = bytes.MimeType;
            await http.Response.Body.WriteAsync(bytes.Bytes);
            return;
        }
        if (http.Request.Method == "GET" && segments is [_, var mediaId] && TryMedia(mediaId, out var media))
        {
            var baseUrl = BaseUrl[..BaseUrl.LastIndexOf('/')];
            await WriteAsync(http, 200, new { url = $"{baseUrl}/media-bytes/{mediaId}", mime_type = media.MimeType, sha256 = "", file_size = media.Bytes.Length,
                id = mediaId, messaging_product = "whatsapp" });
            return;
        }
        if (http.Request.Method == "GET" && segments is [_, var userId] && Profiles.TryGetValue(userId, out var profile))
        {
            await WriteAsync(http, 200, profile);
            return;
        }
        await WriteAsync(http, 404, new { error = new { message = $"Unsupported request {http.Request.Method} {path}", type = "GraphMethodException", code = 100 } });
    }

    private object TemplatePage(HttpRequest request)
    {
        if (TemplatePageSize <= 0)
            return new { data = Templates, paging = new { } };
        var from = int.TryParse(request.Query["after"], System.Globalization.CultureInfo.InvariantCulture, out var after) ? after : 0;
        var page = Templates.Skip(from).Take(TemplatePageSize).ToList();
        var end = from + page.Count;
        if (end >= Templates.Count)
            return new { data = page, paging = new { cursors = new { before = $"{from}", after = $"{end}" } } };
        var next = $"{request.Scheme}://{request.Host}{request.Path}?limit={TemplatePageSize}&after={end}";
        return new { data = page, paging = new { cursors = new { before = $"{from}", after = $"{end}" }, next } };
    }
}


using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Leadline.Channels;

/// <summary>
/// What the local provider fakes (<see cref="FakeGraphApi"/>, <see cref="FakeTwilioApi"/>) share: a small Kestrel app on
/// 127.0.0.1 running the fake's handler, every request recorded, sends failed on demand, JSON answers.
/// </summary>
public abstract class FakeProviderApi : IAsyncDisposable
{
    private WebApplication? _app;
    private int _sent;
    private readonly ConcurrentQueue<(int Status, int Code, string Message)> _failures = new();

    public ConcurrentQueue<FakeRequest> Requests { get; } = new();

    public int SentCount => Volatile.Read(ref _sent);

    /// <summary>Starts listening (port 0: any free one); returns the root address, without a trailing slash.</summary>
    protected async Task<string> ListenAsync(int port)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Logging.ClearProviders();
        _app = builder.Build();
        _app.Run(HandleAsync);
        await _app.StartAsync();
        return _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/');
    }

    protected abstract Task HandleAsync(HttpContext http);

    /// <summary>The next <paramref name="times"/> sends answer with the provider's error.</summary>
    protected void QueueFailures(int times, int status, int code, string message)
    {
        for (var i = 0; i < times; i++)
            _failures.Enqueue((status, code, message));
    }

    protected bool TryTakeFailure(out (int Status, int Code, string Message) failure) => _failures.TryDequeue(out failure);

    /// <summary>Counts a send answered as sent; returns its number (for the provider's message id).</summary>
    protected int CountSent() => Interlocked.Increment(ref _sent);

    protected static async Task<string> ReadBodyAsync(HttpContext http)
    {
        using var reader = new StreamReader(http.Request.Body, Encoding.UTF8);
        return await reader.ReadToEndAsync();
    }

    protected static async Task WriteAsync(HttpContext http, int status, object body)
    {
        http.Response.StatusCode = status;
        http.Response.ContentType = "application/json";
        await http.Response.WriteAsync(JsonSerializer.Serialize(body));
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
        GC.SuppressFinalize(this);
    }
}

/// <summary>A request the fake received.</summary>
public sealed record FakeRequest(string Method, string Path, string Query, string Authorization, string Body);

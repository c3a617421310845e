using System.Collections.Concurrent;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace Leadline.Tests.TestInfrastructure;

/// <summary>The real app (Program) in memory, on its own fresh database, with a hand-driven clock and captured logs.</summary>
public sealed class LeadlineApp(
    TestDatabase database, IReadOnlyDictionary<string, string?>? settings = null, bool ownsDatabase = true, Action<IServiceCollection>? services = null)
    : WebApplicationFactory<Program>
{
    public TestDatabase Database { get; } = database;

    public ManualTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 11, 2, 9, 0, 0, TimeSpan.Zero));

    public ConcurrentQueue<string> Logs { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        builder.UseSetting("Leadline:Database:Provider", Database.Provider.ToString());
        builder.UseSetting("ConnectionStrings:Leadline", Database.ConnectionString);
        builder.UseSetting("Leadline:Auth:TokenRequestsPerMinute", "100000");
        builder.UseSetting("Leadline:Reminders:Enabled", "false");   // tests run the dispatcher themselves
        builder.UseSetting("Leadline:Reservations:Enabled", "false");   // and the reservation release
        builder.UseSetting("Leadline:Duplicates:Enabled", "false");   // and the match-key indexer
        builder.UseSetting("Leadline:Storage:Path", Path.Combine(Path.GetTempPath(), "leadline-test-files", Guid.NewGuid().ToString("N")));
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
            builder.UseSetting(key, value);
        builder.ConfigureLogging(logging => logging.AddProvider(new CapturingLoggerProvider(Logs)));
        builder.ConfigureTestServices(collection =>
        {
            collection.RemoveAll<TimeProvider>();
            collection.AddSingleton<TimeProvider>(Clock);
            services?.Invoke(collection);   // a test's own additions (a fault to inject, say)
        });
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (ownsDatabase)   // a second instance on the same database leaves it to the first
            await Database.DisposeAsync();
    }

    public static async Task<LeadlineApp> StartAsync(Db db, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var app = new LeadlineApp(await TestDatabase.CreateAsync(db), settings);
        app.StartServer();
        return app;
    }

    private sealed class CapturingLoggerProvider(ConcurrentQueue<string> sink) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new CapturingLogger(categoryName, sink);

        public void Dispose() { }
    }

    private sealed class CapturingLogger(string category, ConcurrentQueue<string> sink) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            sink.Enqueue($"{logLevel} {category}: {formatter(state, exception)} {exception}");
    }
}

/// <summary>
/// Class fixture: one app per database kind per test class (a fresh database per class); tests inside share it
/// and stay independent by each creating their own workspace and users.
/// </summary>
public sealed class AppFixture : IAsyncLifetime
{
    private readonly Dictionary<Db, Task<LeadlineApp>> _apps = [];
    private readonly Lock _lock = new();

    public Task<LeadlineApp> For(Db db)
    {
        lock (_lock)
        {
            if (!_apps.TryGetValue(db, out var app))
                _apps[db] = app = LeadlineApp.StartAsync(db);
            return app;
        }
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var app in _apps.Values)
        {
            if (app.IsCompletedSuccessfully)
                await (await app).DisposeAsync();
        }
    }
}

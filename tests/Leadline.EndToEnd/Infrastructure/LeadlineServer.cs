using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Playwright;

namespace Leadline.EndToEnd.Infrastructure;

/// <summary>
/// Class fixture: the real app on Kestrel (loopback, random port) over a fresh SQLite file, plus one headless
/// Chromium. Tests of a class share both and stay independent by using their own users (Guid e-mails);
/// each test opens its own browser contexts, so every context is a separate signed-in person.
/// </summary>
[SuppressMessage("Design", "CA1001:Types that own disposable fields should be disposable", Justification = "xunit disposes class fixtures through IAsyncLifetime.DisposeAsync")]
public abstract class LeadlineServer : IAsyncLifetime
{
    public const string ChromiumVariable = "LEADLINE_CHROMIUM";
    public const string DefaultChromium = "/usr/bin/chromium";

    private static readonly string[] ChromiumArgs =
    [
        "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ];

    private readonly string _folder = Directory.CreateTempSubdirectory("leadline-e2e-").FullName;
    private LeadlineFactory? _factory;
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public string BaseUrl { get; private set; } = "";

    public IBrowser Browser => _browser ?? throw new InvalidOperationException("The fixture has not started.");

    /// <summary>The app's services, for arranging data the way the app itself would (e.g. demo leads).</summary>
    public IServiceProvider Services => _factory?.Services ?? throw new InvalidOperationException("The fixture has not started.");

    /// <summary>Error and critical log lines of the server (exceptions included), for "nothing broke" checks.</summary>
    public ConcurrentQueue<string> ServerErrors { get; } = new();

    /// <summary>Extra settings on top of the database ones (e.g. the env admin).</summary>
    protected virtual IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>();

    public async Task InitializeAsync()
    {
        // fail loudly before starting anything: a missing browser must never look like a green run
        var chromium = Environment.GetEnvironmentVariable(ChromiumVariable) is { Length: > 0 } path ? path : DefaultChromium;
        if (!File.Exists(chromium))
        {
            throw new InvalidOperationException(
                $"Chromium was not found at '{chromium}' (CI={Environment.GetEnvironmentVariable("CI") ?? "unset"}). " +
                $"The end-to-end tests need a real browser: install it (apt-get install chromium) or point {ChromiumVariable} at a Chromium binary.");
        }

        var settings = new Dictionary<string, string?>
        {
            ["Leadline:Database:Provider"] = "Sqlite",
            ["ConnectionStrings:Leadline"] = $"Data Source={Path.Combine(_folder, "leadline.db")}",
            ["Leadline:Auth:TokenRequestsPerMinute"] = "100000",
            ["Leadline:Storage:Path"] = Path.Combine(_folder, "files"),
            ["Leadline:Reminders:IntervalSeconds"] = "1",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        foreach (var (key, value) in Settings)
            settings[key] = value;

        _factory = new LeadlineFactory(settings, ServerErrors);
        _factory.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        _factory.StartServer();
        BaseUrl = _factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();

        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = chromium,
            Headless = true,
            Args = ChromiumArgs,
        });
        await ArrangeAsync();
    }

    /// <summary>Data a fixture puts in place once its server runs.</summary>
    protected virtual Task ArrangeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        // the browser goes first, so Kestrel does not wait for its open connections
        if (_browser is not null)
            await _browser.CloseAsync();
        _playwright?.Dispose();
        if (_factory is not null)
            await _factory.DisposeAsync();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // a leftover temp folder is harmless
        }
        await AfterStopAsync();
    }

    /// <summary>Clean-up once the server has stopped (a database of its own).</summary>
    protected virtual Task AfterStopAsync() => Task.CompletedTask;

    private sealed class LeadlineFactory(IReadOnlyDictionary<string, string?> settings, ConcurrentQueue<string> errors)
        : WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseEnvironment("Development");
            foreach (var (key, value) in settings)
                builder.UseSetting(key, value);
            builder.ConfigureLogging(logging => logging.AddProvider(new ErrorLogProvider(errors)));
        }
    }

    private sealed class ErrorLogProvider(ConcurrentQueue<string> sink) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new ErrorLogger(categoryName, sink);

        public void Dispose()
        {
        }
    }

    private sealed class ErrorLogger(string category, ConcurrentQueue<string> sink) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Error;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
                sink.Enqueue($"{logLevel} {category}: {formatter(state, exception)} {exception}");
        }
    }
}

/// <summary>A server on an empty database: the first visit goes to the one-time setup page.</summary>
public sealed class EmptyServer : LeadlineServer;

/// <summary>A server whose first workspace and admin come from <c>Leadline:Admin</c> settings, as in a container start.</summary>
public class AdminServer : LeadlineServer
{
    public const string AdminEmail = "grace.admin@example.com";
    public const string AdminPassword = "Admin!Passw0rd#1";
    public const string AdminName = "Grace Hopper";
    public const string WorkspaceName = "Acme Sales";

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Leadline:Admin:Email"] = AdminEmail,
        ["Leadline:Admin:Password"] = AdminPassword,
        ["Leadline:Admin:Name"] = AdminName,
        ["Leadline:Admin:Workspace"] = WorkspaceName,
    };
}

/// <summary>
/// <see cref="AdminServer"/> on a fresh PostgreSQL database of its own (created from <c>LEADLINE_TEST_PG</c>, dropped at the
/// end): there queries really are asynchronous, so components that share a request's DbContext can overlap, which SQLite
/// never shows. Without a configured server it runs on SQLite (<see cref="OnPostgres"/> false); under CI it must have one.
/// </summary>
public sealed class PostgresAdminServer : AdminServer
{
    private readonly string? _server = Environment.GetEnvironmentVariable("LEADLINE_TEST_PG") is { Length: > 0 } pg ? pg : null;
    private readonly string _database = "leadline_e2e_" + Guid.NewGuid().ToString("N")[..12];

    public PostgresAdminServer()
    {
        if (_server is null && string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
            throw new InvalidOperationException("CI runs the PostgreSQL browser tests: set LEADLINE_TEST_PG.");
        if (_server is not null)
            Execute($"CREATE DATABASE {_database}");
    }

    public bool OnPostgres => _server is not null;

    protected override IReadOnlyDictionary<string, string?> Settings
    {
        get
        {
            var settings = new Dictionary<string, string?>(base.Settings);
            if (_server is not null)
            {
                settings["Leadline:Database:Provider"] = "Postgres";
                settings["ConnectionStrings:Leadline"] = new Npgsql.NpgsqlConnectionStringBuilder(_server) { Database = _database }.ConnectionString;
            }
            return settings;
        }
    }

    protected override Task AfterStopAsync()
    {
        if (_server is not null)
        {
            Npgsql.NpgsqlConnection.ClearAllPools();
            Execute($"DROP DATABASE IF EXISTS {_database} WITH (FORCE)");
        }
        return Task.CompletedTask;
    }

    private void Execute(string sql)
    {
        using var connection = new Npgsql.NpgsqlConnection(_server);
        connection.Open();
        using var command = new Npgsql.NpgsqlCommand(sql, connection);
        command.ExecuteNonQuery();
    }
}

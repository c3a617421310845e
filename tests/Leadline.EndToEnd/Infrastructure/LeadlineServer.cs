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
/// Class fixture: the real app on Kestrel (loopback, random port) over a fresh SQLite file (or, with
/// <c>LEADLINE_E2E_DB=postgres</c>, a fresh PostgreSQL database of its own), plus one headless Chromium. Tests of a class share both and stay independent by using their own users (Guid e-mails);
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

    /// <summary>Set to "postgres" to run every browser test on PostgreSQL (the second browser pass of scripts/test.sh).</summary>
    public const string DatabaseVariable = "LEADLINE_E2E_DB";

    private readonly string _folder = Directory.CreateTempSubdirectory("leadline-e2e-").FullName;
    private readonly string? _postgresServer = Environment.GetEnvironmentVariable("LEADLINE_TEST_PG") is { Length: > 0 } pg ? pg : null;
    private string? _postgresDatabase;
    private LeadlineFactory? _factory;
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public string BaseUrl { get; private set; } = "";

    public IBrowser Browser => _browser ?? throw new InvalidOperationException("The fixture has not started.");

    /// <summary>The app's services, for arranging data the way the app itself would (e.g. demo leads).</summary>
    public IServiceProvider Services => _factory?.Services ?? throw new InvalidOperationException("The fixture has not started.");

    /// <summary>Error and critical log lines of the server (exceptions included), for "nothing broke" checks.</summary>
    public ConcurrentQueue<string> ServerErrors { get; } = new();

    /// <summary>Whether the server runs on PostgreSQL (a database created for it from <c>LEADLINE_TEST_PG</c>, dropped after).</summary>
    public bool OnPostgres => _postgresDatabase is not null;

    private static bool EveryTestOnPostgres => string.Equals(Environment.GetEnvironmentVariable(DatabaseVariable), "postgres", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// PostgreSQL rather than SQLite. There queries really are asynchronous, so components that share a request's DbContext
    /// can overlap, which SQLite never shows.
    /// </summary>
    protected virtual bool WantsPostgres => EveryTestOnPostgres;

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

        if (WantsPostgres && _postgresServer is null
            && (EveryTestOnPostgres || string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase)))
            throw new InvalidOperationException("These browser tests run on PostgreSQL: set LEADLINE_TEST_PG to a server the tests may create databases on.");
        if (WantsPostgres && _postgresServer is not null)
        {
            _postgresDatabase = "leadline_e2e_" + Guid.NewGuid().ToString("N")[..12];
            await ExecuteOnPostgresAsync($"CREATE DATABASE {_postgresDatabase}");
        }

        var settings = new Dictionary<string, string?>
        {
            ["Leadline:Database:Provider"] = OnPostgres ? "Postgres" : "Sqlite",
            ["ConnectionStrings:Leadline"] = OnPostgres
                ? new Npgsql.NpgsqlConnectionStringBuilder(_postgresServer) { Database = _postgresDatabase }.ConnectionString
                : $"Data Source={Path.Combine(_folder, "leadline.db")}",
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
        if (_postgresDatabase is not null)
        {
            Npgsql.NpgsqlConnection.ClearAllPools();
            await ExecuteOnPostgresAsync($"DROP DATABASE IF EXISTS {_postgresDatabase} WITH (FORCE)");
        }
    }

    private async Task ExecuteOnPostgresAsync(string sql)
    {
        await using var connection = new Npgsql.NpgsqlConnection(_postgresServer);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

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
/// <see cref="AdminServer"/> on PostgreSQL even in the SQLite browser pass. Without a configured server it runs on SQLite
/// (<see cref="LeadlineServer.OnPostgres"/> false); under CI it must have one.
/// </summary>
public sealed class PostgresAdminServer : AdminServer
{
    protected override bool WantsPostgres => true;
}

using Leadline.Data;
using Leadline.Workspaces;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Leadline.Bench;

/// <summary>
/// A fresh database (a temp SQLite file, or a new PostgreSQL database leadline_bench_&lt;random&gt;) and the app itself
/// on it: Program composes its services and migrates the database at start-up (DatabaseMigrator), hosted in
/// memory by WebApplicationFactory, so nothing listens on a network. Disposing drops the database.
/// </summary>
internal sealed class BenchDatabase : IAsyncDisposable
{
    private readonly string _folder;
    private readonly string? _pgServer;
    private readonly string? _pgName;
    private readonly bool _keep;

    private BenchDatabase(DatabaseProvider provider, string connectionString, string folder, string? pgServer, string? pgName, bool keep)
    {
        _keep = keep;
        Provider = provider;
        ConnectionString = connectionString;
        _folder = folder;
        _pgServer = pgServer;
        _pgName = pgName;
        App = new BenchApp(provider, connectionString, folder);
    }

    public DatabaseProvider Provider { get; }

    public string ConnectionString { get; }

    /// <summary>The real app (Program), hosted in memory without a server socket.</summary>
    public WebApplicationFactory<Program> App { get; }

    public string Name => Provider == DatabaseProvider.Sqlite ? "SQLite" : "PostgreSQL";

    /// <summary>The app on an existing database (the export process); disposing leaves the database alone.</summary>
    public static BenchDatabase Attach(DatabaseProvider provider, string connectionString) =>
        new(provider, connectionString, Directory.CreateTempSubdirectory("leadline-bench-child-").FullName, null, null, keep: false);

    public static async Task<BenchDatabase> CreateAsync(string kind, string? pgServer, bool keep)
    {
        var folder = Directory.CreateTempSubdirectory("leadline-bench-").FullName;
        if (kind == "sqlite")
            return new BenchDatabase(DatabaseProvider.Sqlite, $"Data Source={Path.Combine(folder, "leadline.db")}", folder, null, null, keep);
        if (string.IsNullOrEmpty(pgServer))
            throw new ArgumentException($"PostgreSQL needs --pg \"<connection string>\" or {BenchOptions.PostgresVariable}.");
        var name = "leadline_bench_" + Guid.NewGuid().ToString("N")[..12];
        await using (var connection = new NpgsqlConnection(pgServer))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            await create.ExecuteNonQueryAsync();
        }
        var cs = new NpgsqlConnectionStringBuilder(pgServer) { Database = name }.ConnectionString;
        return new BenchDatabase(DatabaseProvider.Postgres, cs, folder, pgServer, name, keep);
    }

    /// <summary>
    /// An earlier run's kept database, already seeded: <c>--reuse NAME</c> names a PostgreSQL database on the server,
    /// <c>--reuse PATH --db sqlite</c> a SQLite file. Disposing leaves it alone.
    /// </summary>
    public static BenchDatabase Reuse(string kind, string? pgServer, string name) => kind == "sqlite"
        ? new(DatabaseProvider.Sqlite, $"Data Source={Path.GetFullPath(name)}", Directory.CreateTempSubdirectory("leadline-bench-").FullName, null, null, keep: true)
        : new(DatabaseProvider.Postgres,
            new NpgsqlConnectionStringBuilder(pgServer ?? throw new ArgumentException($"--reuse needs --pg or {BenchOptions.PostgresVariable}.")) { Database = name }.ConnectionString,
            Directory.CreateTempSubdirectory("leadline-bench-").FullName, null, null, keep: true);

    /// <summary>The bench workspace and its admin in a reused database: (workspace id, admin user id).</summary>
    public async Task<(int WorkspaceId, int AdminId)> FindAsync(CancellationToken ct)
    {
        await using var scope = App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<LeadlineDb>();
        var admin = await db.Users.IgnoreQueryFilters().Where(u => u.Email == BenchAdmin.Email).Select(u => new { u.Id, u.WorkspaceId }).SingleAsync(ct);
        return (admin.WorkspaceId, admin.Id);
    }

    /// <summary>Migrates with the app's migrator and creates a workspace with its admin; returns (workspace id, admin user id).</summary>
    public async Task<(int WorkspaceId, int AdminId)> PrepareAsync(CancellationToken ct)
    {
        await App.Services.MigrateLeadlineDatabaseAsync(ct);   // Program already did at start-up; this is a no-op that fails loudly if not
        await using var scope = App.Services.CreateAsyncScope();
        var created = await scope.ServiceProvider.GetRequiredService<WorkspaceService>().CreateWithAdminAsync(new NewWorkspaceRequest
        {
            Name = "Bench",
            TimeZone = "UTC",
            DefaultCountry = "US",
            AdminName = "Bench Admin",
            AdminEmail = BenchAdmin.Email,
            AdminPassword = BenchAdmin.Password,
        }, ct);
        if (!created.Succeeded)
            throw new InvalidOperationException("Could not create the bench workspace: " + string.Join(" ", created.Errors.All) + created.Conflict);
        var db = scope.ServiceProvider.GetRequiredService<LeadlineDb>();
        var adminId = await db.Users.IgnoreQueryFilters().Where(u => u.Email == BenchAdmin.Email).Select(u => u.Id).SingleAsync(ct);
        return (created.Value!.Id, adminId);
    }

    /// <summary>A DI scope entered into the workspace, as a request of one of its users would be.</summary>
    public AsyncServiceScope Scope(int workspaceId)
    {
        var scope = App.Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<WorkspaceScope>().Enter(workspaceId);
        return scope;
    }

    /// <summary>Runs one statement outside the app (VACUUM, ANALYZE); VACUUM cannot run in a transaction.</summary>
    public async Task ExecuteAsync(string sql, CancellationToken ct)
    {
        await using var scope = App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<LeadlineDb>();
        db.Database.SetCommandTimeout(TimeSpan.FromMinutes(30));
        await db.Database.ExecuteSqlRawAsync(sql, ct);
    }

    public async Task<long> SizeBytesAsync(CancellationToken ct)
    {
        await using var scope = App.Services.CreateAsyncScope();
        var connection = scope.ServiceProvider.GetRequiredService<LeadlineDb>().Database.GetDbConnection();
        await connection.OpenAsync(ct);
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = Provider == DatabaseProvider.Sqlite
            ? "SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()"
            : "SELECT pg_database_size(current_database())";
        return Convert.ToInt64(await cmd.ExecuteScalarAsync(ct));
    }

    public async ValueTask DisposeAsync()
    {
        await App.DisposeAsync();
        if (_keep)
        {
            await Console.Error.WriteLineAsync($"Kept the database: {ConnectionString}");
            return;
        }
        if (_pgName is not null)
        {
            NpgsqlConnection.ClearAllPools();
            await using var connection = new NpgsqlConnection(_pgServer);
            await connection.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {_pgName} WITH (FORCE)", connection);
            await drop.ExecuteNonQueryAsync();
        }
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            await Console.Error.WriteLineAsync($"Could not delete {_folder}; remove it by hand.");
        }
    }

    /// <summary>
    /// Another instance of the app on this database, listening on a loopback port (for measurements over real HTTP), with
    /// extra settings; its base address is the returned factory's <c>ClientOptions.BaseAddress</c>. The caller disposes it.
    /// </summary>
    public WebApplicationFactory<Program> StartOnLoopback(IReadOnlyDictionary<string, string> settings)
    {
        var app = new BenchApp(Provider, ConnectionString, _folder, settings);
        app.UseKestrel(o => o.Listen(System.Net.IPAddress.Loopback, 0));
        app.StartServer();
        return app;
    }

    private sealed class BenchApp(DatabaseProvider provider, string connectionString, string folder, IReadOnlyDictionary<string, string>? settings = null)
        : WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseEnvironment("Production");
            // the content root is watched for configuration changes: keep the database file out of it, or every write
            // to the SQLite file and its WAL wakes the file watcher
            builder.UseContentRoot(Directory.CreateDirectory(Path.Combine(folder, "app")).FullName);
            builder.UseSetting("Leadline:Database:Provider", provider.ToString());
            builder.UseSetting("ConnectionStrings:Leadline", connectionString);
            builder.UseSetting("Leadline:Storage:Path", Path.Combine(folder, "files"));
            // no background reminder worker: the reminder bench runs its own dispatchers and counts what they fire
            builder.UseSetting("Leadline:Reminders:Enabled", "false");
            builder.UseSetting("Leadline:Outbox:Enabled", "false");   // the outbox bench runs app processes of its own
            // nor the import jobs' worker: the import bench runs the jobs itself, one at a time
            builder.UseSetting("Leadline:Imports:JobsEnabled", "false");
            // nor the webhook worker: the WhatsApp bench's app on a loopback port processes its own deliveries
            builder.UseSetting("Leadline:Webhooks:Enabled", "false");
            foreach (var (key, value) in settings ?? new Dictionary<string, string>())
                builder.UseSetting(key, value);
            builder.ConfigureLogging(logging => logging.ClearProviders()
                .AddSimpleConsole(o => o.SingleLine = true)
                .AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace)
                .SetMinimumLevel(LogLevel.Warning)
                .AddFilter("Microsoft.EntityFrameworkCore.Query", LogLevel.Error)   // the capped count's Take without OrderBy is meant
                .AddFilter("Microsoft.AspNetCore", LogLevel.Error));                 // no web root or key encryption in a temp folder
            // records the SQL each query sends, so the bench can run the very same text raw
            builder.ConfigureServices(services =>
            {
                services.AddScoped<CommandCapture>();
                services.AddScoped<IInterceptor>(sp => sp.GetRequiredService<CommandCapture>());
            });
        }
    }
}

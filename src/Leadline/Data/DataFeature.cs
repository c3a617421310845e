using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Leadline.Data;

public static class DataFeature
{
    public static WebApplicationBuilder AddLeadlineData(this WebApplicationBuilder builder)
    {
        var options = new DatabaseOptions();
        builder.Configuration.GetSection("Leadline:Database").Bind(options);
        options.ConnectionString = builder.Configuration.GetConnectionString("Leadline") is { Length: > 0 } cs
            ? cs
            : DatabaseOptions.DefaultSqliteConnection;
        builder.Services.AddSingleton(options);

        builder.Services.AddHttpContextAccessor();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddScoped<WorkspaceScope>();
        // features add their own interceptors the same way; this one runs first (workspace and timestamps)
        builder.Services.AddScoped<IInterceptor, TimestampInterceptor>();
        builder.Services.AddDbContext<LeadlineDb>((sp, o) =>
        {
            o.UseLeadlineDatabase(options.Provider, options.ConnectionString);
            o.AddInterceptors(sp.GetServices<IInterceptor>());
            if (options.Provider == DatabaseProvider.Sqlite)
                o.AddInterceptors(new SqliteWriteTurnInterceptor(sp.GetRequiredService<SqliteWriteTurns>()));
        });
        builder.Services.AddScoped<DatabaseMigrator>();
        builder.Services.AddSingleton<SqliteWriteTurns>();

        builder.Services.AddDataProtection().SetApplicationName("Leadline");
        builder.Services.AddSingleton<IConfigureOptions<KeyManagementOptions>>(sp =>
            new ConfigureOptions<KeyManagementOptions>(o => o.XmlRepository = new DatabaseXmlRepository(sp.GetRequiredService<IServiceScopeFactory>())));
        return builder;
    }

    /// <summary>The provider and its settings, the same for the app and for tools and tests that build a context themselves.</summary>
    public static DbContextOptionsBuilder UseLeadlineDatabase(this DbContextOptionsBuilder o, DatabaseProvider provider, string connectionString) =>
        provider switch
        {
            DatabaseProvider.Postgres => o.UseNpgsql(connectionString),
            // a list in a query goes as one JSON parameter (json_each), as PostgreSQL's goes as one array: EF 10's default
            // of a parameter per value made the import's duplicate lookup (15,000 keys a batch) three to four times slower
            DatabaseProvider.Sqlite => o.UseSqlite(connectionString, s => s.UseParameterizedCollectionMode(ParameterTranslationMode.Parameter))
                .AddInterceptors(SqliteBusyTimeout.Instance),
            _ => throw new ArgumentOutOfRangeException(nameof(provider), provider, null),
        };

    /// <summary>Applies pending migrations; called once at start-up before the app serves requests.</summary>
    public static async Task MigrateLeadlineDatabaseAsync(this IServiceProvider services, CancellationToken ct = default)
    {
        await using var scope = services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<DatabaseMigrator>().MigrateAsync(ct);
    }
}

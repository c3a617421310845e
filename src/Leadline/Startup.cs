using Leadline.Data;
using Leadline.Identity;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Leadline;

/// <summary>Start-up steps that are not a feature: logging, then migrations and the first admin before serving.</summary>
internal static class Startup
{
    public static WebApplicationBuilder AddLeadlineLogging(this WebApplicationBuilder builder)
    {
        // one JSON object per line with the request id scope (appsettings picks json, Development picks simple);
        // request bodies and EF parameter values are never logged, so passwords and tokens stay out
        builder.Logging.ClearProviders();
        builder.Logging.AddConsole();
        builder.Logging.Configure(o => o.ActivityTrackingOptions = ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId);
        return builder;
    }

    /// <summary>Migrates and creates the env admin; on failure logs one clear line and returns false (exit code 1).</summary>
    public static async Task<bool> PrepareDatabaseAsync(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<DatabaseOptions>();
        try
        {
            await app.Services.MigrateLeadlineDatabaseAsync();
            await app.Services.EnsureFirstAdminAsync();
            return true;
        }
        catch (Exception ex) when (ex is NpgsqlException or SqliteException or SchemaTooNewException or InvalidOperationException or TimeoutException)
        {
            var reason = ex is SchemaTooNewException or InvalidOperationException ? ex.Message : $"{ex.GetType().Name}: {ex.Message}";
            app.Logger.LogCritical("Leadline cannot start on {Database}: {Reason}", options.Describe(), reason);
            await Console.Error.WriteLineAsync($"Leadline cannot start on {options.Describe()}: {reason}");
            return false;
        }
    }
}

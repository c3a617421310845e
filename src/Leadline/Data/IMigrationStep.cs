using System.Data.Common;

namespace Leadline.Data;

/// <summary>
/// Work an upgrade needs that SQL cannot do (reading every phone number again with libphonenumber): run by
/// <see cref="DatabaseMigrator"/> right after the script of its <see cref="Version"/>, in that script's transaction, so the
/// two are applied together or not at all. It sees the schema as of its script, so it speaks SQL, not the EF model
/// (later scripts may have added columns the model already has).
/// </summary>
public interface IMigrationStep
{
    int Version { get; }

    Task RunAsync(DbConnection connection, DbTransaction transaction, CancellationToken ct);
}

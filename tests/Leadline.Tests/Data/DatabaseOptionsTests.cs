using Leadline.Data;
using Npgsql;

namespace Leadline.Tests.Data;

public sealed class DatabaseOptionsTests
{
    [Fact]
    public void A_PostgreSQL_connection_string_gets_automatic_preparation_unless_it_sets_its_own()
    {
        var given = "Host=db.internal;Port=5432;Username=leadline;Password=secret;Database=leadline";
        var applied = new NpgsqlConnectionStringBuilder(DatabaseOptions.WithPostgresDefaults(given));
        Assert.Equal(DatabaseOptions.PostgresAutoPrepare, applied.MaxAutoPrepare);
        Assert.Equal(("db.internal", "secret", "leadline"), (applied.Host, applied.Password, applied.Database));

        foreach (var own in new[] { given + ";Max Auto Prepare=0", given + ";maxautoprepare=5" })
            Assert.Equal(own, DatabaseOptions.WithPostgresDefaults(own));
    }
}

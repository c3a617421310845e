using Leadline.Data;
using Leadline.Tests.TestInfrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Leadline.Tests.Data;

/// <summary>SQLite's writers of one instance take turns in process (<see cref="SqliteWriteTurns"/>), and every way a transaction ends gives the turn back.</summary>
public sealed class SqliteWriteTurnsTests
{
    [Fact]
    public async Task A_second_transaction_waits_for_the_first_and_every_ending_gives_the_turn_back()
    {
        await using var app = await LeadlineApp.StartAsync(Db.Sqlite);
        var turns = app.Services.GetRequiredService<SqliteWriteTurns>();
        Assert.True(turns.IsFree);

        await using var first = app.Services.CreateAsyncScope();
        var firstDb = first.ServiceProvider.GetRequiredService<LeadlineDb>();
        var tx = await firstDb.Database.BeginTransactionAsync();
        Assert.False(turns.IsFree);

        // the second asks while the first holds the turn: it waits (without SQLite's busy handler holding its thread)
        await using var second = app.Services.CreateAsyncScope();
        var secondDb = second.ServiceProvider.GetRequiredService<LeadlineDb>();
        var waiting = secondDb.Database.BeginTransactionAsync();
        Assert.False(waiting.IsCompleted);
        await tx.CommitAsync();
        await using (var secondTx = await waiting)
        {
            Assert.False(turns.IsFree);
            await secondTx.RollbackAsync();
        }
        Assert.True(turns.IsFree);

        // disposed unfinished (an exception on the way): given back when the transaction's connection closes
        await using (await firstDb.Database.BeginTransactionAsync())
            Assert.False(turns.IsFree);
        Assert.True(turns.IsFree);
    }

    [Fact]
    public async Task Busy_waits_happen_inside_sqlite_for_as_long_as_a_command_may_run()
    {
        await using var app = await LeadlineApp.StartAsync(Db.Sqlite);
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<LeadlineDb>();
        await db.Database.OpenConnectionAsync();
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.CommandText = "PRAGMA busy_timeout";
        Assert.Equal(30_000L, Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture));
    }
}

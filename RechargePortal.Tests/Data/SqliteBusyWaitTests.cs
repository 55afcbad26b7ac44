using Microsoft.Data.Sqlite;
using RechargePortal.Data;
using RechargePortal.Tests.TestSupport;

namespace RechargePortal.Tests.Data;

public sealed class SqliteBusyWaitTests : IDisposable
{
    private readonly string database = PortalAppFactory.NewDatabasePath();

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        PortalAppFactory.DeleteDatabase(database);
    }

    [Fact]
    public async Task A_writer_that_meets_another_writers_lock_waits_in_SQLite_until_it_is_free_and_is_counted()
    {
        var connectionString = $"Data Source={database}";
        await using var holder = new SqliteConnection(connectionString);
        await holder.OpenAsync();
        await ExecuteAsync(holder, "PRAGMA journal_mode=WAL; CREATE TABLE t(x INTEGER);");
        await using var waiter = new SqliteConnection(connectionString);
        await waiter.OpenAsync();
        SqliteBusyWait.Install(waiter);
        var before = SqliteBusyWait.Waits;

        var held = holder.BeginTransaction();
        await ExecuteAsync(holder, "INSERT INTO t VALUES (1);");
        var second = Task.Run(async () =>
        {
            using var tx = waiter.BeginTransaction();
            await ExecuteAsync(waiter, "INSERT INTO t VALUES (2);");
            tx.Commit();
        });
        await Task.Delay(300);
        Assert.False(second.IsCompleted, "The second writer did not wait for the first one's lock.");
        held.Commit();
        held.Dispose();
        await second.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.True(SqliteBusyWait.Waits > before);
        await using var count = holder.CreateCommand();
        count.CommandText = "SELECT COUNT(*) FROM t";
        Assert.Equal(2L, await count.ExecuteScalarAsync());
    }

    private static async Task ExecuteAsync(SqliteConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }
}

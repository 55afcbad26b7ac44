using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace RechargePortal.Data;

/// <summary>
/// SQLite's guarantee on PostgreSQL: every write transaction takes the database's one write lock when it begins
/// (SQLite's <c>BEGIN IMMEDIATE</c>; here a transaction-scoped advisory lock, released at commit or rollback), so the
/// portal's "read, decide, write" units of work — a placement counting its limits and holding the balance, a
/// transfer between two wallets — run one at a time across every process on the database, exactly as they were
/// written and tested on SQLite. Plain reads take no lock. Single statements outside a transaction (a claim, an
/// error note) are atomic on their own.
/// </summary>
public sealed class PostgreSqlWriteLock : DbTransactionInterceptor
{
    /// <summary>The advisory lock's key ("RPWR"): any fixed number the portal alone uses on its database.</summary>
    public const long LockKey = 0x52_50_57_52;

    private static readonly string Sql = $"SELECT pg_advisory_xact_lock({LockKey})";

    public override DbTransaction TransactionStarted(DbConnection connection, TransactionEndEventData eventData, DbTransaction result)
    {
        using var command = connection.CreateCommand();
        command.Transaction = result;
        command.CommandText = Sql;
        command.ExecuteNonQuery();
        return result;
    }

    public override async ValueTask<DbTransaction> TransactionStartedAsync(
        DbConnection connection, TransactionEndEventData eventData, DbTransaction result, CancellationToken cancellationToken = default)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = result;
        command.CommandText = Sql;
        await command.ExecuteNonQueryAsync(cancellationToken);
        return result;
    }
}

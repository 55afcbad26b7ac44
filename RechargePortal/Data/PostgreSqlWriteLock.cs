using System.Data.Common;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Storage;

namespace RechargePortal.Data;

/// <summary>
/// What a write transaction must not overlap with. SQLite has one writer whatever is said here (<c>BEGIN IMMEDIATE</c>);
/// on PostgreSQL (<see cref="PostgreSqlWriteLock"/>) a keyed scope lets transactions of different resellers and different
/// recharges commit side by side, while every other write transaction still runs alone, as on SQLite.
/// </summary>
public sealed record WriteScope(int Kind, int Key)
{
    private const int ResellerKind = 1;
    private const int RechargeKind = 2;

    /// <summary>A placement: the reseller's limits are counted and its balance held with no other placement of theirs in between.</summary>
    public static WriteScope Reseller(string resellerId) => new(ResellerKind, StableHash(resellerId));

    /// <summary>A move of one recharge (send, answer, settlement): one at a time per recharge.</summary>
    public static WriteScope Recharge(long rechargeId) => new(RechargeKind, unchecked((int)(rechargeId ^ (rechargeId >> 32))));

    /// <summary>FNV-1a of the UTF-8 text: the same number in every process (string.GetHashCode differs per process). A collision only serializes more.</summary>
    private static int StableHash(string text)
    {
        var hash = 2166136261u;
        foreach (var b in Encoding.UTF8.GetBytes(text))
        {
            hash = unchecked((hash ^ b) * 16777619u);
        }

        return unchecked((int)hash);
    }
}

public static class WriteTransactions
{
    /// <summary>
    /// Also holds <paramref name="scope"/> until the current transaction ends (PostgreSQL; SQLite's writer is alone anyway):
    /// for a move that changes what that scope's transactions read, such as a failure counted by the reseller's next placement.
    /// </summary>
    public static async Task LockAsync(this PortalDbContext db, WriteScope scope, CancellationToken ct = default)
    {
        if (db.Database.IsNpgsql() && db.Database.CurrentTransaction is not null)
        {
            await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({scope.Kind}, {scope.Key})", ct);
        }
    }

    /// <summary>
    /// Begins a write transaction that only excludes others of the same <paramref name="scope"/> (on PostgreSQL; on
    /// SQLite every write transaction excludes every other). Its work must be safe beside any other scoped transaction:
    /// money moves as single conditional updates (row locks), state moves guarded by the row's version.
    /// </summary>
    public static async Task<IDbContextTransaction> BeginWriteAsync(this PortalDbContext db, WriteScope scope, CancellationToken ct = default)
    {
        db.PendingWriteScope = scope;
        try
        {
            return await db.Database.BeginTransactionAsync(ct);
        }
        finally
        {
            db.PendingWriteScope = null;
        }
    }
}

/// <summary>
/// SQLite's guarantee on PostgreSQL, where it matters. Every write transaction takes a transaction-scoped advisory lock when
/// it begins (released at commit or rollback). By default the portal's one write lock, exclusively: such a unit of work
/// ("read, decide, write": an admin's action, a transfer between wallets, a provider's state) runs alone across every
/// process on the database, exactly as it was written and tested on SQLite. The two hot paths say what they touch
/// (<see cref="WriteTransactions.BeginWriteAsync"/>): a placement its reseller, a recharge's move that recharge. They hold
/// the write lock shared (so they still wait for, and hold off, the exclusive ones) plus their own key exclusively, so
/// placements of different resellers and settlements of different recharges run at once. That is safe because what they
/// share is guarded row by row: a wallet's balance changes only by a conditional UPDATE whose row lock is held to commit
/// (the balance after is read under it), a recharge's move is conditional on its version, and the ledger's unique indexes
/// refuse a second hold, refund or commission. Wallet row locks are taken from the placer up its ancestors, always deeper
/// first, so two settlements cannot wait on each other in a cycle. Plain reads take no lock. Single statements outside a
/// transaction (a claim, an error note) are atomic on their own.
/// </summary>
public sealed class PostgreSqlWriteLock : DbTransactionInterceptor
{
    /// <summary>The write lock's key ("RPWR"): any fixed number the portal alone uses on its database.</summary>
    public const long LockKey = 0x52_50_57_52;

    private static readonly string Exclusive = $"SELECT pg_advisory_xact_lock({LockKey})";

    private static string Scoped(WriteScope scope) =>
        $"SELECT pg_advisory_xact_lock_shared({LockKey}); SELECT pg_advisory_xact_lock({scope.Kind}, {scope.Key})";

    private static string SqlFor(DbContext? context) =>
        context is PortalDbContext { PendingWriteScope: { } scope } ? Scoped(scope) : Exclusive;

    public override DbTransaction TransactionStarted(DbConnection connection, TransactionEndEventData eventData, DbTransaction result)
    {
        using var command = connection.CreateCommand();
        command.Transaction = result;
        command.CommandText = SqlFor(eventData.Context);
        command.ExecuteNonQuery();
        return result;
    }

    public override async ValueTask<DbTransaction> TransactionStartedAsync(
        DbConnection connection, TransactionEndEventData eventData, DbTransaction result, CancellationToken cancellationToken = default)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = result;
        command.CommandText = SqlFor(eventData.Context);
        await command.ExecuteNonQueryAsync(cancellationToken);
        return result;
    }
}

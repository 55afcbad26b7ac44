using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using RechargePortal.Data;
using RechargePortal.Tests.TestSupport;

namespace RechargePortal.Tests.Data;

/// <summary>
/// The migration that adds the transfer kinds rebuilds LedgerEntries (SQLite cannot alter a CHECK): an existing ledger
/// keeps every entry, and stays append-only, after it.
/// </summary>
public sealed class LedgerTransfersMigrationTests
{
    [Fact]
    public async Task Upgrading_a_database_with_entries_keeps_them_and_keeps_the_ledger_append_only()
    {
        var path = PortalAppFactory.NewDatabasePath();
        try
        {
            var options = new DbContextOptionsBuilder<PortalDbContext>().UseSqlite($"Data Source={path}").Options;
            await using (var before = new PortalDbContext(options))
            {
                await before.GetService<IMigrator>().MigrateAsync("ResellerTree");
                await before.Database.ExecuteSqlRawAsync(
                    """
                    INSERT INTO AspNetUsers (Id, FullName, CreatedAtUtc, RequireTwoFactor, MustChangePassword, CanCreateSubResellers, EmailConfirmed, PhoneNumberConfirmed, TwoFactorEnabled, LockoutEnabled, AccessFailedCount)
                        VALUES ('u1', 'Old shop', '2026-11-01 00:00:00', 0, 0, 0, 1, 0, 0, 1, 0);
                    INSERT INTO Wallets (UserId, BalancePoisha, CreatedAtUtc) VALUES ('u1', 5000, '2026-11-01 00:00:00');
                    INSERT INTO LedgerEntries (WalletId, Kind, AmountPoisha, BalanceAfterPoisha, AtUtc, ActorEmail, Memo)
                        VALUES ((SELECT Id FROM Wallets WHERE UserId = 'u1'), 'Deposit', 5000, 5000, '2026-11-01 00:00:00', 'admin', 'opening');
                    """);
            }

            await using var after = new PortalDbContext(options);
            await after.Database.MigrateAsync();

            var entry = await after.LedgerEntries.AsNoTracking().SingleAsync();
            Assert.Equal((5000L, "opening", (string?)null), (entry.AmountPoisha, entry.Memo, entry.TransferId));
            var triggers = await after.Database.SqlQueryRaw<string>(
                "SELECT name AS Value FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'LedgerEntries' ORDER BY name").ToListAsync();
            Assert.Equal(["TR_LedgerEntries_NoDelete", "TR_LedgerEntries_NoUpdate"], triggers);
            var update = await Assert.ThrowsAsync<SqliteException>(() => after.Database.ExecuteSqlRawAsync("UPDATE LedgerEntries SET AmountPoisha = 1"));
            Assert.Contains("append-only", update.Message);
        }
        finally
        {
            PortalAppFactory.DeleteDatabase(path);
        }
    }
}

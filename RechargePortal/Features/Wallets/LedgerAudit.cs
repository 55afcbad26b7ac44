using Microsoft.EntityFrameworkCore;
using RechargePortal.Data;

namespace RechargePortal.Features.Wallets;

/// <summary>A wallet whose balance is not what its ledger says.</summary>
public sealed record LedgerDifference(long WalletId, string Email, Money Balance, Money SumOfEntries, Money? LastBalanceAfter);

public sealed record LedgerAuditReport(DateTime AtUtc, int Wallets, IReadOnlyList<LedgerDifference> Differences)
{
    public bool Clean => Differences.Count == 0;

    public string Summary => Clean
        ? $"{Wallets} wallet(s): every balance is the sum of its entries"
        : $"{Differences.Count} of {Wallets} wallet(s) differ from their entries: "
          + string.Join("; ", Differences.Take(5).Select(d => $"wallet {d.WalletId} ({d.Email}) holds {d.Balance}, its entries add up to {d.SumOfEntries}"));
}

/// <summary>
/// Re-adds every wallet's ledger entries and compares the sum (and the last entry's balance after)
/// with the wallet's balance. Reads only; a difference is logged as an error and shown on the admin
/// dashboard and <c>/health</c> until a later audit finds none.
/// </summary>
public sealed class LedgerAuditService(IDbContextFactory<PortalDbContext> dbs, TimeProvider time, ILogger<LedgerAuditService> logger)
{
    private volatile LedgerAuditReport? last;

    /// <summary>The latest audit of this process; null until the first has run.</summary>
    public LedgerAuditReport? Last => last;

    public async Task<LedgerAuditReport> RunAsync(CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var rows = await db.Wallets.AsNoTracking()
            .Select(w => new
            {
                w.Id,
                w.User!.Email,
                w.BalancePoisha,
                Sum = db.LedgerEntries.Where(e => e.WalletId == w.Id).Sum(e => (long?)e.AmountPoisha) ?? 0,
                Last = db.LedgerEntries.Where(e => e.WalletId == w.Id).OrderByDescending(e => e.Id).Select(e => (long?)e.BalanceAfterPoisha).FirstOrDefault(),
            })
            .ToListAsync(ct);
        var differences = rows
            .Where(r => r.Sum != r.BalancePoisha || (r.Last is { } after && after != r.BalancePoisha))
            .Select(r => new LedgerDifference(r.Id, r.Email ?? "", new Money(r.BalancePoisha), new Money(r.Sum), r.Last is { } l ? new Money(l) : null))
            .ToList();
        var report = new LedgerAuditReport(time.GetUtcNow().UtcDateTime, rows.Count, differences);
        foreach (var d in differences)
        {
            logger.LogError(
                "Ledger audit: wallet {WalletId} ({Email}) holds {Balance} but its entries add up to {Sum} (last balance after {Last}).",
                d.WalletId, d.Email, d.Balance, d.SumOfEntries, d.LastBalanceAfter);
        }

        if (report.Clean)
        {
            logger.LogInformation("Ledger audit: {Summary}.", report.Summary);
        }

        last = report;
        return report;
    }
}

using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
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
/// One audit as every instance reads it (the admin dashboard, <c>/health</c>): stored, so an instance that did not run
/// it, or restarted since, shows it too.
/// </summary>
public sealed class LedgerAuditRecord
{
    public const int MaxSummaryLength = 2000;

    public long Id { get; private set; }
    public DateTime AtUtc { get; private set; }
    public int Wallets { get; private set; }
    public int Differences { get; private set; }
    public string Summary { get; private set; } = "";

    public bool Clean => Differences == 0;

    public static LedgerAuditRecord Of(LedgerAuditReport report) => new()
    {
        AtUtc = report.AtUtc,
        Wallets = report.Wallets,
        Differences = report.Differences.Count,
        Summary = report.Summary.Length <= MaxSummaryLength ? report.Summary : report.Summary[..MaxSummaryLength],
    };
}

internal sealed class LedgerAuditRecordConfiguration : IEntityTypeConfiguration<LedgerAuditRecord>
{
    public void Configure(EntityTypeBuilder<LedgerAuditRecord> a)
    {
        a.ToTable("LedgerAudits");
        a.Property(x => x.Summary).HasMaxLength(LedgerAuditRecord.MaxSummaryLength);
        a.Ignore(x => x.Clean);
        a.HasIndex(x => x.AtUtc);
    }
}

/// <summary>
/// Re-adds every wallet's ledger entries and compares the sum (and the last entry's balance after)
/// with the wallet's balance. Reads the money only; each audit is stored (<see cref="LedgerAuditRecord"/>), a difference
/// is logged as an error and shown on the admin dashboard and <c>/health</c> of every instance until a later audit finds none.
/// </summary>
public sealed class LedgerAuditService(IDbContextFactory<PortalDbContext> dbs, TimeProvider time, ILogger<LedgerAuditService> logger)
{
    private volatile LedgerAuditReport? last;

    /// <summary>The latest audit of this process, with each difference; null until the first has run here.</summary>
    public LedgerAuditReport? Last => last;

    /// <summary>The latest audit of any instance, as stored; null before the first.</summary>
    public async Task<LedgerAuditRecord?> LatestAsync(CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        return await db.Set<LedgerAuditRecord>().AsNoTracking().OrderByDescending(a => a.AtUtc).ThenByDescending(a => a.Id).FirstOrDefaultAsync(ct);
    }

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

        db.Add(LedgerAuditRecord.Of(report));
        await db.SaveChangesAsync(ct);
        last = report;
        return report;
    }
}

using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using RechargePortal.Data;

namespace RechargePortal.Features.Wallets;

/// <summary>
/// A reseller's prepaid balance. The balance changes only through <see cref="WalletService"/>, by a
/// conditional SQL update in the same transaction as the ledger entry that explains it.
/// </summary>
public sealed class Wallet
{
    public long Id { get; private set; }
    public string UserId { get; private set; } = "";
    public long BalancePoisha { get; private set; }
    public DateTime CreatedAtUtc { get; private set; }

    /// <summary>The reseller's commission plan; null = the default plan.</summary>
    public long? CommissionPlanId { get; set; }

    public PortalUser? User { get; private set; }

    public Money Balance => new(BalancePoisha);

    private Wallet()
    {
    }

    public static Wallet OpenFor(string userId, DateTime nowUtc) => new() { UserId = userId, CreatedAtUtc = nowUtc };
}

public enum LedgerKind
{
    Deposit,
    Withdrawal,
    RechargeHold,
    RechargeRefund,
    Commission,
    Adjustment,
    /// <summary>Balance sent to another reseller's wallet (a parent to a child, or a child's balance taken back); pairs with a <see cref="TransferIn"/>.</summary>
    TransferOut,
    /// <summary>Balance received from another reseller's wallet; pairs with a <see cref="TransferOut"/> of the same transfer id.</summary>
    TransferIn,
}

/// <summary>The sign each ledger kind must have, as the database enforces it.</summary>
public static class LedgerRules
{
    public const string KindSignCheck =
        "(Kind IN ('Deposit', 'RechargeRefund', 'TransferIn') AND AmountPoisha > 0) OR (Kind IN ('Withdrawal', 'RechargeHold', 'TransferOut') AND AmountPoisha < 0) "
        + "OR (Kind = 'Commission' AND AmountPoisha >= 0) OR (Kind = 'Adjustment' AND AmountPoisha <> 0)";

    public const string KindTransferCheck = "(Kind IN ('TransferOut', 'TransferIn')) = (TransferId IS NOT NULL)";

    public const string KindRechargeCheck =
        "(Kind IN ('RechargeHold', 'RechargeRefund', 'Commission')) = (RechargeId IS NOT NULL) OR (Kind = 'Adjustment')";
}

/// <summary>One immutable change of a wallet's balance: signed amount, balance after, who, when, why.</summary>
public sealed class LedgerEntry : IAppendOnly
{
    public long Id { get; private set; }
    public long WalletId { get; private set; }
    public LedgerKind Kind { get; private set; }
    /// <summary>Signed: credits positive, debits negative.</summary>
    public long AmountPoisha { get; private set; }
    public long BalanceAfterPoisha { get; private set; }
    public DateTime AtUtc { get; private set; }
    /// <summary>Null when the system did it (a job refunding a failed recharge).</summary>
    public string? ActorId { get; private set; }
    public string ActorEmail { get; private set; } = "";
    public string Memo { get; private set; } = "";
    /// <summary>An outside reference, e.g. the bank or bKash transaction of a deposit.</summary>
    public string? Reference { get; private set; }
    /// <summary>The recharge this entry holds, refunds or pays commission for.</summary>
    public long? RechargeId { get; private set; }
    /// <summary>The audit log entry of the admin action that made this entry.</summary>
    public long? AuditEntryId { get; private set; }
    /// <summary>Id made by the client for an admin's credit or debit, unique: a resubmit applies once.</summary>
    public string? RequestId { get; private set; }
    /// <summary>Shared by the two entries of one transfer between wallets (its TransferOut and its TransferIn), and only by them.</summary>
    public string? TransferId { get; private set; }

    public Money Amount => new(AmountPoisha);
    public Money BalanceAfter => new(BalanceAfterPoisha);

    private LedgerEntry()
    {
    }

    internal static LedgerEntry Create(
        long walletId, LedgerKind kind, Money amount, Money balanceAfter, DateTime atUtc, string? actorId, string actorEmail,
        string memo, string? reference = null, long? rechargeId = null, long? auditEntryId = null, string? requestId = null, string? transferId = null) => new()
        {
            WalletId = walletId,
            Kind = kind,
            AmountPoisha = amount.Poisha,
            BalanceAfterPoisha = balanceAfter.Poisha,
            AtUtc = atUtc,
            ActorId = actorId,
            ActorEmail = actorEmail,
            Memo = memo,
            Reference = reference,
            RechargeId = rechargeId,
            AuditEntryId = auditEntryId,
            RequestId = requestId,
            TransferId = transferId,
        };
}

internal sealed class WalletConfiguration : IEntityTypeConfiguration<Wallet>
{
    public void Configure(EntityTypeBuilder<Wallet> wallet)
    {
        wallet.ToTable("Wallets", t => t.HasCheckConstraint("CK_Wallets_Balance_NotNegative", "BalancePoisha >= 0"));
        wallet.HasIndex(w => w.UserId).IsUnique();
        wallet.HasOne(w => w.User).WithMany().HasForeignKey(w => w.UserId).OnDelete(DeleteBehavior.Restrict);
        wallet.HasOne<Commissions.CommissionPlan>().WithMany().HasForeignKey(w => w.CommissionPlanId).OnDelete(DeleteBehavior.Restrict);
        wallet.Ignore(w => w.Balance);
    }
}

internal sealed class LedgerEntryConfiguration : IEntityTypeConfiguration<LedgerEntry>
{
    public void Configure(EntityTypeBuilder<LedgerEntry> entry)
    {
        entry.ToTable("LedgerEntries", t =>
        {
            t.HasCheckConstraint("CK_LedgerEntries_BalanceAfter_NotNegative", "BalanceAfterPoisha >= 0");
            // Each kind moves money one way; a recharge's entries name their recharge, and only they do.
            t.HasCheckConstraint("CK_LedgerEntries_KindSign", LedgerRules.KindSignCheck);
            t.HasCheckConstraint("CK_LedgerEntries_KindRecharge", LedgerRules.KindRechargeCheck);
            t.HasCheckConstraint("CK_LedgerEntries_KindTransfer", LedgerRules.KindTransferCheck);
        });
        entry.Property(e => e.Kind).HasConversion<string>().HasMaxLength(32);
        entry.Property(e => e.ActorEmail).HasMaxLength(256);
        entry.Property(e => e.Memo).HasMaxLength(500);
        entry.Property(e => e.Reference).HasMaxLength(100);
        entry.Property(e => e.RequestId).HasMaxLength(64);
        entry.Property(e => e.TransferId).HasMaxLength(32);
        entry.HasOne<Wallet>().WithMany().HasForeignKey(e => e.WalletId).OnDelete(DeleteBehavior.Restrict);
        entry.HasOne<Recharges.Recharge>().WithMany().HasForeignKey(e => e.RechargeId).OnDelete(DeleteBehavior.Restrict);
        entry.HasIndex(e => new { e.WalletId, e.AtUtc });
        // One hold and at most one refund per recharge, and at most one commission and one adjustment per recharge and
        // wallet (the placer's, and each ancestor's margin and its correction), enforced by the database.
        entry.HasIndex(e => new { e.RechargeId, e.Kind }).IsUnique().HasFilter("RechargeId IS NOT NULL AND Kind NOT IN ('Commission', 'Adjustment')");
        // Named: two indexes over the same columns (EF otherwise takes them for one).
        entry.HasIndex(e => new { e.RechargeId, e.WalletId }, "IX_LedgerEntries_OneCommissionPerRechargeAndWallet").IsUnique().HasFilter("Kind = 'Commission'");
        entry.HasIndex(e => new { e.RechargeId, e.WalletId }, "IX_LedgerEntries_OneAdjustmentPerRechargeAndWallet").IsUnique()
            .HasFilter("Kind = 'Adjustment' AND RechargeId IS NOT NULL");
        entry.HasIndex(e => e.RequestId).IsUnique().HasFilter("RequestId IS NOT NULL");
        // One way out and one way in per transfer.
        entry.HasIndex(e => new { e.TransferId, e.Kind }).IsUnique().HasFilter("TransferId IS NOT NULL");
        entry.Ignore(e => e.Amount);
        entry.Ignore(e => e.BalanceAfter);
    }
}

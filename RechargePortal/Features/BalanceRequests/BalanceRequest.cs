using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using RechargePortal.Data;
using RechargePortal.Features.Wallets;

namespace RechargePortal.Features.BalanceRequests;

/// <summary>How a reseller paid the one above them, outside the portal.</summary>
public enum PaymentMethod
{
    Bkash,
    Nagad,
    Rocket,
    Bank,
    Cash,
}

public enum BalanceRequestStatus
{
    Pending,
    Approved,
    Rejected,
}

/// <summary>
/// A reseller's "I paid you, please send me balance": to their parent, or to the admins for a top-level reseller.
/// Pending until the one it went to approves it (the money moves in the same transaction) or rejects it with a reason;
/// a decision is a conditional update from Pending (see <see cref="BalanceRequestService"/>), so it happens at most once.
/// </summary>
public sealed class BalanceRequest
{
    public const int MaxPaidFromLength = 64;
    public const int MaxTransactionIdLength = 64;
    public const int MaxNoteLength = 300;
    public const int MaxReasonLength = 300;

    public long Id { get; private set; }
    public string RequesterId { get; private set; } = "";
    /// <summary>The parent it was sent to, as the tree stood then; null = the admins (a top-level reseller's request).</summary>
    public string? ApproverId { get; private set; }
    public long AmountPoisha { get; private set; }
    public PaymentMethod Method { get; private set; }
    /// <summary>The account or number the requester paid from.</summary>
    public string PaidFrom { get; private set; } = "";
    /// <summary>The payment's transaction ID as the requester typed it (trimmed).</summary>
    public string TransactionId { get; private set; } = "";
    /// <summary><see cref="TransactionId"/> without spaces, upper case: unique per method, so one payment is claimed once.</summary>
    public string TransactionKey { get; private set; } = "";
    public string Note { get; private set; } = "";
    public BalanceRequestStatus Status { get; private set; }
    public DateTime CreatedAtUtc { get; private set; }
    /// <summary>Made by the requester's form, unique: a double click sends one request.</summary>
    public string ClientRequestId { get; private set; } = "";
    public DateTime? DecidedAtUtc { get; private set; }
    public string? DecidedById { get; private set; }
    public string? DecidedByEmail { get; private set; }
    public string? RejectionReason { get; private set; }

    public PortalUser? Requester { get; private set; }

    public Money Amount => new(AmountPoisha);

    private BalanceRequest()
    {
    }

    public static BalanceRequest Create(
        string requesterId, string? approverId, Money amount, PaymentMethod method, string paidFrom, string transactionId, string note,
        string clientRequestId, DateTime nowUtc) => new()
        {
            RequesterId = requesterId,
            ApproverId = approverId,
            AmountPoisha = amount.Poisha,
            Method = method,
            PaidFrom = paidFrom,
            TransactionId = transactionId,
            TransactionKey = KeyOf(transactionId),
            Note = note,
            Status = BalanceRequestStatus.Pending,
            CreatedAtUtc = nowUtc,
            ClientRequestId = clientRequestId,
        };

    /// <summary>"8N7A 6B5C4D" and "8n7a6b5c4d" are one payment.</summary>
    public static string KeyOf(string transactionId) =>
        string.Concat(transactionId.Where(c => !char.IsWhiteSpace(c))).ToUpperInvariant();

    /// <summary>The client request id of the money move an approval makes: one per request, so a second approval cannot move money again.</summary>
    public static string MoneyMoveRequestId(long requestId) => $"balance-request-{requestId}";
}

public static class PaymentMethods
{
    public static readonly IReadOnlyList<PaymentMethod> All = Enum.GetValues<PaymentMethod>();

    public static string Name(this PaymentMethod method) => method switch
    {
        PaymentMethod.Bkash => "bKash",
        _ => method.ToString(),
    };
}

internal sealed class BalanceRequestConfiguration : IEntityTypeConfiguration<BalanceRequest>
{
    public void Configure(EntityTypeBuilder<BalanceRequest> r)
    {
        r.ToTable("BalanceRequests", t =>
        {
            t.HasCheckConstraint("CK_BalanceRequests_Amount", "AmountPoisha > 0");
            t.HasCheckConstraint("CK_BalanceRequests_Decision",
                "(Status = 'Pending' AND DecidedAtUtc IS NULL AND RejectionReason IS NULL) "
                + "OR (Status = 'Approved' AND DecidedAtUtc IS NOT NULL AND RejectionReason IS NULL) "
                + "OR (Status = 'Rejected' AND DecidedAtUtc IS NOT NULL AND RejectionReason IS NOT NULL)");
        });
        r.Property(x => x.Method).HasConversion<string>().HasMaxLength(16);
        r.Property(x => x.Status).HasConversion<string>().HasMaxLength(16);
        r.Property(x => x.PaidFrom).HasMaxLength(BalanceRequest.MaxPaidFromLength);
        r.Property(x => x.TransactionId).HasMaxLength(BalanceRequest.MaxTransactionIdLength);
        r.Property(x => x.TransactionKey).HasMaxLength(BalanceRequest.MaxTransactionIdLength);
        r.Property(x => x.Note).HasMaxLength(BalanceRequest.MaxNoteLength);
        r.Property(x => x.RejectionReason).HasMaxLength(BalanceRequest.MaxReasonLength);
        r.Property(x => x.ClientRequestId).HasMaxLength(64);
        r.Property(x => x.DecidedByEmail).HasMaxLength(256);
        // One payment, one request: the same method and transaction ID twice is refused by the database too.
        r.HasIndex(x => new { x.Method, x.TransactionKey }).IsUnique();
        r.HasIndex(x => x.ClientRequestId).IsUnique();
        r.HasIndex(x => new { x.RequesterId, x.Id });
        r.HasIndex(x => new { x.ApproverId, x.Status });
        r.HasOne(x => x.Requester).WithMany().HasForeignKey(x => x.RequesterId).OnDelete(DeleteBehavior.Restrict);
        r.HasOne<PortalUser>().WithMany().HasForeignKey(x => x.ApproverId).OnDelete(DeleteBehavior.Restrict);
        r.HasOne<PortalUser>().WithMany().HasForeignKey(x => x.DecidedById).OnDelete(DeleteBehavior.Restrict);
    }
}

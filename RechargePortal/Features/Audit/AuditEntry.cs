using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using RechargePortal.Data;

namespace RechargePortal.Features.Audit;

/// <summary>One thing somebody did: who, what, when, on whom. Written in the same transaction as the act.</summary>
public sealed class AuditEntry : IAppendOnly
{
    public long Id { get; private set; }
    public DateTime AtUtc { get; private set; }
    /// <summary>Null for the system itself (seeding, jobs).</summary>
    public string? ActorId { get; private set; }
    public string ActorEmail { get; private set; } = "";
    public string Action { get; private set; } = "";
    public string TargetType { get; private set; } = "";
    public string? TargetId { get; private set; }
    public string? TargetDisplay { get; private set; }
    public string? Details { get; private set; }

    private AuditEntry()
    {
    }

    public static AuditEntry Create(
        DateTime atUtc, string? actorId, string actorEmail, string action,
        string targetType, string? targetId, string? targetDisplay, string? details = null) => new()
        {
            AtUtc = atUtc,
            ActorId = actorId,
            ActorEmail = actorEmail,
            Action = action,
            TargetType = targetType,
            TargetId = targetId,
            TargetDisplay = targetDisplay,
            Details = details,
        };
}

public static class AuditActions
{
    public const string AdminSeeded = "AdminSeeded";
    public const string UserCreated = "UserCreated";
    public const string UserLocked = "UserLocked";
    public const string UserUnlocked = "UserUnlocked";
    public const string PasswordReset = "PasswordReset";
    public const string RoleChanged = "RoleChanged";
    public const string TwoFactorRequired = "TwoFactorRequired";
    public const string TwoFactorNoLongerRequired = "TwoFactorNoLongerRequired";
    public const string RechargeLimitChanged = "RechargeLimitChanged";
    public const string WalletCredited = "WalletCredited";
    public const string WalletDebited = "WalletDebited";
    public const string CommissionPlanCreated = "CommissionPlanCreated";
    public const string CommissionPlanChanged = "CommissionPlanChanged";
    public const string CommissionPlanAssigned = "CommissionPlanAssigned";
    public const string RouteChanged = "RouteChanged";
    public const string RechargeResolved = "RechargeResolved";
    public const string RechargeChecked = "RechargeChecked";
    public const string ContradictionCorrected = "ContradictionCorrected";
    public const string ContradictionDismissed = "ContradictionDismissed";
    public const string ApiKeyCreated = "ApiKeyCreated";
    public const string ApiKeyRevoked = "ApiKeyRevoked";
    public const string ResellerMoved = "ResellerMoved";
    public const string SubResellersAllowed = "SubResellersAllowed";
    public const string BalanceSent = "BalanceSent";
    public const string BalanceTakenBack = "BalanceTakenBack";
    public const string BalanceRequested = "BalanceRequested";
    public const string BalanceRequestApproved = "BalanceRequestApproved";
    public const string BalanceRequestRejected = "BalanceRequestRejected";

    public static readonly IReadOnlyList<string> All =
    [
        AdminSeeded, UserCreated, UserLocked, UserUnlocked, PasswordReset, RoleChanged, TwoFactorRequired, TwoFactorNoLongerRequired,
        RechargeLimitChanged, WalletCredited, WalletDebited, CommissionPlanCreated, CommissionPlanChanged, CommissionPlanAssigned,
        RouteChanged, RechargeResolved, RechargeChecked, ContradictionCorrected, ContradictionDismissed, ApiKeyCreated, ApiKeyRevoked,
        ResellerMoved, SubResellersAllowed, BalanceSent, BalanceTakenBack, BalanceRequested, BalanceRequestApproved, BalanceRequestRejected,
    ];
}

public static class AuditTargets
{
    public const string User = "User";
    public const string Wallet = "Wallet";
    public const string CommissionPlan = "CommissionPlan";
    public const string Route = "Route";
    public const string Recharge = "Recharge";
    public const string ApiKey = "ApiKey";
    public const string BalanceRequest = "BalanceRequest";
}

internal sealed class AuditEntryConfiguration : IEntityTypeConfiguration<AuditEntry>
{
    public void Configure(EntityTypeBuilder<AuditEntry> entry)
    {
        entry.ToTable("AuditLog");
        entry.Property(e => e.ActorEmail).HasMaxLength(256);
        entry.Property(e => e.Action).HasMaxLength(64);
        entry.Property(e => e.TargetType).HasMaxLength(64);
        entry.Property(e => e.TargetId).HasMaxLength(64);
        entry.Property(e => e.TargetDisplay).HasMaxLength(256);
        entry.Property(e => e.Details).HasMaxLength(2000);
        entry.HasIndex(e => e.AtUtc);
        entry.HasIndex(e => new { e.TargetType, e.TargetId });
    }
}

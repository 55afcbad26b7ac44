using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using RechargePortal.Components.Shared;
using RechargePortal.Data;
using RechargePortal.Security;

namespace RechargePortal.Features.Recharges;

/// <summary>
/// Which rule refused a placement, for a caller that answers by kind (the API). The abuse limits come with
/// <see cref="PlaceResult.RetryAfter"/> (an API answers 429); the money rules do not (422).
/// </summary>
public enum PlaceRefusal
{
    /// <summary>The reseller's attempts in the last minute reached <c>RateLimits:RechargesPerResellerPerMinute</c> (or their own limit).</summary>
    RateLimited,

    /// <summary>The reseller's failed recharges today reached <c>RateLimits:FailedRechargesPerResellerPerDay</c>: placing waits until midnight, Bangladesh time.</summary>
    FailedDailyCap,

    /// <summary>The wallet holds less than the amount.</summary>
    InsufficientBalance,

    /// <summary>Today's count or amount limit (<c>Recharge:DailyCountLimit</c>, <c>Recharge:DailyAmountLimit</c>) would be passed.</summary>
    DailyLimit,

    /// <summary>The amount is outside the operator's and number type's amount rule (and no offer pack costs it).</summary>
    AmountRule,

    /// <summary>The account is locked, no longer a reseller, or signed out everywhere.</summary>
    AccountInactive,
}

/// <summary>
/// A placement refused inside the placement transaction (balance short, a daily limit). Its recharge row was
/// rolled back, so this row is what the per-minute limit counts it by.
/// </summary>
public sealed class RefusedPlacement
{
    public const int MaxReasonLength = 300;

    public long Id { get; private set; }
    public string ResellerId { get; private set; } = "";
    public DateTime AtUtc { get; private set; }
    /// <summary>What the reseller was told.</summary>
    public string Reason { get; private set; } = "";

    private RefusedPlacement()
    {
    }

    public static RefusedPlacement Create(string resellerId, DateTime atUtc, string reason) => new()
    {
        ResellerId = resellerId,
        AtUtc = atUtc,
        Reason = reason.Length > MaxReasonLength ? reason[..MaxReasonLength] : reason,
    };
}

/// <summary>
/// The abuse limits on placing recharges, counted from the database inside the placement's write-locked
/// transaction (SQLite <c>BEGIN IMMEDIATE</c>), so they hold for concurrent placements, across restarts and
/// across instances. An attempt is a placement by an active reseller with a wallet and a valid form that reached
/// that transaction: every recharge row, whatever became of it (failed ones too), plus every
/// <see cref="RefusedPlacement"/>. Not attempts: a replay of the same client request id (the same order), a
/// repeat of a reseller's reference (answered, same order or conflicting, before any limit is counted, and again
/// under the write lock before the limits, so a concurrent repeat never adds a row either), a form the rules refuse (nothing is written), the "same number and amount again?" question, and a refusal
/// by the per-minute limit itself (so a client hammering past it never needs the write lock).
/// </summary>
internal static class PlacementLimits
{
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    /// <summary>A reseller's refusals older than this count towards nothing: they go at the reseller's next refusal (a day shows what they ran into).</summary>
    private static readonly TimeSpan RefusalsKept = TimeSpan.FromDays(1);

    /// <summary>Refused when the reseller's attempts in the last minute reached their limit; otherwise null.</summary>
    public static async Task<PlaceResult?> PerMinuteAsync(PortalDbContext db, string resellerId, RateLimitOptions limits, DateTime nowUtc, CancellationToken ct)
    {
        var limit = await db.Users.Where(u => u.Id == resellerId).Select(u => u.RechargesPerMinuteLimit).SingleOrDefaultAsync(ct)
                    ?? limits.RechargesPerResellerPerMinute;
        var since = nowUtc - Window;
        var attempts = db.Set<Recharge>().Where(r => r.ResellerId == resellerId && r.CreatedAtUtc > since).Select(r => r.CreatedAtUtc)
            .Concat(db.Set<RefusedPlacement>().Where(p => p.ResellerId == resellerId && p.AtUtc > since).Select(p => p.AtUtc));
        var count = await attempts.CountAsync(ct);
        if (count < limit)
        {
            return null;
        }

        // The attempt whose leaving the window takes the count below the limit (a lowered limit may be passed by several).
        var freedAtUtc = await attempts.OrderBy(t => t).Skip(count - limit).FirstAsync(ct) + Window;
        var retryAfter = RoundUp(freedAtUtc - nowUtc);
        return PlaceResult.Limited(PlaceRefusal.RateLimited, RechargeWording.TooManyAttempts(limit, retryAfter), retryAfter);
    }

    /// <summary>Refused when the reseller's recharges placed today (Bangladesh) that failed reached the daily cap; otherwise null.</summary>
    public static async Task<PlaceResult?> FailedTodayAsync(PortalDbContext db, string resellerId, RateLimitOptions limits, TimeProvider time, CancellationToken ct)
    {
        var today = DhakaTime.Today(time);
        var dayStart = DhakaTime.StartOfDayUtc(today);
        var failed = await db.Set<Recharge>()
            .CountAsync(r => r.ResellerId == resellerId && r.CreatedAtUtc >= dayStart && r.Status == RechargeStatus.Failed, ct);
        if (failed < limits.FailedRechargesPerResellerPerDay)
        {
            return null;
        }

        var retryAfter = RoundUp(DhakaTime.StartOfDayUtc(today.AddDays(1)) - time.GetUtcNow().UtcDateTime);
        return PlaceResult.Limited(PlaceRefusal.FailedDailyCap, RechargeWording.TooManyFailed(limits.FailedRechargesPerResellerPerDay), retryAfter);
    }

    /// <summary>Records a refused placement as an attempt, in the caller's transaction.</summary>
    public static async Task RecordRefusalAsync(PortalDbContext db, string resellerId, string reason, DateTime nowUtc, CancellationToken ct)
    {
        var expired = nowUtc - RefusalsKept;
        await db.Set<RefusedPlacement>().Where(p => p.ResellerId == resellerId && p.AtUtc < expired).ExecuteDeleteAsync(ct);
        db.Add(RefusedPlacement.Create(resellerId, nowUtc, reason));
        await db.SaveChangesAsync(ct);
    }

    /// <summary>Whole seconds, at least one: what a Retry-After header carries.</summary>
    private static TimeSpan RoundUp(TimeSpan wait) => TimeSpan.FromSeconds(Math.Max(1, Math.Ceiling(wait.TotalSeconds)));
}

internal sealed class RefusedPlacementConfiguration : IEntityTypeConfiguration<RefusedPlacement>
{
    public void Configure(EntityTypeBuilder<RefusedPlacement> p)
    {
        p.ToTable("RefusedPlacements");
        p.Property(x => x.ResellerId).HasMaxLength(450);
        p.Property(x => x.Reason).HasMaxLength(RefusedPlacement.MaxReasonLength);
        p.HasOne<PortalUser>().WithMany().HasForeignKey(x => x.ResellerId).OnDelete(DeleteBehavior.Cascade);
        p.HasIndex(x => new { x.ResellerId, x.AtUtc });
    }
}

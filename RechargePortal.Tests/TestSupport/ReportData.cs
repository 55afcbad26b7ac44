using RechargePortal.Data;
using RechargePortal.Features.Recharges;
using RechargePortal.Features.Wallets;
using RechargePortal.Providers;

namespace RechargePortal.Tests.TestSupport;

/// <summary>
/// Recharges with known facts for report tests, walked through the real state machine (placed,
/// sent, then finished as asked). Only the recharge rows: reports do not read the ledger.
/// </summary>
public static class ReportData
{
    private static int sequence;

    /// <summary>Builds a recharge placed at <paramref name="placedUtc"/>; call <see cref="AddAsync"/> to save a batch.</summary>
    public static Recharge Recharge(
        string resellerId, long walletId, DateTime placedUtc, long taka, RechargeStatus status,
        MobileOperator op = MobileOperator.Grameenphone, NumberType type = NumberType.Prepaid,
        string? provider = "Ecare", long commissionPoisha = 0, string number = "01712345678", string? operatorTrxId = null)
    {
        var n = Interlocked.Increment(ref sequence);
        var recharge = RechargePortal.Features.Recharges.Recharge.Create(
            $"RCT-{n:D8}", Guid.NewGuid().ToString("N"), resellerId, walletId,
            new RechargeOrder(number, op, type, Money.FromTaka(taka)), new Money(commissionPoisha), offerPack: null, placedUtc);
        if (status == RechargeStatus.Created || provider is null)
        {
            return recharge;
        }

        var attempt = recharge.BeginAttempt(provider, (9_000_000_000L + n).ToString(System.Globalization.CultureInfo.InvariantCulture), placedUtc);
        if (status == RechargeStatus.Submitting)
        {
            return recharge;
        }

        var done = placedUtc.AddSeconds(30);
        recharge.MarkAccepted(attempt, $"T{n}", placedUtc, placedUtc.AddSeconds(5), placedUtc.AddMinutes(30));
        switch (status)
        {
            case RechargeStatus.Succeeded:
                recharge.MarkSucceeded(operatorTrxId ?? $"OP{n}", done);
                break;
            case RechargeStatus.Failed:
                recharge.MarkFailed("operator said failed", "The operator refused this recharge.", done);
                break;
            case RechargeStatus.NeedsReview:
                recharge.RecordCheck("PROCESSING", placedUtc.AddMinutes(31), placedUtc.AddMinutes(36), placedUtc.AddMinutes(46));
                break;
        }

        return recharge;
    }

    public static async Task AddAsync(PortalDbContext db, params Recharge[] recharges)
    {
        db.AddRange(recharges);
        await db.SaveChangesAsync();
    }

    /// <summary>A UTC instant given as Bangladesh wall-clock time (UTC+6).</summary>
    public static DateTime Dhaka(int year, int month, int day, int hour, int minute = 0) =>
        new DateTime(year, month, day, hour, minute, 0, DateTimeKind.Utc).AddHours(-6);
}

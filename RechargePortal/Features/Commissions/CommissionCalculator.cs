using System.Globalization;
using System.Text.RegularExpressions;
using RechargePortal.Features.Wallets;
using RechargePortal.Localization;
using RechargePortal.Providers;

namespace RechargePortal.Features.Commissions;

/// <summary>A commission percentage with two decimals, held as basis points (hundredths of a percent).</summary>
public readonly partial record struct CommissionRateValue(int BasisPoints)
{
    public static readonly CommissionRateValue Zero = new(0);

    public override string ToString() => (BasisPoints / 100m).ToString("0.00", CultureInfo.InvariantCulture) + " %";

    /// <summary>Reads "2.5", "2.50", "2.5 %"; refuses more than two decimals and anything outside 0–100 %.</summary>
    public static bool TryParse(string? input, out CommissionRateValue rate, out string error)
    {
        rate = Zero;
        var text = BanglaDigits.ToLatin(input ?? "").Trim().TrimEnd('%').Trim();
        var match = RatePattern().Match(text);
        if (!match.Success)
        {
            error = text.Length == 0 ? Ui.Text("Enter a rate.") : Ui.Text("Enter a percentage with at most two decimals, e.g. 2.75.");
            return false;
        }

        var whole = match.Groups["whole"].Value;
        if (whole.TrimStart('0').Length > 3)
        {
            error = Ui.Text("A rate must be between 0 and 100 %.");
            return false;
        }

        var bp = int.Parse(whole, CultureInfo.InvariantCulture) * 100
            + int.Parse(match.Groups["fraction"].Value.PadRight(2, '0'), CultureInfo.InvariantCulture);
        if (bp > 10_000)
        {
            error = Ui.Text("A rate must be between 0 and 100 %.");
            return false;
        }

        rate = new CommissionRateValue(bp);
        error = "";
        return true;
    }

    [GeneratedRegex(@"^(?<whole>\d+)(?:\.(?<fraction>\d{1,2}))?$", RegexOptions.CultureInvariant)]
    private static partial Regex RatePattern();
}

/// <summary>What a successful recharge earns the reseller. Pure arithmetic; always rounds down to the poisha.</summary>
public static class CommissionCalculator
{
    public static Money AtRate(Money amount, CommissionRateValue rate)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(amount.Poisha);
        // Integer arithmetic: floor(amount × bp / 10000). Never double or decimal rounding.
        return new Money(checked(amount.Poisha * rate.BasisPoints) / 10_000);
    }

    /// <param name="vendorPackCommission">The vendor's commission for the pack being bought, when the amount buys one.</param>
    public static Money For(CommissionPlan plan, MobileOperator op, NumberType type, Money amount, Money? vendorPackCommission = null)
    {
        if (vendorPackCommission is { } packCommission && plan.PackMode == PackCommissionMode.VendorPackCommission)
        {
            // A vendor's figure is not trusted to be sane: never negative, never more than the recharge itself.
            return new Money(Math.Clamp(packCommission.Poisha, 0, Math.Max(amount.Poisha, 0)));
        }

        return AtRate(amount, plan.RateFor(op, type));
    }

    /// <summary>
    /// What each level of a reseller chain earns on one recharge, the placer first and the top-level reseller last.
    /// <paramref name="effectiveRates"/> (same order) never fall going up (each is capped by the ones above it): the placer
    /// earns at its own rate, each ancestor the difference between its rate and its child's on the path, so the chain
    /// together earns what the top rate gives. With <paramref name="packCommission"/> (the vendor's commission for an
    /// offer pack) that pie is split in the same proportions (the top's rate is the whole); when every rate is 0, the placer
    /// keeps it all, as a reseller without a parent does. Floors at each cumulative step, so the shares add up exactly.
    /// </summary>
    public static IReadOnlyList<Money> Split(Money amount, IReadOnlyList<CommissionRateValue> effectiveRates, Money? packCommission = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(amount.Poisha);
        ArgumentOutOfRangeException.ThrowIfZero(effectiveRates.Count);
        for (var i = 1; i < effectiveRates.Count; i++)
        {
            if (effectiveRates[i].BasisPoints < effectiveRates[i - 1].BasisPoints)
            {
                throw new ArgumentException("A child's rate is above its parent's: cap the rates first.", nameof(effectiveRates));
            }
        }

        var top = effectiveRates[^1].BasisPoints;
        long Cumulative(int level) => packCommission is { } pack
            ? top == 0
                ? Math.Clamp(pack.Poisha, 0, amount.Poisha)
                : checked(Math.Clamp(pack.Poisha, 0, amount.Poisha) * effectiveRates[level].BasisPoints) / top
            : AtRate(amount, effectiveRates[level]).Poisha;

        var shares = new Money[effectiveRates.Count];
        var below = 0L;
        for (var i = 0; i < shares.Length; i++)
        {
            var upTo = Cumulative(i);
            shares[i] = new Money(upTo - below);
            below = upTo;
        }

        return shares;
    }
}

using RechargePortal.Features.Commissions;
using RechargePortal.Features.Wallets;
using RechargePortal.Providers;

namespace RechargePortal.Tests.Features.Commissions;

public sealed class CommissionCalculatorTests
{
    private static CommissionPlan Plan(PackCommissionMode mode = PackCommissionMode.PlanRate)
    {
        var plan = CommissionPlan.Create("Test", mode, DateTime.UtcNow);
        plan.SetRate(MobileOperator.Grameenphone, NumberType.Prepaid, new CommissionRateValue(275));
        plan.SetRate(MobileOperator.Robi, NumberType.Prepaid, new CommissionRateValue(300));
        plan.SetRate(MobileOperator.Grameenphone, NumberType.Postpaid, new CommissionRateValue(50));
        return plan;
    }

    [Theory]
    [InlineData(10000, 275, 275)]      // ৳100 at 2.75 % = ৳2.75
    [InlineData(3333, 275, 91)]        // ৳33.33 × 2.75 % = 91.6575 poisha → 91, rounded down
    [InlineData(1999, 333, 66)]        // 66.5667 → 66
    [InlineData(99, 100, 0)]           // less than a poisha → nothing
    [InlineData(500000, 10000, 500000)] // 100 %
    [InlineData(500000, 0, 0)]
    public void Commission_is_the_rate_of_the_amount_rounded_down_to_the_poisha(long amount, int basisPoints, long expected) =>
        Assert.Equal(expected, CommissionCalculator.AtRate(new Money(amount), new CommissionRateValue(basisPoints)).Poisha);

    [Fact]
    public void Each_operator_and_number_type_earns_its_own_rate_and_unset_pairs_earn_nothing()
    {
        var plan = Plan();
        var hundred = Money.FromTaka(100);

        Assert.Equal(275, CommissionCalculator.For(plan, MobileOperator.Grameenphone, NumberType.Prepaid, hundred).Poisha);
        Assert.Equal(300, CommissionCalculator.For(plan, MobileOperator.Robi, NumberType.Prepaid, hundred).Poisha);
        Assert.Equal(50, CommissionCalculator.For(plan, MobileOperator.Grameenphone, NumberType.Postpaid, hundred).Poisha);
        Assert.Equal(0, CommissionCalculator.For(plan, MobileOperator.Banglalink, NumberType.Prepaid, hundred).Poisha);
    }

    [Fact]
    public void A_pack_earns_the_vendors_pack_commission_only_when_the_plan_says_so()
    {
        var pack = Money.FromTaka(116);
        var vendor = new Money(200);

        Assert.Equal(vendor, CommissionCalculator.For(Plan(PackCommissionMode.VendorPackCommission), MobileOperator.Robi, NumberType.Prepaid, pack, vendor));
        Assert.Equal(348, CommissionCalculator.For(Plan(PackCommissionMode.PlanRate), MobileOperator.Robi, NumberType.Prepaid, pack, vendor).Poisha);
        // Not a pack: the plan rate whatever the mode.
        Assert.Equal(348, CommissionCalculator.For(Plan(PackCommissionMode.VendorPackCommission), MobileOperator.Robi, NumberType.Prepaid, pack).Poisha);
    }

    [Theory]
    [InlineData(-500, 0)]        // a vendor listing a negative commission: nothing, never a charge
    [InlineData(11_600, 11_600)] // the whole price at most
    [InlineData(50_000, 11_600)] // more than the pack costs: capped at the recharge's amount
    public void A_vendors_pack_commission_is_never_below_zero_nor_above_the_amount_alone_or_split_down_a_tree(long vendorPoisha, long expected)
    {
        var pack = Money.FromTaka(116);

        Assert.Equal(expected, CommissionCalculator.For(Plan(PackCommissionMode.VendorPackCommission), MobileOperator.Robi, NumberType.Prepaid, pack, new Money(vendorPoisha)).Poisha);
        var shares = CommissionCalculator.Split(pack, [new CommissionRateValue(200), new CommissionRateValue(300)], new Money(vendorPoisha));
        Assert.Equal(expected, shares.Sum(s => s.Poisha));
        Assert.All(shares, s => Assert.True(s.Poisha >= 0));
    }

    [Theory]
    [InlineData("2.75", 275)]
    [InlineData("2.5 %", 250)]
    [InlineData("0", 0)]
    [InlineData("100", 10000)]
    [InlineData("100.00", 10000)]
    public void Rates_read_with_two_decimals(string input, int basisPoints)
    {
        Assert.True(CommissionRateValue.TryParse(input, out var rate, out var error), error);
        Assert.Equal(basisPoints, rate.BasisPoints);
    }

    [Theory]
    [InlineData("100.01", "between 0 and 100")]
    [InlineData("250", "between 0 and 100")]
    [InlineData("-1", "percentage")]
    [InlineData("2.755", "percentage")]
    [InlineData("abc", "percentage")]
    [InlineData("", "Enter a rate")]
    public void Rates_outside_0_to_100_or_with_more_decimals_are_refused(string input, string message)
    {
        Assert.False(CommissionRateValue.TryParse(input, out _, out var error));
        Assert.Contains(message, error, StringComparison.OrdinalIgnoreCase);
    }
}

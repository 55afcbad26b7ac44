using RechargePortal.Features.Commissions;
using RechargePortal.Features.Wallets;

namespace RechargePortal.Tests.Features.Commissions;

/// <summary>The pure arithmetic of commission down a reseller chain.</summary>
public sealed class CommissionSplitTests
{
    private static CommissionRateValue[] Rates(params int[] basisPoints) => basisPoints.Select(bp => new CommissionRateValue(bp)).ToArray();

    [Fact]
    public void A_1000_taka_recharge_by_a_retailer_at_2_under_a_dealer_at_2_50_under_a_distributor_at_3_pays_20_5_and_5() =>
        Assert.Equal([Money.FromTaka(20), Money.FromTaka(5), Money.FromTaka(5)], CommissionCalculator.Split(Money.FromTaka(1_000), Rates(200, 250, 300)));

    [Theory]
    [InlineData(3333, new[] { 200, 250, 300 }, new long[] { 66, 17, 16 })] // floors at each cumulative step: 66, 83, 99 in all
    [InlineData(10000, new[] { 0, 0 }, new long[] { 0, 0 })]
    [InlineData(10000, new[] { 275 }, new long[] { 275 })]                  // no parent: as before the tree
    [InlineData(10000, new[] { 100, 100, 300 }, new long[] { 100, 0, 200 })]
    public void The_chain_together_earns_what_the_top_rate_gives_and_no_level_is_negative(long amount, int[] rates, long[] expected)
    {
        var shares = CommissionCalculator.Split(new Money(amount), Rates(rates));

        Assert.Equal(expected, shares.Select(s => s.Poisha));
        Assert.Equal(CommissionCalculator.AtRate(new Money(amount), new CommissionRateValue(rates[^1])).Poisha, shares.Sum(s => s.Poisha));
    }

    [Fact]
    public void A_pack_commission_is_split_in_the_proportions_of_the_rates_and_kept_whole_by_a_lone_or_zero_rate_placer()
    {
        var pack = new Money(1_200);

        Assert.Equal([800L, 200L, 200L], CommissionCalculator.Split(Money.FromTaka(100), Rates(200, 250, 300), pack).Select(s => s.Poisha));
        Assert.Equal([1_200L], CommissionCalculator.Split(Money.FromTaka(100), Rates(0), pack).Select(s => s.Poisha));
        Assert.Equal([1_200L, 0L], CommissionCalculator.Split(Money.FromTaka(100), Rates(0, 0), pack).Select(s => s.Poisha));
        // Never more than the recharge itself, however much a vendor claims.
        Assert.Equal(10_000L, CommissionCalculator.Split(Money.FromTaka(100), Rates(100, 300), new Money(50_000)).Sum(s => s.Poisha));
    }

    [Fact]
    public void Rates_that_rise_going_down_the_chain_are_a_bug_not_a_split() =>
        Assert.Throws<ArgumentException>(() => CommissionCalculator.Split(Money.FromTaka(100), Rates(300, 250)));
}

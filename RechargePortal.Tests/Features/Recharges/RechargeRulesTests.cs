using RechargePortal.Features.Recharges;
using RechargePortal.Features.Wallets;
using RechargePortal.Providers;

namespace RechargePortal.Tests.Features.Recharges;

/// <summary>Number parsing, operator detection and amount rules: pure, no database.</summary>
public sealed class RechargeRulesTests
{
    [Theory]
    [InlineData("01712345678", "01712345678")]
    [InlineData("+8801712345678", "01712345678")]
    [InlineData("8801712345678", "01712345678")]
    [InlineData(" 017-1234 5678 ", "01712345678")]
    [InlineData("+880 1812-345678", "01812345678")]
    public void Numbers_are_normalised_to_eleven_local_digits(string typed, string expected)
    {
        Assert.True(MobileNumber.TryNormalize(typed, out var number, out var error), error);
        Assert.Equal(expected, number);
    }

    [Theory]
    [InlineData("", "Enter the mobile number.")]
    [InlineData("0171234567", "11 digits")]
    [InlineData("017123456789", "11 digits")]
    [InlineData("01712x45678", "digits only")]
    [InlineData("+911712345678", "Bangladeshi")]
    [InlineData("01212345678", "012 is not")]
    [InlineData("02712345678", "starts with 01")]
    public void Bad_numbers_say_why(string typed, string message)
    {
        Assert.False(MobileNumber.TryNormalize(typed, out _, out var error));
        Assert.Contains(message, error);
    }

    [Theory]
    [InlineData("01312345678", MobileOperator.Grameenphone)]
    [InlineData("01712345678", MobileOperator.Grameenphone)]
    [InlineData("01412345678", MobileOperator.Banglalink)]
    [InlineData("01912345678", MobileOperator.Banglalink)]
    [InlineData("01512345678", MobileOperator.Teletalk)]
    [InlineData("01612345678", MobileOperator.Airtel)]
    [InlineData("01812345678", MobileOperator.Robi)]
    public void The_operator_comes_from_the_prefix(string number, MobileOperator op) =>
        Assert.Equal(op, MobileNumber.OperatorOf(number));

    [Theory]
    [InlineData(MobileOperator.Robi, NumberType.Prepaid, 20, 5_000)]
    [InlineData(MobileOperator.Grameenphone, NumberType.Prepaid, 30, 5_000)]
    [InlineData(MobileOperator.Robi, NumberType.Postpaid, 20, 50_000)]
    [InlineData(MobileOperator.Grameenphone, NumberType.Postpaid, 30, 50_000)]
    [InlineData(MobileOperator.Grameenphone, NumberType.Skitto, 30, 5_000)]
    public void Default_amount_limits_follow_the_most_specific_rules(MobileOperator op, NumberType type, long min, long max)
    {
        var limits = AmountLimits.For(RechargeOptions.DefaultAmountRules, op, type);
        Assert.Equal(Money.FromTaka(min), limits.Min);
        Assert.Equal(Money.FromTaka(max), limits.Max);
        Assert.True(limits.WholeTaka);
        Assert.Null(limits.Check(limits.Min));
        Assert.Null(limits.Check(limits.Max));
        Assert.NotNull(limits.Check(limits.Min - new Money(100)));
        Assert.NotNull(limits.Check(limits.Max + new Money(100)));
        Assert.Contains("whole taka", limits.Check(limits.Min + new Money(50)));
    }

    [Fact]
    public void Configured_rules_replace_the_defaults()
    {
        AmountRule[] rules = [new() { Min = 10, Max = 1_000, WholeTaka = false }, new() { Operator = MobileOperator.Teletalk, NumberType = NumberType.Prepaid, Max = 500 }];
        Assert.Equal(Money.FromTaka(500), AmountLimits.For(rules, MobileOperator.Teletalk, NumberType.Prepaid).Max);
        Assert.Equal(Money.FromTaka(1_000), AmountLimits.For(rules, MobileOperator.Teletalk, NumberType.Postpaid).Max);
        Assert.Null(AmountLimits.For(rules, MobileOperator.Robi, NumberType.Prepaid).Check(new Money(1_050)));
    }

    [Fact]
    public void A_ported_number_keeps_the_operator_the_user_chose()
    {
        var form = new RechargeForm { Number = "01712345678", Operator = MobileOperator.Robi, Amount = "25" };
        var errors = RechargeRules.Validate(form, RechargeOptions.DefaultAmountRules, (_, _, _) => false, out var order);
        Assert.Empty(errors);
        Assert.Equal(MobileOperator.Robi, order!.Operator);
    }

    [Fact]
    public void Skitto_is_refused_beside_number_type_on_a_non_grameenphone_number()
    {
        var form = new RechargeForm { Number = "01812345678", NumberType = NumberType.Skitto, Amount = "100" };
        var errors = RechargeRules.Validate(form, RechargeOptions.DefaultAmountRules, (_, _, _) => false, out var order);
        Assert.Null(order);
        Assert.Equal([RechargeFields.NumberType], errors.Keys);
    }

    [Fact]
    public void A_pack_price_is_exempt_from_the_amount_limits()
    {
        var form = new RechargeForm { Number = "01712345678", Amount = "19" };
        Assert.Contains(RechargeFields.Amount, RechargeRules.Validate(form, RechargeOptions.DefaultAmountRules, (_, _, _) => false, out _).Keys);
        Assert.Empty(RechargeRules.Validate(form, RechargeOptions.DefaultAmountRules, (op, type, amount) => amount == Money.FromTaka(19), out _));
    }

    [Fact]
    public void Every_field_reports_its_own_error_at_once()
    {
        var errors = RechargeRules.Validate(new RechargeForm { Number = "123", Amount = "abc" }, RechargeOptions.DefaultAmountRules, (_, _, _) => false, out _);
        Assert.Equal([RechargeFields.Amount, RechargeFields.Number], errors.Keys.Order());
    }

    [Fact]
    public void Backoff_grows_then_repeats_its_last_step()
    {
        var options = new RechargeOptions();
        Assert.Equal(TimeSpan.FromSeconds(5), options.BackoffAfter(0));
        Assert.Equal(TimeSpan.FromSeconds(10), options.BackoffAfter(1));
        Assert.Equal(TimeSpan.FromMinutes(5), options.BackoffAfter(6));
        Assert.Equal(TimeSpan.FromMinutes(5), options.BackoffAfter(60));
    }
}

using RechargePortal.Features.Wallets;

namespace RechargePortal.Tests.Features.Wallets;

public sealed class MoneyTests
{
    [Theory]
    [InlineData(0, "৳0.00")]
    [InlineData(5, "৳0.05")]
    [InlineData(123450, "৳1,234.50")]
    [InlineData(1000000000, "৳10,000,000.00")]
    [InlineData(-2000, "-৳20.00")]
    public void Formats_as_taka_with_thousands_and_two_decimals(long poisha, string expected) =>
        Assert.Equal(expected, new Money(poisha).ToString());

    [Theory]
    [InlineData("500", 50000)]
    [InlineData("1234.5", 123450)]
    [InlineData("1,234.50", 123450)]
    [InlineData("৳ 1,500", 150000)]
    [InlineData("1,00,000", 10000000)]
    [InlineData("  20.05 ", 2005)]
    [InlineData("0.01", 1)]
    public void Reads_amounts_as_people_type_them(string input, long poisha)
    {
        Assert.True(Money.TryParse(input, out var money, out var error), error);
        Assert.Equal(poisha, money.Poisha);
    }

    [Theory]
    [InlineData("", "Enter an amount")]
    [InlineData("0", "more than zero")]
    [InlineData("0.00", "more than zero")]
    [InlineData("-50", "positive")]
    [InlineData("abc", "Enter an amount in taka")]
    [InlineData("12a", "Enter an amount in taka")]
    [InlineData("1e5", "Enter an amount in taka")]
    [InlineData("10.505", "two decimals")]
    [InlineData("1,2345", "Enter an amount in taka")]
    [InlineData("100000001", "largest amount")]
    [InlineData("99999999999999999999999", "largest amount")]
    public void Refuses_bad_amounts_with_a_message(string input, string message)
    {
        Assert.False(Money.TryParse(input, out var money, out var error));
        Assert.Contains(message, error, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(Money.Zero, money);
    }
}

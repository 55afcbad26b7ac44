using System.Net;
using RechargePortal.Features.Api;

namespace RechargePortal.Tests.Features.Api;

public sealed class ApiAllowListTests
{
    [Theory]
    [InlineData("203.0.113.7", "203.0.113.7", true)]
    [InlineData("203.0.113.7", "203.0.113.8", false)]
    [InlineData("203.0.113.0/24", "203.0.113.200", true)]
    [InlineData("203.0.113.0/24", "203.0.114.1", false)]
    [InlineData("2001:db8::1", "2001:db8::1", true)]
    [InlineData("2001:db8::/32", "2001:db8:ffff::5", true)]
    [InlineData("2001:db8::/32", "2001:db9::5", false)]
    [InlineData("203.0.113.7", "::ffff:203.0.113.7", true)]
    [InlineData("", "198.51.100.1", true)]
    public void An_address_is_allowed_only_when_a_line_matches_it(string list, string address, bool allowed)
    {
        Assert.True(ApiAllowList.TryParse(list, out var allowList, out var error), error);
        Assert.Equal(allowed, allowList.Allows(IPAddress.Parse(address)));
    }

    [Fact]
    public void A_list_with_lines_allows_no_unknown_address() =>
        Assert.False(Parse("203.0.113.7").Allows(null));

    [Theory]
    [InlineData("not-an-address")]
    [InlineData("203.0.113.7/33")]
    [InlineData("203.0.113.7/24")]
    [InlineData("300.1.1.1")]
    [InlineData("203.0.113.7\nexample.com")]
    public void A_bad_line_is_refused_by_name(string list)
    {
        Assert.False(ApiAllowList.TryParse(list, out _, out var error));
        Assert.Contains("not an IPv4/IPv6 address or a CIDR network", error);
    }

    [Fact]
    public void Lines_are_trimmed_deduplicated_and_stored_one_a_line() =>
        Assert.Equal("203.0.113.7\n10.0.0.0/8\n2001:db8::/32", Parse(" 203.0.113.7 \r\n\n10.0.0.0/8\n203.0.113.7\n2001:DB8::/32\n").ToString());

    [Theory]
    [InlineData("https://shop.example.com/hook", false, true)]
    [InlineData("http://shop.example.com/hook", false, false)]
    [InlineData("https://127.0.0.1/hook", false, false)]
    [InlineData("https://localhost/hook", false, false)]
    [InlineData("https://10.1.2.3/hook", false, false)]
    [InlineData("https://192.168.1.10/hook", false, false)]
    [InlineData("https://[::1]/hook", false, false)]
    [InlineData("https://[fd00::1]/hook", false, false)]
    [InlineData("https://169.254.169.254/latest", false, false)]
    [InlineData("http://127.0.0.1:5000/hook", true, true)]
    [InlineData("ftp://shop.example.com/hook", true, false)]
    [InlineData("https://user:pass@shop.example.com/hook", false, false)]
    [InlineData("", false, true)]
    public void A_callback_address_must_be_public_https_outside_development(string url, bool development, bool valid) =>
        Assert.Equal(valid, CallbackUrl.TryValidate(url, development, out _, out _));

    private static ApiAllowList Parse(string text) =>
        ApiAllowList.TryParse(text, out var list, out var error) ? list : throw new FormatException(error);
}

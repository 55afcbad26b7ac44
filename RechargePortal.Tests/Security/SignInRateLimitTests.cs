using System.Net;
using Microsoft.Extensions.Options;
using RechargePortal.Security;
using RechargePortal.Tests.TestSupport;

namespace RechargePortal.Tests.Security;

/// <summary>
/// Sign-in posts are limited per client address and per account name (small limits here; nothing waits:
/// every attempt of a test happens well inside one minute).
/// </summary>
public sealed class SignInRateLimitTests(SignInRateLimitTests.App app) : IClassFixture<SignInRateLimitTests.App>
{
    /// <summary>10 per account (the default), 15 per address; the lockout out of the way so only the limiter refuses.</summary>
    public sealed class App() : PortalAppFactory(null, new Dictionary<string, string?>
    {
        ["RateLimits:SignInPerAccountPerMinute"] = "10",
        ["RateLimits:SignInPerIpPerMinute"] = "15",
        ["Security:MaxFailedLogins"] = "100",
    });

    private HttpClient ClientAt(string address) => TestClientAddress.From(app.CreateBrowserlikeClient(), address);

    [Fact]
    public async Task The_11th_attempt_for_one_account_within_a_minute_gets_429_while_another_account_from_the_same_address_signs_in()
    {
        var target = await app.CreateUserAsync(Roles.Reseller);
        var other = await app.CreateUserAsync(Roles.Reseller);
        var client = ClientAt("10.1.0.1");
        // The same account however it is typed.
        string[] spellings = [target, target.ToUpperInvariant(), $"  {target} "];

        for (var attempt = 0; attempt < 10; attempt++)
        {
            var refused = await PortalAppFactory.PostLoginAsync(client, spellings[attempt % 3], $"Wrong-Password-{attempt}x");
            Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        }

        var eleventh = await PortalAppFactory.PostLoginAsync(client, target, PortalAppFactory.UserPassword);

        await AssertTooManyAsync(eleventh);
        Assert.Equal(HttpStatusCode.Redirect, (await PortalAppFactory.PostLoginAsync(client, other, PortalAppFactory.UserPassword)).StatusCode);
        // The account's limit holds from any address.
        await AssertTooManyAsync(await PortalAppFactory.PostLoginAsync(ClientAt("10.1.0.2"), target, PortalAppFactory.UserPassword));
    }

    [Fact]
    public async Task The_16th_attempt_from_one_address_within_a_minute_gets_429_while_another_address_signs_in()
    {
        var user = await app.CreateUserAsync(Roles.Reseller);
        var client = ClientAt("10.2.0.1");

        for (var attempt = 0; attempt < 15; attempt++)
        {
            var refused = await PortalAppFactory.PostLoginAsync(client, $"guess-{attempt}-{Guid.NewGuid():N}@test.local", "Some-Password-123");
            Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        }

        var sixteenth = await PortalAppFactory.PostLoginAsync(client, user, PortalAppFactory.UserPassword);

        await AssertTooManyAsync(sixteenth);
        Assert.Equal(HttpStatusCode.Redirect, (await PortalAppFactory.PostLoginAsync(ClientAt("10.2.0.2"), user, PortalAppFactory.UserPassword)).StatusCode);
    }

    [Fact]
    public async Task Opening_the_login_page_does_not_count()
    {
        var user = await app.CreateUserAsync(Roles.Reseller);
        var client = ClientAt("10.3.0.1");
        for (var open = 0; open < 30; open++)
        {
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/Account/Login")).StatusCode);
        }

        Assert.Equal(HttpStatusCode.Redirect, (await PortalAppFactory.PostLoginAsync(client, user, PortalAppFactory.UserPassword)).StatusCode);
    }

    [Fact]
    public void IPv6_clients_are_counted_by_their_64_bit_network()
    {
        string Key(string address)
        {
            var http = new Microsoft.AspNetCore.Http.DefaultHttpContext();
            http.Connection.RemoteIpAddress = IPAddress.Parse(address);
            return SignInRateLimits.ClientAddress(http);
        }

        Assert.Equal(Key("2001:db8:1:2::1"), Key("2001:db8:1:2:ffff:1234:5678:9abc"));
        Assert.NotEqual(Key("2001:db8:1:2::1"), Key("2001:db8:1:3::1"));
        Assert.Equal("192.0.2.7", Key("::ffff:192.0.2.7"));
    }

    [Theory]
    [InlineData("RateLimits:SignInPerIpPerMinute", "0")]
    [InlineData("RateLimits:SignInPerAccountPerMinute", "-1")]
    public void A_limit_below_one_stops_the_app_at_start(string key, string value)
    {
        using var factory = new PortalAppFactory(null, new Dictionary<string, string?> { [key] = value });

        var error = Assert.ThrowsAny<OptionsValidationException>(() => factory.CreateClient());

        Assert.Contains(key.Split(':')[1], error.Message);
    }

    private static async Task AssertTooManyAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(60), response.Headers.RetryAfter?.Delta);
        Assert.Contains("Too many sign-in attempts; wait a minute", await response.Content.ReadAsStringAsync());
    }
}

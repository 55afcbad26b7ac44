using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using RechargePortal.Security;
using RechargePortal.Tests.TestSupport;

namespace RechargePortal.Tests.Security;

/// <summary>
/// HTTPS and what a reverse proxy says: cookies only over HTTPS (the test host runs outside Development, as production
/// does), http redirected, HSTS, and X-Forwarded-* believed from the configured proxies only.
/// </summary>
public sealed class HttpsHostingTests(HttpsHostingTests.App app) : IClassFixture<HttpsHostingTests.App>
{
    private const string Proxy = "10.0.0.5";
    private const string ProxyInNetwork = "192.168.50.7";
    private const string Stranger = "10.0.0.6";

    /// <summary>One proxy by address and a network of them; https on 443; three sign-in posts per client address a minute.</summary>
    public sealed class App() : PortalAppFactory(null, new Dictionary<string, string?>
    {
        ["Security:KnownProxies:0"] = Proxy,
        ["Security:KnownProxies:1"] = "192.168.50.0/24",
        ["https_port"] = "443",
        ["RateLimits:SignInPerIpPerMinute"] = "3",
    });

    [Fact]
    public async Task Every_cookie_of_signing_in_and_out_is_Host_prefixed_Secure_HttpOnly_and_SameSite_Lax()
    {
        var client = From(app.CreateBrowserlikeClient(), "198.51.100.10");
        var loginPage = await client.GetAsync("/Account/Login");
        var login = await PortalAppFactory.PostLoginAsync(client, await app.CreateUserAsync(Roles.Reseller), PortalAppFactory.UserPassword);
        var logout = await AccountForms.PostSignOutAsync(client);

        var cookies = new[] { loginPage, login, logout }.SelectMany(r => r.Headers.TryGetValues("Set-Cookie", out var set) ? set : []).ToList();

        Assert.Contains(cookies, c => c.StartsWith("__Host-RechargePortal.Antiforgery=", StringComparison.Ordinal));
        Assert.Contains(cookies, c => c.StartsWith("__Host-RechargePortal.Auth=", StringComparison.Ordinal));
        Assert.All(cookies, cookie =>
        {
            var attributes = cookie.Split(';').Skip(1).Select(a => a.Trim().ToLowerInvariant()).ToList();
            Assert.StartsWith("__Host-RechargePortal.", cookie);
            Assert.Contains("secure", attributes);
            Assert.Contains("httponly", attributes);
            Assert.Contains("samesite=lax", attributes);
            Assert.Contains("path=/", attributes);
            Assert.DoesNotContain(attributes, a => a.StartsWith("domain=", StringComparison.Ordinal));
        });
    }

    [Fact]
    public void In_Development_the_cookies_go_without_the_prefix_and_are_Secure_over_https_only()
    {
        var cookie = new CookieBuilder();

        PortalCookies.Apply(cookie, PortalCookies.Auth, new TestEnvironment(Environments.Development));

        Assert.Equal("RechargePortal.Auth", cookie.Name);
        Assert.Equal(CookieSecurePolicy.SameAsRequest, cookie.SecurePolicy);
        Assert.True(cookie.HttpOnly);
        Assert.Equal(SameSiteMode.Lax, cookie.SameSite);
    }

    [Fact]
    public async Task Https_answers_carry_HSTS()
    {
        var client = From(app.CreateBrowserlikeClient(), "198.51.100.11");
        using var request = new HttpRequestMessage(HttpMethod.Get, "/Account/Login");
        request.Headers.Host = "portal.example.com";

        var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("max-age=31536000; includeSubDomains", string.Join(",", response.Headers.GetValues("Strict-Transport-Security")));
    }

    [Fact]
    public async Task Plain_http_is_redirected_to_https()
    {
        var response = await PlainHttp(Stranger).GetAsync("/Account/Login?ReturnUrl=%2Fwallet");

        Assert.Equal(HttpStatusCode.TemporaryRedirect, response.StatusCode);
        Assert.Equal("https://localhost/Account/Login?ReturnUrl=%2Fwallet", response.Headers.Location!.ToString());
    }

    [Theory]
    [InlineData(Proxy, HttpStatusCode.OK)]
    [InlineData(ProxyInNetwork, HttpStatusCode.OK)]
    [InlineData(Stranger, HttpStatusCode.TemporaryRedirect)]
    public async Task A_proxy_saying_the_client_used_https_is_believed_only_when_known(string from, HttpStatusCode expected)
    {
        var client = PlainHttp(from);
        client.DefaultRequestHeaders.Add("X-Forwarded-Proto", "https");

        var response = await client.GetAsync("/Account/Login");

        Assert.Equal(expected, response.StatusCode);
    }

    [Fact]
    public async Task The_client_address_a_known_proxy_reports_is_the_one_recorded_and_a_strangers_report_is_ignored()
    {
        var email = await app.CreateUserAsync(Roles.Reseller);
        var viaProxy = Forwarded(From(app.CreateBrowserlikeClient(), Proxy), "203.0.113.7");
        var viaStranger = Forwarded(From(app.CreateBrowserlikeClient(), Stranger), "203.0.113.8");

        await PortalAppFactory.PostLoginAsync(viaProxy, email, PortalAppFactory.UserPassword);
        await PortalAppFactory.PostLoginAsync(viaStranger, email, PortalAppFactory.UserPassword);

        var user = await app.FindUserAsync(email);
        await using var db = await app.DbAsync();
        var addresses = await db.UserSessions.Where(s => s.UserId == user.Id).Select(s => s.IpAddress).ToListAsync();
        Assert.Equal([Stranger, "203.0.113.7"], addresses.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Sign_in_rate_limits_count_each_client_behind_the_proxy_not_the_proxy()
    {
        var email = await app.CreateUserAsync(Roles.Reseller);
        var first = Forwarded(From(app.CreateBrowserlikeClient(), Proxy), "198.51.100.20");
        for (var attempt = 0; attempt < 3; attempt++)
        {
            Assert.Equal(HttpStatusCode.OK, (await PortalAppFactory.PostLoginAsync(first, email, "Wrong-Password-123")).StatusCode);
        }

        Assert.Equal(HttpStatusCode.TooManyRequests, (await PortalAppFactory.PostLoginAsync(first, email, "Wrong-Password-123")).StatusCode);

        // Another shop behind the same proxy has its own count.
        var second = Forwarded(From(app.CreateBrowserlikeClient(), Proxy), "198.51.100.21");
        Assert.Equal(HttpStatusCode.Redirect, (await PortalAppFactory.PostLoginAsync(second, email, PortalAppFactory.UserPassword)).StatusCode);
    }

    [Theory]
    [InlineData("10.0.0.300")]
    [InlineData("proxy.example.com")]
    [InlineData("10.0.0.0/40")]
    public void A_known_proxy_that_is_no_address_or_network_stops_the_app_at_start(string proxy)
    {
        using var factory = new PortalAppFactory(null, new Dictionary<string, string?> { ["Security:KnownProxies:0"] = proxy });

        var error = Assert.ThrowsAny<OptionsValidationException>(() => factory.CreateClient());

        Assert.Contains("KnownProxies", error.Message);
    }

    private HttpClient PlainHttp(string from) =>
        From(app.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri("http://localhost"), AllowAutoRedirect = false }), from);

    private static HttpClient From(HttpClient client, string address) => TestClientAddress.From(client, address);

    private static HttpClient Forwarded(HttpClient client, string clientAddress)
    {
        client.DefaultRequestHeaders.Add("X-Forwarded-For", clientAddress);
        client.DefaultRequestHeaders.Add("X-Forwarded-Proto", "https");
        return client;
    }

    private sealed class TestEnvironment(string name) : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = name;
        public string ApplicationName { get; set; } = "RechargePortal";
        public string ContentRootPath { get; set; } = "";
        public Microsoft.Extensions.FileProviders.IFileProvider ContentRootFileProvider { get; set; } = null!;
    }
}

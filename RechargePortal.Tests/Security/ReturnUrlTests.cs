using System.Net;
using RechargePortal.Security;
using RechargePortal.Tests.TestSupport;

namespace RechargePortal.Tests.Security;

/// <summary>A sign-in form's ReturnUrl sends the browser to a page of the portal, or to <c>/</c>: never elsewhere, never a 500.</summary>
public sealed class ReturnUrlTests(PortalAppFactory app) : IClassFixture<PortalAppFactory>
{
    public static TheoryData<string> ForeignOrMalformed => new()
    {
        "https://evil.example/",
        "http://evil.example",
        "//evil.example",
        "///evil.example",
        "/\\evil.example",
        "/\\\\evil.example",
        "\\\\evil.example",
        "javascript:alert(1)",
        "JaVaScRiPt:alert(document.cookie)",
        "data:text/html,<script>alert(1)</script>",
        "evil.example",
        " //evil.example",
        "%2F%2Fevil.example",
        "/%2F%2Fevil.example",
        "%252F%252Fevil.example",
        "/%5Cevil.example",
        "/%255Cevil.example",
        "/%09/evil.example",
        "/\t/evil.example",
        "/%0D%0ASet-Cookie:%20x=1",
        "/\r\nSet-Cookie: x=1",
        "/\u0995\u09BE",
        Garbage(2048, seed: 1),
        "/" + Garbage(2047, seed: 2),
        "/" + new string('a', 2047),
    };

    [Theory]
    [MemberData(nameof(ForeignOrMalformed))]
    public async Task Signing_in_with_a_foreign_or_malformed_ReturnUrl_lands_on_the_dashboard(string returnUrl)
    {
        var client = app.CreateBrowserlikeClient();

        var response = await PortalAppFactory.PostLoginAsync(client, PortalAppFactory.AdminEmail, PortalAppFactory.AdminPassword,
            "/Account/Login?ReturnUrl=" + Uri.EscapeDataString(returnUrl));

        AssertRedirectsTo("/", response);
    }

    [Fact]
    public async Task A_ReturnUrl_of_the_portal_itself_is_followed_with_its_query()
    {
        const string report = "/reports/transactions?from=2025-10-01&to=2025-10-31&status=Failed%20(refunded)";
        var client = app.CreateBrowserlikeClient();

        var response = await PortalAppFactory.PostLoginAsync(client, PortalAppFactory.AdminEmail, PortalAppFactory.AdminPassword,
            "/Account/Login?ReturnUrl=" + Uri.EscapeDataString(report));

        AssertRedirectsTo(report, response);
    }

    [Fact]
    public async Task A_page_that_needs_sign_in_comes_back_after_it()
    {
        var client = app.CreateBrowserlikeClient();
        var challenge = await client.GetAsync("/reports/transactions?from=2025-10-01&to=2025-10-31");
        Assert.Equal(HttpStatusCode.Redirect, challenge.StatusCode);

        var response = await PortalAppFactory.PostLoginAsync(client, PortalAppFactory.AdminEmail, PortalAppFactory.AdminPassword,
            challenge.Headers.Location!.PathAndQuery);

        AssertRedirectsTo("/reports/transactions?from=2025-10-01&to=2025-10-31", response);
    }

    [Theory]
    [MemberData(nameof(ForeignOrMalformed))]
    public async Task Signing_out_with_a_foreign_or_malformed_ReturnUrl_lands_on_the_login_page(string returnUrl)
    {
        var client = await app.SignedInClientAsync(PortalAppFactory.AdminEmail, PortalAppFactory.AdminPassword);
        var page = await client.GetStringAsync("/");
        var token = System.Text.RegularExpressions.Regex.Match(page, "name=\"__RequestVerificationToken\" value=\"([^\"]+)\"").Groups[1].Value;

        var response = await client.PostAsync("/Account/Logout", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token,
            ["ReturnUrl"] = returnUrl,
        }));

        AssertRedirectsTo("/Account/Login", response);
    }

    [Theory]
    [MemberData(nameof(ForeignOrMalformed))]
    public void Each_foreign_or_malformed_address_is_refused_by_the_rule_itself(string returnUrl) =>
        Assert.Equal("/", ReturnUrl.LocalOrRoot(returnUrl));

    [Theory]
    [InlineData("/")]
    [InlineData("/recharges")]
    [InlineData("/reports/transactions?from=2025-10-01&to=2025-10-31&reseller=abc%40x")]
    [InlineData("/admin/users#top")]
    public void Local_paths_are_kept(string returnUrl) => Assert.Equal(returnUrl, ReturnUrl.LocalOrRoot(returnUrl));

    private static void AssertRedirectsTo(string pathAndQuery, HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var location = response.Headers.Location!;
        var resolved = new Uri(new Uri("http://localhost/"), location);
        Assert.Equal("localhost", resolved.Host);
        Assert.Equal(pathAndQuery, resolved.PathAndQuery);
    }

    // Printable and not: what a fuzzer or a broken link might send.
    private static string Garbage(int length, int seed)
    {
        var random = new Random(seed);
        return new string([.. Enumerable.Range(0, length).Select(_ => (char)random.Next(1, 0x2FF))]);
    }
}

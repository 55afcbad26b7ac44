using System.Net;
using RechargePortal.Tests.TestSupport;

namespace RechargePortal.Tests.Security;

/// <summary><c>AllowedHosts</c> from configuration: a request for another host name is refused before the app sees it.</summary>
public sealed class AllowedHostsTests(AllowedHostsTests.App app) : IClassFixture<AllowedHostsTests.App>
{
    public sealed class App() : PortalAppFactory(null, new Dictionary<string, string?> { ["AllowedHosts"] = "portal.example.com;*.portal.example.com" });

    [Theory]
    [InlineData("portal.example.com", HttpStatusCode.OK)]
    [InlineData("shop.portal.example.com", HttpStatusCode.OK)]
    [InlineData("evil.example", HttpStatusCode.BadRequest)]
    [InlineData("localhost", HttpStatusCode.BadRequest)]
    public async Task Only_the_configured_host_names_are_answered(string host, HttpStatusCode expected)
    {
        var client = app.CreateBrowserlikeClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/Account/Login");
        request.Headers.Host = host;

        var response = await client.SendAsync(request);

        Assert.Equal(expected, response.StatusCode);
    }
}

using System.Net;
using System.Text.Json;
using RechargePortal.Tests.TestSupport;

namespace RechargePortal.Tests.Features.Operations;

public sealed class HealthEndpointTests(PortalAppFactory app) : IClassFixture<PortalAppFactory>
{
    [Fact]
    public async Task Health_answers_200_with_a_json_body_without_login()
    {
        var response = await app.CreateBrowserlikeClient().GetAsync("/health");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("healthy", body.RootElement.GetProperty("status").GetString());
        Assert.Equal("ok", body.RootElement.GetProperty("database").GetString());
    }

    [Theory]
    [InlineData("/assets/css/portal.css", "text/css")]
    [InlineData("/assets/img/logo.svg", "image/svg+xml")]
    [InlineData("/assets/img/operators/grameenphone.svg", "image/svg+xml")]
    [InlineData("/_framework/blazor.web.js", "text/javascript")]
    [InlineData("/_content/MudBlazor/MudBlazor.min.css", "text/css")]
    public async Task The_assets_the_login_page_needs_are_served_without_login(string path, string mediaType)
    {
        var response = await app.CreateBrowserlikeClient().GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(mediaType, response.Content.Headers.ContentType?.MediaType);
    }
}

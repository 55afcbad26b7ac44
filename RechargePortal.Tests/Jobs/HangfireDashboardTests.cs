using System.Net;
using RechargePortal.Security;
using RechargePortal.Tests.TestSupport;

namespace RechargePortal.Tests.Jobs;

public sealed class HangfireDashboardTests(PortalAppFactory app) : IClassFixture<PortalAppFactory>
{
    [Theory]
    [InlineData(Roles.Reseller)]
    [InlineData(Roles.Auditor)]
    public async Task Non_admins_get_no_dashboard_page_nor_its_api(string role)
    {
        var client = await app.SignedInClientAsync(await app.CreateUserAsync(role), PortalAppFactory.UserPassword);

        foreach (var path in new[] { "/hangfire", "/hangfire/jobs/enqueued", "/hangfire/stats" })
        {
            var response = await client.GetAsync(path);
            Assert.NotEqual(HttpStatusCode.OK, response.StatusCode);
            Assert.DoesNotContain("RechargePortal jobs", await response.Content.ReadAsStringAsync());
        }
    }

    [Fact]
    public async Task The_admin_sees_the_dashboard()
    {
        var client = await app.SignedInClientAsync(PortalAppFactory.AdminEmail, PortalAppFactory.AdminPassword);

        var response = await client.GetAsync("/hangfire");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("RechargePortal jobs", await response.Content.ReadAsStringAsync());
    }
}

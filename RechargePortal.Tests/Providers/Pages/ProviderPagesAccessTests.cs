using System.Net;
using RechargePortal.Security;
using RechargePortal.Tests.TestSupport;

namespace RechargePortal.Tests.Providers.Pages;

/// <summary>/admin/providers for admins only; /offers for resellers and admins.</summary>
public sealed class ProviderPagesAccessTests(PortalAppFactory app) : IClassFixture<PortalAppFactory>
{
    [Theory]
    [InlineData("", "/admin/providers", false)]
    [InlineData("", "/offers", false)]
    [InlineData(Roles.Reseller, "/admin/providers", false)]
    [InlineData(Roles.Reseller, "/offers", true)]
    [InlineData(Roles.Auditor, "/admin/providers", false)]
    [InlineData(Roles.Auditor, "/offers", false)]
    [InlineData(Roles.Admin, "/admin/providers", true)]
    [InlineData(Roles.Admin, "/offers", true)]
    public async Task Each_role_reaches_only_its_provider_pages(string role, string path, bool allowed)
    {
        var client = role switch
        {
            "" => app.CreateBrowserlikeClient(),
            Roles.Admin => await app.SignedInClientAsync(PortalAppFactory.AdminEmail, PortalAppFactory.AdminPassword),
            _ => await app.SignedInClientAsync(await app.CreateUserAsync(role), PortalAppFactory.UserPassword),
        };

        var response = await client.GetAsync(path);

        if (allowed)
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var body = await response.Content.ReadAsStringAsync();
            Assert.Contains(path == "/offers" ? "Offer packs" : "Recent upstream calls", body);
            Assert.DoesNotContain("access_pass=", body);
        }
        else
        {
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            Assert.StartsWith("/Account/", response.Headers.Location!.PathAndQuery);
        }
    }
}

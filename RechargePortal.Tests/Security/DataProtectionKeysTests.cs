using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.AspNetCore.Mvc.Testing;
using RechargePortal.Tests.TestSupport;

namespace RechargePortal.Tests.Security;

/// <summary>The cookie keys are the portal's, not one machine's: a restart or another instance keeps people signed in.</summary>
public sealed class DataProtectionKeysTests
{
    [Fact]
    public async Task The_key_ring_is_in_the_database_and_a_new_instance_accepts_the_sign_in_cookie_of_the_old_one()
    {
        var path = PortalAppFactory.NewDatabasePath();
        try
        {
            string cookies;
            await using (var first = new PortalAppFactory(path, new Dictionary<string, string?>()))
            {
                var login = await PortalAppFactory.PostLoginAsync(first.CreateBrowserlikeClient(), PortalAppFactory.AdminEmail, PortalAppFactory.AdminPassword);
                Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
                cookies = string.Join("; ", login.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0]));
                await using var db = await first.DbAsync();
                Assert.NotEmpty(await db.DataProtectionKeys.AsNoTracking().ToListAsync());
            }

            await using var second = new PortalAppFactory(path, new Dictionary<string, string?>());
            var client = second.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
            using var request = new HttpRequestMessage(HttpMethod.Get, "/admin/users");
            request.Headers.Add("Cookie", cookies);

            var response = await client.SendAsync(request);

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        finally
        {
            PortalAppFactory.DeleteDatabase(path);
        }
    }
}

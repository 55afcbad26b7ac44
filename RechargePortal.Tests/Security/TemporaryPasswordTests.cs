using System.Net;
using Microsoft.Extensions.DependencyInjection;
using RechargePortal.Features.Users;
using RechargePortal.Security;
using RechargePortal.Tests.TestSupport;

namespace RechargePortal.Tests.Security;

/// <summary>A password an admin set is the person's to replace at their first sign-in, before anything else opens.</summary>
public sealed class TemporaryPasswordTests(PortalAppFactory app) : IClassFixture<PortalAppFactory>
{
    [Fact]
    public async Task A_user_an_admin_created_must_change_the_password_before_any_page_opens_and_then_goes_on()
    {
        var email = await app.CreateUserAsync(Roles.Reseller, passwordChanged: false);
        var client = await app.SignedInClientAsync(email, PortalAppFactory.UserPassword);

        var home = await client.GetAsync("/");
        var recharge = await client.GetAsync("/recharge");
        var csv = await client.GetAsync("/wallet/statement.csv");
        var page = await client.GetStringAsync(PasswordChangeRequirement.ChangePath);
        var changed = await AccountForms.PostChangePasswordAsync(client, PortalAppFactory.UserPassword, "my own shop passphrase 7");
        var after = await client.GetAsync("/recharge");

        Assert.Equal(PasswordChangeRequirement.ChangePath, home.Headers.Location?.OriginalString);
        Assert.Equal(PasswordChangeRequirement.ChangePath, recharge.Headers.Location?.OriginalString);
        Assert.Equal(PasswordChangeRequirement.ChangePath, csv.Headers.Location?.OriginalString);
        Assert.Contains("data-testid=\"password-change-required\"", page);
        Assert.Equal(HttpStatusCode.Redirect, changed.StatusCode);
        Assert.Equal("/", new Uri(new Uri("http://localhost"), changed.Headers.Location!).AbsolutePath);
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        Assert.False((await app.FindUserAsync(email)).MustChangePassword);
    }

    [Fact]
    public async Task A_post_elsewhere_before_the_change_is_refused()
    {
        var email = await app.CreateUserAsync(Roles.Reseller, passwordChanged: false);
        var client = await app.SignedInClientAsync(email, PortalAppFactory.UserPassword);

        var post = await client.PostAsync("/recharge", new FormUrlEncodedContent(new Dictionary<string, string>()));

        Assert.Equal(HttpStatusCode.Forbidden, post.StatusCode);
        Assert.Contains("Choose your own password first", await post.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_password_an_admin_reset_is_temporary_again()
    {
        var email = await app.CreateUserAsync(Roles.Reseller);
        var user = await app.FindUserAsync(email);
        Assert.False(user.MustChangePassword);

        var reset = await app.Services.GetRequiredService<UserAdminService>().ResetPasswordAsync(await app.AdminActorAsync(), user.Id, "handed over at the counter");
        var client = await app.SignedInClientAsync(email, "handed over at the counter");
        var home = await client.GetAsync("/");

        Assert.True(reset.Succeeded, reset.Problem);
        Assert.True((await app.FindUserAsync(email)).MustChangePassword);
        Assert.Equal(PasswordChangeRequirement.ChangePath, home.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task A_first_admin_whose_password_came_from_configuration_is_not_forced()
    {
        var admin = await app.FindUserAsync(PortalAppFactory.AdminEmail);
        var client = await app.SignedInClientAsync(PortalAppFactory.AdminEmail, PortalAppFactory.AdminPassword);

        var home = await client.GetAsync("/");

        Assert.False(admin.MustChangePassword);
        Assert.Equal(HttpStatusCode.OK, home.StatusCode);
    }
}

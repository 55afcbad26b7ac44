using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using RechargePortal.Features.Audit;
using RechargePortal.Features.Users;
using RechargePortal.Security;
using RechargePortal.Tests.TestSupport;

namespace RechargePortal.Tests.Security;

public sealed class SignInTests(PortalAppFactory app) : IClassFixture<PortalAppFactory>
{
    private UserAdminService Users => app.Services.GetRequiredService<UserAdminService>();

    [Fact]
    public async Task Wrong_password_is_refused_with_a_message_and_counted()
    {
        var email = await app.CreateUserAsync(Roles.Reseller);
        var client = app.CreateBrowserlikeClient();

        var response = await PortalAppFactory.PostLoginAsync(client, email, "Not-The-Password-1");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("Wrong email or password", await response.Content.ReadAsStringAsync());
        Assert.Equal(1, (await app.FindUserAsync(email)).AccessFailedCount);
    }

    [Fact]
    public async Task Five_wrong_passwords_lock_the_account_even_against_the_right_one()
    {
        var email = await app.CreateUserAsync(Roles.Reseller);
        var client = app.CreateBrowserlikeClient();

        for (var attempt = 1; attempt <= 5; attempt++)
        {
            await PortalAppFactory.PostLoginAsync(client, email, $"Wrong-Password-{attempt}x");
        }

        var withRightPassword = await PortalAppFactory.PostLoginAsync(client, email, PortalAppFactory.UserPassword);

        // Refused with the message of a wrong password: the page does not tell that the account exists and is locked.
        Assert.Equal(HttpStatusCode.OK, withRightPassword.StatusCode);
        Assert.Contains("Wrong email or password", await withRightPassword.Content.ReadAsStringAsync());
        Assert.True((await app.FindUserAsync(email)).LockoutEnd > DateTimeOffset.UtcNow.AddMinutes(10));
    }

    [Fact]
    public async Task A_reseller_created_by_the_admin_can_sign_in_and_the_last_login_is_recorded()
    {
        var email = await app.CreateUserAsync(Roles.Reseller);

        var client = await app.SignedInClientAsync(email, PortalAppFactory.UserPassword);
        var dashboard = await client.GetStringAsync("/");

        Assert.Contains("Reseller dashboard", dashboard);
        Assert.NotNull((await app.FindUserAsync(email)).LastLoginAtUtc);
    }

    [Fact]
    public async Task A_locked_user_is_refused_at_sign_in_and_loses_an_open_session()
    {
        var email = await app.CreateUserAsync(Roles.Reseller);
        var openSession = await app.SignedInClientAsync(email, PortalAppFactory.UserPassword);
        Assert.Equal(HttpStatusCode.OK, (await openSession.GetAsync("/")).StatusCode);

        var locked = await Users.LockAsync(await app.AdminActorAsync(), (await app.FindUserAsync(email)).Id);
        Assert.True(locked.Succeeded, locked.Problem);

        var later = await openSession.GetAsync("/");
        Assert.Equal(HttpStatusCode.Redirect, later.StatusCode);
        Assert.StartsWith("/Account/Login", later.Headers.Location!.PathAndQuery);

        var signIn = await PortalAppFactory.PostLoginAsync(app.CreateBrowserlikeClient(), email, PortalAppFactory.UserPassword);
        Assert.Equal(HttpStatusCode.OK, signIn.StatusCode);
        Assert.Contains("Wrong email or password", await signIn.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task An_unlocked_user_can_sign_in_again()
    {
        var email = await app.CreateUserAsync(Roles.Auditor);
        var admin = await app.AdminActorAsync();
        var id = (await app.FindUserAsync(email)).Id;
        await Users.LockAsync(admin, id);

        var unlocked = await Users.UnlockAsync(admin, id);

        Assert.True(unlocked.Succeeded, unlocked.Problem);
        var client = await app.SignedInClientAsync(email, PortalAppFactory.UserPassword);
        Assert.Contains("Auditor dashboard", await client.GetStringAsync("/"));
    }

    [Fact]
    public async Task Signing_out_ends_the_session()
    {
        var client = await app.SignedInClientAsync(await app.CreateUserAsync(Roles.Reseller), PortalAppFactory.UserPassword);
        var dashboard = await client.GetStringAsync("/");
        var token = System.Text.RegularExpressions.Regex.Match(dashboard, "name=\"__RequestVerificationToken\" value=\"([^\"]+)\"").Groups[1].Value;

        var logout = await client.PostAsync("/Account/Logout", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token,
            ["ReturnUrl"] = "",
        }));

        Assert.Equal(HttpStatusCode.Redirect, logout.StatusCode);
        var after = await client.GetAsync("/");
        Assert.StartsWith("/Account/Login", after.Headers.Location!.PathAndQuery);
    }

    [Fact]
    public async Task Failed_and_successful_admin_actions_leave_the_audit_log_as_it_should()
    {
        var email = await app.CreateUserAsync(Roles.Reseller);
        var admin = await app.AdminActorAsync();
        var id = (await app.FindUserAsync(email)).Id;

        await Users.LockAsync(admin, id);
        await Users.UnlockAsync(admin, id);
        await Users.ResetPasswordAsync(admin, id, "Brand-New-Pass-42");
        await Users.ChangeRoleAsync(admin, id, Roles.Auditor);
        await Users.ResetPasswordAsync(admin, id, "short"); // refused: writes nothing

        await using var db = await app.DbAsync();
        var entries = await db.AuditEntries.Where(e => e.TargetId == id).OrderBy(e => e.Id).ToListAsync();
        Assert.Equal(
            [AuditActions.UserCreated, AuditActions.UserLocked, AuditActions.UserUnlocked, AuditActions.PasswordReset, AuditActions.RoleChanged],
            entries.Select(e => e.Action));
        Assert.All(entries, e =>
        {
            Assert.Equal(admin.UserId, e.ActorId);
            Assert.Equal(PortalAppFactory.AdminEmail, e.ActorEmail);
            Assert.Equal(email, e.TargetDisplay);
            Assert.True(e.AtUtc > DateTime.UtcNow.AddMinutes(-5));
        });
        Assert.Equal($"Reseller → Auditor [{StepUp.AuditNote}]", entries[^1].Details);
        Assert.DoesNotContain(entries, e => (e.Details ?? "").Contains("Brand-New-Pass-42"));
    }
}

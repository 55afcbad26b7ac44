using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using RechargePortal.Features.Users;
using RechargePortal.Security;
using RechargePortal.Tests.TestSupport;

namespace RechargePortal.Tests.Features.Users;

public sealed class UserAdminServiceTests(PortalAppFactory app) : IClassFixture<PortalAppFactory>
{
    private UserAdminService Users => app.Services.GetRequiredService<UserAdminService>();

    private static NewUserForm Valid(string? email = null) => new()
    {
        Email = email ?? $"shop-{Guid.NewGuid():N}@test.local",
        FullName = "Rahim Store",
        Role = Roles.Reseller,
        Password = "Good-Password-2026",
    };

    public static TheoryData<string, string, string> BadInput => new()
    {
        // field set to a bad value, the field that must carry the error, words of the message
        { "Email", "not-an-email", "valid email" },
        { "Email", "", "Enter an email" },
        { "FullName", "   ", "full name" },
        { "Role", "", "Choose a role" },
        { "Role", "Superuser", "Choose a role" },
        { "Password", "short1A", "at least 12" },
        { "Password", "bangladesh123456789", "most common passwords" },
        { "Password", new string('x', 129), "at most 128" },
        { "Password", "", "Enter a password" },
    };

    [Theory]
    [MemberData(nameof(BadInput))]
    public async Task Bad_input_is_refused_beside_its_field_and_creates_nothing(string field, string value, string message)
    {
        var form = Valid();
        typeof(NewUserForm).GetProperty(field)!.SetValue(form, field == "Role" && value == "" ? null : value);
        var before = await CountUsersAsync();

        var result = await Users.CreateAsync(await app.AdminActorAsync(), form);

        Assert.False(result.Succeeded);
        Assert.Contains(message, result.ErrorFor(field), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(before, await CountUsersAsync());
    }

    [Fact]
    public async Task A_taken_email_is_refused_beside_the_email_field_and_creates_nothing()
    {
        var admin = await app.AdminActorAsync();
        var email = await app.CreateUserAsync(Roles.Reseller);
        var before = await CountUsersAsync();

        var result = await Users.CreateAsync(admin, Valid(email.ToUpperInvariant()));

        Assert.False(result.Succeeded);
        Assert.Contains("already exists", result.ErrorFor(nameof(NewUserForm.Email)));
        Assert.Equal(before, await CountUsersAsync());
    }

    [Fact]
    public async Task A_created_user_is_listed_with_role_and_active_status()
    {
        var form = Valid();

        var result = await Users.CreateAsync(await app.AdminActorAsync(), form);

        Assert.True(result.Succeeded, result.Message);
        var row = (await Users.ListAsync()).Single(u => u.Email == form.Email);
        Assert.Equal(Roles.Reseller, row.Role);
        Assert.Equal("Rahim Store", row.FullName);
        Assert.False(row.IsLocked);
        Assert.Null(row.LastLoginAtUtc);
    }

    [Fact]
    public async Task An_admin_cannot_lock_or_demote_their_own_account()
    {
        var admin = await app.AdminActorAsync();

        Assert.False((await Users.LockAsync(admin, admin.UserId)).Succeeded);
        Assert.False((await Users.ChangeRoleAsync(admin, admin.UserId, Roles.Reseller)).Succeeded);
        Assert.Contains(await Users.ListAsync(), u => u.Id == admin.UserId && u.Role == Roles.Admin && !u.IsLocked);
    }

    [Fact]
    public async Task A_locked_admin_can_no_longer_act_even_with_an_open_page()
    {
        var seeded = await app.AdminActorAsync();
        var otherAdminEmail = await app.CreateUserAsync(Roles.Admin);
        var other = await app.FindUserAsync(otherAdminEmail);
        var otherActor = new Actor(other.Id, otherAdminEmail, other.SecurityStamp);

        await Users.LockAsync(seeded, other.Id);
        var attempt = await Users.CreateAsync(otherActor, Valid());

        Assert.False(attempt.Succeeded);
        Assert.Contains("no longer allows", attempt.Problem);
    }

    [Fact]
    public async Task A_reseller_cannot_use_the_admin_service()
    {
        var email = await app.CreateUserAsync(Roles.Reseller);
        var reseller = await app.FindUserAsync(email);
        var before = await CountUsersAsync();

        var attempt = await Users.CreateAsync(new Actor(reseller.Id, email, reseller.SecurityStamp), Valid());

        Assert.False(attempt.Succeeded);
        Assert.Equal(before, await CountUsersAsync());
    }

    [Fact]
    public async Task A_reset_password_replaces_the_old_one()
    {
        var email = await app.CreateUserAsync(Roles.Reseller);
        var id = (await app.FindUserAsync(email)).Id;

        var reset = await Users.ResetPasswordAsync(await app.AdminActorAsync(), id, "Fresh-Password-314");

        Assert.True(reset.Succeeded, reset.Message);
        await app.SignedInClientAsync(email, "Fresh-Password-314");
        var old = await PortalAppFactory.PostLoginAsync(app.CreateBrowserlikeClient(), email, PortalAppFactory.UserPassword);
        Assert.Contains("Wrong email or password", await old.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_changed_role_applies_at_the_next_sign_in()
    {
        var email = await app.CreateUserAsync(Roles.Reseller);
        var id = (await app.FindUserAsync(email)).Id;

        var changed = await Users.ChangeRoleAsync(await app.AdminActorAsync(), id, Roles.Auditor);

        Assert.True(changed.Succeeded, changed.Message);
        var client = await app.SignedInClientAsync(email, PortalAppFactory.UserPassword);
        Assert.Contains("Auditor dashboard", await client.GetStringAsync("/"));
    }

    private async Task<int> CountUsersAsync()
    {
        await using var db = await app.DbAsync();
        return await db.Users.CountAsync();
    }
}

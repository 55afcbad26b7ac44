using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OtpNet;
using RechargePortal.Data;
using RechargePortal.Features.Audit;
using RechargePortal.Features.Commissions;
using RechargePortal.Features.Users;
using RechargePortal.Features.Wallets;
using RechargePortal.Providers;
using RechargePortal.Providers.Routing;
using RechargePortal.Security;
using RechargePortal.Tests.TestSupport;

namespace RechargePortal.Tests.Security;

/// <summary>Money and power ask the admin again: a fresh authenticator code, or the password where two-factor is off.</summary>
public sealed class StepUpTests(PortalAppFactory app) : IClassFixture<PortalAppFactory>
{
    private WalletService Wallets => app.Services.GetRequiredService<WalletService>();

    private async Task<Actor> AdminWithoutProofAsync() => (await app.AdminActorAsync()).WithStepUp(null);

    [Fact]
    public async Task A_credit_above_the_step_up_amount_without_a_proof_is_refused_beside_the_step_up_and_changes_nothing()
    {
        var (_, walletId) = await app.CreateFundedResellerAsync(Money.Zero);
        var auditsBefore = await CountAuditsAsync();

        var result = await Wallets.CreditAsync(await AdminWithoutProofAsync(), walletId, Money.FromTaka(10_001), "BANK-1", null, Guid.NewGuid().ToString());

        Assert.False(result.Succeeded);
        Assert.True(result.NeedsStepUp);
        Assert.Contains("password", result.ErrorFor(StepUp.Field));
        Assert.Equal(Money.Zero, await Wallets.BalanceOfAsync(await app.AdminActorAsync(), walletId));
        Assert.Equal(auditsBefore, await CountAuditsAsync());
    }

    [Fact]
    public async Task A_credit_up_to_the_step_up_amount_needs_no_proof()
    {
        var (_, walletId) = await app.CreateFundedResellerAsync(Money.Zero);

        var result = await Wallets.CreditAsync(await AdminWithoutProofAsync(), walletId, Money.FromTaka(10_000), "BANK-2", null, Guid.NewGuid().ToString());

        Assert.True(result.Succeeded, result.Problem);
        Assert.Equal(Money.FromTaka(10_000), await Wallets.BalanceOfAsync(await app.AdminActorAsync(), walletId));
    }

    [Fact]
    public async Task A_wrong_password_is_refused_and_counts_towards_the_lockout_and_the_right_one_is_accepted_and_audited()
    {
        var (_, walletId) = await app.CreateFundedResellerAsync(Money.Zero);
        var admin = await app.AdminActorAsync();

        var wrong = await Wallets.DebitAsync(admin.WithStepUp("not-my-password-at-all"), walletId, Money.FromTaka(20_000), null, null, Guid.NewGuid().ToString());
        var failedCount = (await app.FindUserAsync(PortalAppFactory.AdminEmail)).AccessFailedCount;
        var right = await Wallets.CreditAsync(admin, walletId, Money.FromTaka(25_000), "BANK-3", "large deposit", Guid.NewGuid().ToString());

        Assert.Equal("That password is not right.", wrong.ErrorFor(StepUp.Field));
        Assert.Equal(1, failedCount);
        Assert.True(right.Succeeded, right.Problem);
        Assert.Equal(0, (await app.FindUserAsync(PortalAppFactory.AdminEmail)).AccessFailedCount);
        await using var db = await app.DbAsync();
        var deposit = await db.LedgerEntries.SingleAsync(e => e.WalletId == walletId);
        var audit = await db.AuditEntries.SingleAsync(e => e.Id == deposit.AuditEntryId);
        Assert.Contains(StepUp.AuditNote, audit.Details);
    }

    [Fact]
    public async Task An_admin_with_an_authenticator_confirms_with_a_fresh_code_once_and_not_with_the_password()
    {
        var (admin, key) = await AdminWithAuthenticatorAsync();
        var (_, walletId) = await app.CreateFundedResellerAsync(Money.Zero);
        var code = new Totp(Base32Encoding.ToBytes(key)).ComputeTotp(DateTime.UtcNow);

        var byPassword = await Wallets.CreditAsync(admin.WithStepUp(PortalAppFactory.UserPassword), walletId, Money.FromTaka(50_000), null, null, Guid.NewGuid().ToString());
        var byCode = await Wallets.CreditAsync(admin.WithStepUp(code), walletId, Money.FromTaka(50_000), null, null, Guid.NewGuid().ToString());
        var replayed = await Wallets.CreditAsync(admin.WithStepUp(code), walletId, Money.FromTaka(50_000), null, null, Guid.NewGuid().ToString());

        Assert.True(byPassword.NeedsStepUp);
        Assert.True(byCode.Succeeded, byCode.Problem);
        Assert.True(replayed.NeedsStepUp);
        Assert.Equal(Money.FromTaka(50_000), await Wallets.BalanceOfAsync(await app.AdminActorAsync(), walletId));
    }

    [Fact]
    public async Task A_code_used_for_a_step_up_on_one_instance_is_refused_on_another_on_the_same_database()
    {
        var (admin, key) = await AdminWithAuthenticatorAsync();
        var (_, walletId) = await app.CreateFundedResellerAsync(Money.Zero);
        var code = new Totp(Base32Encoding.ToBytes(key)).ComputeTotp(DateTime.UtcNow);
        await using var other = new PortalAppFactory(app.DatabasePath, new Dictionary<string, string?>());

        var here = await Wallets.CreditAsync(admin.WithStepUp(code), walletId, Money.FromTaka(50_000), null, null, Guid.NewGuid().ToString());
        var there = await other.Services.GetRequiredService<WalletService>()
            .CreditAsync(admin.WithStepUp(code), walletId, Money.FromTaka(50_000), null, null, Guid.NewGuid().ToString());

        Assert.True(here.Succeeded, here.Problem);
        Assert.True(there.NeedsStepUp);
        Assert.Equal(Money.FromTaka(50_000), await Wallets.BalanceOfAsync(await app.AdminActorAsync(), walletId));
    }

    [Fact]
    public async Task Role_change_password_reset_routing_and_commission_plans_are_refused_without_a_proof()
    {
        var admin = await AdminWithoutProofAsync();
        var userId = (await app.FindUserAsync(await app.CreateUserAsync(Roles.Reseller))).Id;
        var plan = (await app.Services.GetRequiredService<CommissionService>().ListAsync()).Single(p => p.IsDefault);
        var auditsBefore = await CountAuditsAsync();

        var results = new[]
        {
            await app.Services.GetRequiredService<UserAdminService>().ChangeRoleAsync(admin, userId, Roles.Auditor),
            await app.Services.GetRequiredService<UserAdminService>().ResetPasswordAsync(admin, userId, "a brand new passphrase"),
            await app.Services.GetRequiredService<RoutingService>().SetRouteAsync(admin, MobileOperator.Robi, ["Flexi"]),
            await app.Services.GetRequiredService<CommissionService>().SetRateAsync(admin, plan.Id, MobileOperator.Robi, NumberType.Prepaid, "9.99"),
            await app.Services.GetRequiredService<CommissionService>().CreatePlanAsync(admin, "Unconfirmed", PackCommissionMode.PlanRate),
        };

        Assert.All(results, r => Assert.True(r.NeedsStepUp, r.Problem));
        Assert.Equal(Roles.Reseller, Assert.Single(await RolesOfAsync(userId)));
        Assert.Equal(auditsBefore, await CountAuditsAsync());
    }

    [Fact]
    public async Task Creating_an_admin_needs_a_step_up_and_creating_a_reseller_does_not()
    {
        var admin = await AdminWithoutProofAsync();
        var users = app.Services.GetRequiredService<UserAdminService>();
        NewUserForm Form(string role) => new() { Email = $"{role.ToLowerInvariant()}-{Guid.NewGuid():N}@test.local", FullName = "New person", Role = role, Password = PortalAppFactory.UserPassword };

        var newAdmin = await users.CreateAsync(admin, Form(Roles.Admin));
        var newReseller = await users.CreateAsync(admin, Form(Roles.Reseller));
        var confirmedAdmin = await users.CreateAsync(admin.WithStepUp(PortalAppFactory.AdminPassword), Form(Roles.Admin));

        Assert.True(newAdmin.NeedsStepUp);
        Assert.True(newReseller.Succeeded, newReseller.Problem);
        Assert.True(confirmedAdmin.Succeeded, confirmedAdmin.Problem);
    }

    [Fact]
    public async Task The_proof_never_shows_in_how_an_actor_prints()
    {
        var admin = await app.AdminActorAsync();

        Assert.DoesNotContain(PortalAppFactory.AdminPassword, admin.ToString());
    }

    private async Task<(Actor Admin, string Key)> AdminWithAuthenticatorAsync()
    {
        var email = await app.CreateUserAsync(Roles.Admin);
        await using var scope = app.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        var user = (await users.FindByEmailAsync(email))!;
        await users.ResetAuthenticatorKeyAsync(user);
        var key = (await users.GetAuthenticatorKeyAsync(user))!;
        await users.SetTwoFactorEnabledAsync(user, true);
        user = (await users.FindByEmailAsync(email))!;
        return (new Actor(user.Id, email, user.SecurityStamp), key);
    }

    private async Task<int> CountAuditsAsync()
    {
        await using var db = await app.DbAsync();
        return await db.AuditEntries.CountAsync();
    }

    private async Task<IReadOnlyList<string>> RolesOfAsync(string userId)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        return [.. await users.GetRolesAsync((await users.FindByIdAsync(userId))!)];
    }
}

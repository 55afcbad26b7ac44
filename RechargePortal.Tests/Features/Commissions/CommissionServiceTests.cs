using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using RechargePortal.Features.Audit;
using RechargePortal.Features.Commissions;
using RechargePortal.Features.Wallets;
using RechargePortal.Providers;
using RechargePortal.Tests.TestSupport;

namespace RechargePortal.Tests.Features.Commissions;

public sealed class CommissionServiceTests(PortalAppFactory app) : IClassFixture<PortalAppFactory>
{
    private CommissionService Commissions => app.Services.GetRequiredService<CommissionService>();

    [Fact]
    public async Task A_new_database_has_one_default_plan_that_new_resellers_earn_by()
    {
        var (userId, _) = await app.CreateFundedResellerAsync(Money.Zero);

        var plans = await Commissions.ListAsync();
        var plan = await Commissions.PlanForResellerAsync(userId);

        Assert.Single(plans, p => p.IsDefault);
        Assert.Equal(CommissionService.DefaultPlanName, plan.Name);
    }

    [Theory]
    [InlineData("150")]
    [InlineData("-2")]
    [InlineData("2.555")]
    [InlineData("two")]
    public async Task A_rate_outside_0_to_100_percent_is_refused_beside_the_rate_and_changes_nothing(string rate)
    {
        var admin = await app.AdminActorAsync();
        var plan = (await Commissions.ListAsync()).Single(p => p.IsDefault);

        var result = await Commissions.SetRateAsync(admin, plan.Id, MobileOperator.Robi, NumberType.Prepaid, rate);

        Assert.False(result.Succeeded);
        Assert.NotNull(result.ErrorFor("Rate"));
        Assert.Equal(plan.Rates.GetValueOrDefault((MobileOperator.Robi, NumberType.Prepaid)), (await Commissions.ListAsync()).Single(p => p.IsDefault).Rates.GetValueOrDefault((MobileOperator.Robi, NumberType.Prepaid)));
    }

    [Fact]
    public async Task A_reseller_on_a_plan_of_their_own_earns_its_rates_and_every_change_is_audited()
    {
        var admin = await app.AdminActorAsync();
        var (userId, walletId) = await app.CreateFundedResellerAsync(Money.Zero);
        var name = $"Gold {Guid.NewGuid():N}"[..12];
        Assert.True((await Commissions.CreatePlanAsync(admin, name, PackCommissionMode.PlanRate)).Succeeded);
        var planId = (await Commissions.ListAsync()).Single(p => p.Name == name).Id;

        Assert.True((await Commissions.SetRateAsync(admin, planId, MobileOperator.Grameenphone, NumberType.Prepaid, "3.25")).Succeeded);
        Assert.True((await Commissions.AssignAsync(admin, walletId, planId)).Succeeded);

        var plan = await Commissions.PlanForResellerAsync(userId);
        Assert.Equal(name, plan.Name);
        Assert.Equal(new Money(325), CommissionService.Earns(plan, MobileOperator.Grameenphone, NumberType.Prepaid, Money.FromTaka(100)));
        await using var db = await app.DbAsync();
        var email = await db.Users.Where(u => u.Id == userId).Select(u => u.Email!).SingleAsync();
        Assert.Equal([email], (await Commissions.ListAsync()).Single(p => p.Id == planId).Resellers);
        Assert.DoesNotContain(email, (await Commissions.ListAsync()).Single(p => p.IsDefault).Resellers);
        var actions = await db.AuditEntries.Where(e => e.TargetDisplay == name || (e.TargetType == AuditTargets.Wallet && e.Details!.StartsWith(name))).Select(e => e.Action).ToListAsync();
        Assert.Equal([AuditActions.CommissionPlanCreated, AuditActions.CommissionPlanChanged, AuditActions.CommissionPlanAssigned], actions);
    }

    [Fact]
    public async Task Making_a_plan_the_default_leaves_exactly_one_default()
    {
        var admin = await app.AdminActorAsync();
        var name = $"Alt {Guid.NewGuid():N}"[..12];
        await Commissions.CreatePlanAsync(admin, name, PackCommissionMode.PlanRate);
        var planId = (await Commissions.ListAsync()).Single(p => p.Name == name).Id;

        await Commissions.MakeDefaultAsync(admin, planId);

        var plans = await Commissions.ListAsync();
        Assert.Equal(planId, plans.Single(p => p.IsDefault).Id);
        await Commissions.MakeDefaultAsync(admin, plans.Single(p => p.Name == CommissionService.DefaultPlanName).Id);
    }
}

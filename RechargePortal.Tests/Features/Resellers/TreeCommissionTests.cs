using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using RechargePortal.Features.Commissions;
using RechargePortal.Features.Recharges;
using RechargePortal.Features.Users;
using RechargePortal.Features.Wallets;
using RechargePortal.Providers;
using RechargePortal.Security;
using RechargePortal.Tests.Features.Recharges;
using RechargePortal.Tests.TestSupport;

namespace RechargePortal.Tests.Features.Resellers;

/// <summary>
/// Commission down the tree, through the real pipeline against a fake vendor: the placer earns its rate, each ancestor
/// the difference, in the success's transaction, once; a failure pays nobody; a child's rate never exceeds its parent's.
/// </summary>
public sealed class TreeCommissionTests : IAsyncLifetime
{
    private PipelineHarness h = null!;

    public async Task InitializeAsync() => h = await PipelineHarness.StartAsync();

    public async Task DisposeAsync() => await h.DisposeAsync();

    private CommissionService Commissions => h.App.Services.GetRequiredService<CommissionService>();

    /// <summary>Distributor 3.00 %, dealer 2.50 %, retailer 2.00 % (Grameenphone prepaid); the retailer holds ৳5,000.</summary>
    private async Task<(TreeReseller Distributor, TreeReseller Dealer, TreeReseller Retailer)> ChainAsync()
    {
        var distributor = await h.App.CreateResellerUnderAsync(null, planId: await h.App.GrameenphonePlanAsync("3.00"), name: "distributor");
        var dealer = await h.App.CreateResellerUnderAsync(distributor, planId: await h.App.GrameenphonePlanAsync("2.50"), name: "dealer");
        var retailer = await h.App.CreateResellerUnderAsync(dealer, planId: await h.App.GrameenphonePlanAsync("2.00"), name: "retailer");
        var credit = await h.App.Services.GetRequiredService<WalletService>()
            .CreditAsync(await h.App.AdminActorAsync(), retailer.WalletId, Money.FromTaka(5_000), null, "opening", Guid.NewGuid().ToString());
        Assert.True(credit.Succeeded, credit.Problem);
        return (distributor, dealer, retailer);
    }

    private async Task<long> PlaceThousandAsync(TreeReseller retailer)
    {
        var placed = await h.Recharges.PlaceAndSendAsync(retailer.Actor, PipelineHarness.Form(amount: "1000"), Guid.NewGuid().ToString("N"), confirmDuplicate: true);
        Assert.True(placed.Succeeded, placed.Error ?? string.Join("; ", placed.Errors.Values));
        return placed.RechargeId!.Value;
    }

    private async Task<long> BalanceAsync(TreeReseller r)
    {
        await using var db = await h.App.DbAsync();
        return await db.Wallets.Where(w => w.Id == r.WalletId).Select(w => w.BalancePoisha).SingleAsync();
    }

    private async Task<List<LedgerEntry>> CommissionsOfAsync(long rechargeId)
    {
        await using var db = await h.App.DbAsync();
        return await db.LedgerEntries.AsNoTracking().Where(e => e.RechargeId == rechargeId && e.Kind == LedgerKind.Commission).ToListAsync();
    }

    [Fact]
    public async Task A_1000_taka_success_by_the_retailer_pays_20_to_it_5_to_the_dealer_and_5_to_the_distributor()
    {
        var (distributor, dealer, retailer) = await ChainAsync();
        var id = await PlaceThousandAsync(retailer);
        Assert.Equal(Money.FromTaka(20), (await h.LoadAsync(id)).Commission);

        h.EcareStatus = FakeUpstream.Body(PipelineHarness.EcareSuccess);
        Assert.Equal(CheckOutcome.Succeeded, await h.Processor.CheckAsync(id, dueOnly: false));

        Assert.Equal(400_000 + 2_000, await BalanceAsync(retailer));
        Assert.Equal(500, await BalanceAsync(dealer));
        Assert.Equal(500, await BalanceAsync(distributor));
        var paid = await CommissionsOfAsync(id);
        Assert.Equal(3, paid.Count);
        Assert.Equal($"Margin on recharge {(await h.LoadAsync(id)).Reference} by {retailer.Email}", paid.Single(e => e.WalletId == dealer.WalletId).Memo);
        foreach (var r in new[] { distributor, dealer, retailer })
        {
            await h.App.AssertLedgerConsistentAsync(r.WalletId);
        }
    }

    [Fact]
    public async Task A_failed_recharge_pays_nobody_in_the_tree()
    {
        var (distributor, dealer, retailer) = await ChainAsync();
        var id = await PlaceThousandAsync(retailer);

        h.EcareStatus = FakeUpstream.Body(PipelineHarness.EcareFailed);
        Assert.Equal(CheckOutcome.Failed, await h.Processor.CheckAsync(id, dueOnly: false));

        Assert.Equal(500_000, await BalanceAsync(retailer));
        Assert.Equal(0, await BalanceAsync(dealer));
        Assert.Equal(0, await BalanceAsync(distributor));
        Assert.Empty(await CommissionsOfAsync(id));
    }

    [Fact]
    public async Task Concurrent_status_checks_pay_each_level_exactly_once()
    {
        var (distributor, dealer, retailer) = await ChainAsync();
        var id = await PlaceThousandAsync(retailer);
        h.EcareStatus = FakeUpstream.Body(PipelineHarness.EcareSuccess);

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => h.Processor.CheckAsync(id, dueOnly: false))));
        await h.Processor.CheckAsync(id, dueOnly: false);

        Assert.Single(outcomes, o => o == CheckOutcome.Succeeded);
        Assert.Equal([retailer.WalletId, dealer.WalletId, distributor.WalletId], (await CommissionsOfAsync(id)).OrderBy(e => e.Id).Select(e => e.WalletId));
        Assert.Equal((402_000L, 500L, 500L), (await BalanceAsync(retailer), await BalanceAsync(dealer), await BalanceAsync(distributor)));
    }

    [Fact]
    public async Task The_database_refuses_a_second_margin_for_one_recharge_and_wallet()
    {
        var (_, dealer, retailer) = await ChainAsync();
        var id = await PlaceThousandAsync(retailer);
        h.EcareStatus = FakeUpstream.Body(PipelineHarness.EcareSuccess);
        await h.Processor.CheckAsync(id, dueOnly: false);
        await using var db = await h.App.DbAsync();

        var error = await Assert.ThrowsAnyAsync<System.Data.Common.DbException>(() => db.Database.ExecuteSqlInterpolatedAsync(
            $"""INSERT INTO "LedgerEntries" ("WalletId", "Kind", "AmountPoisha", "BalanceAfterPoisha", "AtUtc", "ActorEmail", "Memo", "RechargeId") VALUES ({dealer.WalletId}, 'Commission', 500, 1000, '2026-11-30 10:00:00', 'x', 'x', {id})"""));

        Assert.Contains("unique", error.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_childs_plan_above_its_parents_rate_is_refused_when_assigned_created_or_raised()
    {
        var (_, dealer, retailer) = await ChainAsync();
        var admin = await h.App.AdminActorAsync();
        var generous = await h.App.GrameenphonePlanAsync("2.75");
        var retailerPlan = (await Commissions.ListAsync()).Single(p => p.Resellers.Contains(retailer.Email)).Id;

        var assigned = await Commissions.AssignAsync(admin, retailer.WalletId, generous);
        var created = await h.App.Services.GetRequiredService<UserAdminService>().CreateChildAsync(dealer.Actor, new NewResellerForm
        {
            Email = $"greedy-{Guid.NewGuid():N}@test.local",
            FullName = "Greedy",
            Password = PortalAppFactory.UserPassword,
            CommissionPlanId = generous,
        });
        var raised = await Commissions.SetRateAsync(admin, retailerPlan, MobileOperator.Grameenphone, NumberType.Prepaid, "2.60");
        var raisedToParent = await Commissions.SetRateAsync(admin, retailerPlan, MobileOperator.Grameenphone, NumberType.Prepaid, "2.50");

        Assert.Contains("Grameenphone Prepaid: 2.75 % is above the parent's 2.50 %", assigned.ErrorFor("Plan"));
        Assert.Contains("above the parent's 2.50 %", created.ErrorFor(nameof(NewUserForm.CommissionPlanId)));
        Assert.Contains($"above what the parent of {retailer.Email} earns (2.50 %)", raised.ErrorFor("Rate"));
        Assert.True(raisedToParent.Succeeded, raisedToParent.Problem);
        Assert.DoesNotContain(generous, (await Commissions.PlansForChildrenAsync(dealer.Actor)).Select(p => p.Id));
        Assert.Contains(retailerPlan, (await Commissions.PlansForChildrenAsync(dealer.Actor)).Select(p => p.Id));
    }

    [Fact]
    public async Task Lowering_a_parents_rate_warns_of_the_children_above_it_and_caps_what_they_earn()
    {
        var (distributor, dealer, retailer) = await ChainAsync();
        var admin = await h.App.AdminActorAsync();
        var dealerPlan = (await Commissions.ListAsync()).Single(p => p.Resellers.Contains(dealer.Email)).Id;

        var lowered = await Commissions.SetRateAsync(admin, dealerPlan, MobileOperator.Grameenphone, NumberType.Prepaid, "1.50");

        Assert.True(lowered.Succeeded, lowered.Problem);
        Assert.Contains($"Warning: these resellers now earn at most their parent's lowered rate: {retailer.Email}", lowered.Message);
        var id = await PlaceThousandAsync(retailer);
        Assert.Equal(Money.FromTaka(15), (await h.LoadAsync(id)).Commission);
        h.EcareStatus = FakeUpstream.Body(PipelineHarness.EcareSuccess);
        await h.Processor.CheckAsync(id, dueOnly: false);
        // Retailer capped at 1.50 %, the dealer's margin 0 (no entry), the distributor 3.00 − 1.50.
        Assert.Equal((401_500L, 0L, 1_500L), (await BalanceAsync(retailer), await BalanceAsync(dealer), await BalanceAsync(distributor)));
    }
}

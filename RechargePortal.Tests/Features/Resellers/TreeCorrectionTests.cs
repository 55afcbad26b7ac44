using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using RechargePortal.Features.Commissions;
using RechargePortal.Features.Recharges;
using RechargePortal.Features.Wallets;
using RechargePortal.Providers;
using RechargePortal.Tests.Features.Recharges;
using RechargePortal.Tests.TestSupport;

namespace RechargePortal.Tests.Features.Resellers;

/// <summary>
/// An admin's correction of a contradicted recharge puts the whole tree right, not only the placer: a failure pays
/// nobody, so the margins paid above a recharge the provider later calls undelivered come back, and a recharge the
/// provider later calls delivered pays them.
/// </summary>
public sealed class TreeCorrectionTests : IAsyncLifetime
{
    private PipelineHarness h = null!;
    private TreeReseller distributor = null!;
    private TreeReseller dealer = null!;
    private TreeReseller retailer = null!;

    public async Task InitializeAsync()
    {
        h = await PipelineHarness.StartAsync();
        // Distributor 3.00 %, dealer 2.50 %, retailer 2.00 %: ৳1,000 pays ৳5.00, ৳5.00 and ৳20.00.
        distributor = await h.App.CreateResellerUnderAsync(null, planId: await h.App.GrameenphonePlanAsync("3.00"), name: "distributor");
        dealer = await h.App.CreateResellerUnderAsync(distributor, planId: await h.App.GrameenphonePlanAsync("2.50"), name: "dealer");
        retailer = await h.App.CreateResellerUnderAsync(dealer, planId: await h.App.GrameenphonePlanAsync("2.00"), name: "retailer");
        Assert.True((await Wallets.CreditAsync(await h.App.AdminActorAsync(), retailer.WalletId, Money.FromTaka(5_000), null, "opening", Guid.NewGuid().ToString())).Succeeded);
    }

    public async Task DisposeAsync() => await h.DisposeAsync();

    private WalletService Wallets => h.App.Services.GetRequiredService<WalletService>();

    private ReviewQueueService Reviews => h.App.Services.GetRequiredService<ReviewQueueService>();

    private async Task<(Money Distributor, Money Dealer, Money Retailer)> BalancesAsync()
    {
        var admin = await h.App.AdminActorAsync();
        return (await Wallets.BalanceOfAsync(admin, distributor.WalletId), await Wallets.BalanceOfAsync(admin, dealer.WalletId),
            await Wallets.BalanceOfAsync(admin, retailer.WalletId));
    }

    /// <summary>A ৳1,000 Grameenphone recharge by the retailer, settled as <paramref name="first"/> says, then contradicted.</summary>
    private async Task<(long RechargeId, RechargeContradiction Raised)> ContradictedAsync(string first, string later)
    {
        var placed = await h.Recharges.PlaceAndSendAsync(retailer.Actor, PipelineHarness.Form(amount: "1000"), Guid.NewGuid().ToString("N"), confirmDuplicate: true);
        Assert.True(placed.Succeeded, placed.Error);
        var id = placed.RechargeId!.Value;
        h.EcareStatus = FakeUpstream.Body(first);
        await h.AdvanceAndSweepAsync(TimeSpan.FromSeconds(5));
        h.EcareStatus = FakeUpstream.Body(later);
        await h.AdvanceAndSweepAsync(TimeSpan.FromMinutes(61));
        await using var db = await h.App.DbAsync();
        return (id, await db.Set<RechargeContradiction>().AsNoTracking().SingleAsync(c => c.RechargeId == id));
    }

    private async Task AssertEveryWalletIsItsLedgerAsync()
    {
        foreach (var wallet in new[] { distributor.WalletId, dealer.WalletId, retailer.WalletId })
        {
            await h.App.AssertLedgerConsistentAsync(wallet);
        }
    }

    [Fact]
    public async Task Correcting_a_success_the_provider_reverses_takes_back_every_ancestors_margin_with_the_placers_refund()
    {
        var (id, raised) = await ContradictedAsync(PipelineHarness.EcareSuccess, PipelineHarness.EcareFailed);
        Assert.Equal(RechargeStatus.Succeeded, raised.BooksSay);
        Assert.Equal((Money.FromTaka(5), Money.FromTaka(5), Money.FromTaka(4_020)), await BalancesAsync());

        var result = await Reviews.ResolveContradictionAsync(await h.App.AdminActorAsync(), raised.Id, correct: true, "Ecare ticket 7781: reversed by the operator");

        Assert.True(result.Succeeded, result.Error);
        // Nothing was delivered: nobody earned anything, and the retailer has the whole ৳1,000 back.
        Assert.Equal((Money.Zero, Money.Zero, Money.FromTaka(5_000)), await BalancesAsync());
        Assert.Equal(3, (await h.EntriesOfAsync(id)).Count(e => e.Kind == LedgerKind.Adjustment));
        Assert.False((await Reviews.ResolveContradictionAsync(await h.App.AdminActorAsync(), raised.Id, correct: true, "twice")).Succeeded);
        Assert.Equal((Money.Zero, Money.Zero, Money.FromTaka(5_000)), await BalancesAsync());
        await AssertEveryWalletIsItsLedgerAsync();
    }

    [Fact]
    public async Task Correcting_a_refund_the_provider_says_was_delivered_pays_every_ancestors_margin_with_the_placers_charge()
    {
        var (_, raised) = await ContradictedAsync(PipelineHarness.EcareFailed, PipelineHarness.EcareSuccess);
        Assert.Equal(RechargeStatus.Failed, raised.BooksSay);
        Assert.Equal((Money.Zero, Money.Zero, Money.FromTaka(5_000)), await BalancesAsync());

        var result = await Reviews.ResolveContradictionAsync(await h.App.AdminActorAsync(), raised.Id, correct: true, "Ecare ticket 7782: delivered");

        Assert.True(result.Succeeded, result.Error);
        // Delivered after all: as if it had succeeded the first time.
        Assert.Equal((Money.FromTaka(5), Money.FromTaka(5), Money.FromTaka(4_020)), await BalancesAsync());
        await AssertEveryWalletIsItsLedgerAsync();
    }

    [Fact]
    public async Task A_correction_an_ancestor_cannot_cover_is_refused_and_moves_nobodys_money()
    {
        var (id, raised) = await ContradictedAsync(PipelineHarness.EcareSuccess, PipelineHarness.EcareFailed);
        // The dealer already sent its margin down to the retailer.
        Assert.True((await Wallets.DebitAsync(await h.App.AdminActorAsync(), dealer.WalletId, Money.FromTaka(3), null, "cash paid out", Guid.NewGuid().ToString())).Succeeded);
        var before = await BalancesAsync();

        var result = await Reviews.ResolveContradictionAsync(await h.App.AdminActorAsync(), raised.Id, correct: true, "Ecare ticket 7783");

        Assert.False(result.Succeeded);
        Assert.Contains(dealer.Email, result.Error);
        Assert.Contains("holds only ৳2.00", result.Error);
        Assert.Equal(before, await BalancesAsync());
        Assert.DoesNotContain(await h.EntriesOfAsync(id), e => e.Kind == LedgerKind.Adjustment);
        Assert.Equal(1, await Reviews.OpenContradictionsAsync());
        await AssertEveryWalletIsItsLedgerAsync();
    }
}

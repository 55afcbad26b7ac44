using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using RechargePortal.Data;
using RechargePortal.Features.Recharges;
using RechargePortal.Features.Wallets;
using RechargePortal.Providers;
using RechargePortal.Security;
using RechargePortal.Tests.TestSupport;

namespace RechargePortal.Tests.Data;

/// <summary>
/// The write lock on PostgreSQL: a placement waits only for placements of its own reseller, and anything that runs alone
/// (an admin's credit) still waits for them and holds them off. Each case holds a transaction open by hand and watches
/// which placements finish meanwhile.
/// </summary>
public sealed class PostgreSqlWriteLockTests : IAsyncLifetime
{
    private static readonly TimeSpan Blocked = TimeSpan.FromSeconds(2);

    private PortalAppFactory app = null!;

    public Task InitializeAsync()
    {
        app = new PortalAppFactory();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await app.DisposeAsync();

    [SkippableFact]
    public async Task A_placement_waits_for_its_own_resellers_transaction_but_not_for_anothers()
    {
        Skip.If(PortalAppFactory.NeedsPostgres is not null, PortalAppFactory.NeedsPostgres);
        var (a, walletA) = await ResellerAsync();
        var (b, _) = await ResellerAsync();

        await using (var db = await app.DbAsync())
        await using (var held = await db.BeginWriteAsync(WriteScope.Reseller(a.UserId)))
        {
            // Another reseller's placement goes through while A's transaction is open...
            var placedB = await PlaceAsync(b).WaitAsync(TimeSpan.FromSeconds(30));
            Assert.True(placedB.Succeeded, placedB.Error);

            // ... A's own waits for it.
            var placingA = PlaceAsync(a);
            await Task.Delay(Blocked);
            Assert.False(placingA.IsCompleted);
            await held.RollbackAsync();
            var placedA = await placingA.WaitAsync(TimeSpan.FromSeconds(30));
            Assert.True(placedA.Succeeded, placedA.Error);
        }

        Assert.Equal(Money.FromTaka(900), await app.Services.GetRequiredService<WalletService>().BalanceOfAsync(await app.AdminActorAsync(), walletA));
        await app.AssertLedgerConsistentAsync(walletA);
    }

    [SkippableFact]
    public async Task An_admins_credit_runs_alone_it_waits_for_a_placement_in_progress_and_holds_off_the_next()
    {
        Skip.If(PortalAppFactory.NeedsPostgres is not null, PortalAppFactory.NeedsPostgres);
        var (a, walletA) = await ResellerAsync();
        var (b, _) = await ResellerAsync();
        var wallets = app.Services.GetRequiredService<WalletService>();
        var admin = await app.AdminActorAsync();

        Task<AdminResult> crediting;
        await using (var db = await app.DbAsync())
        await using (var placement = await db.BeginWriteAsync(WriteScope.Reseller(a.UserId)))
        {
            crediting = wallets.CreditAsync(admin, walletA, Money.FromTaka(50), "TEST-CREDIT", "top-up", Guid.NewGuid().ToString());
            await Task.Delay(Blocked);
            Assert.False(crediting.IsCompleted);
            await placement.RollbackAsync();
        }

        Assert.True((await crediting.WaitAsync(TimeSpan.FromSeconds(30))).Succeeded);

        await using (var db = await app.DbAsync())
        await using (var alone = await db.Database.BeginTransactionAsync())
        {
            // An exclusive transaction (what every transaction without a scope takes) holds off placements of every reseller.
            var placingB = PlaceAsync(b);
            await Task.Delay(Blocked);
            Assert.False(placingB.IsCompleted);
            await alone.RollbackAsync();
            Assert.True((await placingB.WaitAsync(TimeSpan.FromSeconds(30))).Succeeded);
        }

        await app.AssertLedgerConsistentAsync(walletA);
    }

    [SkippableFact]
    public async Task A_failure_waits_for_a_placement_of_its_reseller_in_progress_which_counts_it_before_or_after_never_half()
    {
        Skip.If(PortalAppFactory.NeedsPostgres is not null, PortalAppFactory.NeedsPostgres);
        await using var h = await Features.Recharges.PipelineHarness.StartAsync();
        var id = await h.PlaceAsync();
        h.EcareStatus = FakeUpstream.Body(Features.Recharges.PipelineHarness.EcareFailed);
        h.Time.Advance(TimeSpan.FromSeconds(5));

        await using (var db = await h.App.DbAsync())
        await using (var placement = await db.BeginWriteAsync(WriteScope.Reseller(h.Reseller.UserId)))
        {
            // The placement counts today's failures and recharges in several statements: the failure must not land between them.
            var checking = h.Processor.CheckAsync(id, dueOnly: false);
            await Task.Delay(Blocked);
            Assert.False(checking.IsCompleted);
            await placement.RollbackAsync();
            Assert.Equal(CheckOutcome.Failed, await checking.WaitAsync(TimeSpan.FromSeconds(30)));
        }

        Assert.Equal(Money.FromTaka(1_000), await h.BalanceAsync());
        await h.AssertConsistentAsync();
    }

    private async Task<(Actor Actor, long WalletId)> ResellerAsync()
    {
        var (userId, walletId) = await app.CreateFundedResellerAsync(Money.FromTaka(1_000));
        await using var db = await app.DbAsync();
        var user = await db.Users.AsNoTracking().SingleAsync(u => u.Id == userId);
        return (new Actor(user.Id, user.Email!, user.SecurityStamp), walletId);
    }

    private Task<PlaceResult> PlaceAsync(Actor reseller) =>
        app.Services.GetRequiredService<RechargeService>().PlaceAsync(reseller,
            new RechargeForm { Number = "01712345678", Amount = "100", NumberType = NumberType.Prepaid }, Guid.NewGuid().ToString("N"), confirmDuplicate: true);
}

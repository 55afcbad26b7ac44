using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using RechargePortal.Features.Audit;
using RechargePortal.Features.Wallets;
using RechargePortal.Security;
using RechargePortal.Tests.TestSupport;

namespace RechargePortal.Tests.Features.Wallets;

public sealed class WalletServiceTests(PortalAppFactory app) : IClassFixture<PortalAppFactory>
{
    private WalletService Wallets => app.Services.GetRequiredService<WalletService>();

    private Task<long> NewRechargeAsync(string userId) => app.RechargeRowAsync(userId);

    [Fact]
    public async Task Fifty_parallel_holds_of_100_on_2000_let_exactly_twenty_through()
    {
        var (userId, walletId) = await app.CreateFundedResellerAsync(Money.FromTaka(2_000));

        var recharges = new List<long>();
        for (var i = 0; i < 50; i++)
        {
            recharges.Add(await NewRechargeAsync(userId));
        }

        var results = await Task.WhenAll(recharges.Select(id => Task.Run(() =>
            Wallets.HoldAsync(userId, id, Money.FromTaka(100), "recharge"))));

        Assert.Equal(20, results.Count(r => r.Outcome == WalletOutcome.Applied));
        Assert.Equal(30, results.Count(r => r.Outcome == WalletOutcome.InsufficientBalance));
        Assert.Equal(Money.Zero, await Wallets.BalanceOfAsync(await app.AdminActorAsync(), walletId));
        await using var db = await app.DbAsync();
        Assert.Equal(20, await db.LedgerEntries.CountAsync(e => e.WalletId == walletId && e.Kind == LedgerKind.RechargeHold));
        await app.AssertLedgerConsistentAsync(walletId);
    }

    [Fact]
    public async Task A_hold_beyond_the_balance_is_refused_and_changes_nothing()
    {
        var (userId, walletId) = await app.CreateFundedResellerAsync(Money.FromTaka(50));

        var result = await Wallets.HoldAsync(userId, await NewRechargeAsync(userId), Money.FromTaka(51), "recharge");

        Assert.Equal(WalletOutcome.InsufficientBalance, result.Outcome);
        Assert.Equal(Money.FromTaka(50), await Wallets.BalanceOfAsync(await app.AdminActorAsync(), walletId));
        await using var db = await app.DbAsync();
        Assert.Equal(1, await db.LedgerEntries.CountAsync(e => e.WalletId == walletId));
    }

    [Fact]
    public async Task Refund_called_twice_and_concurrently_gives_the_money_back_once()
    {
        var (userId, walletId) = await app.CreateFundedResellerAsync(Money.FromTaka(500));
        var recharge = await NewRechargeAsync(userId);
        await Wallets.HoldAsync(userId, recharge, Money.FromTaka(200), "recharge");

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => Wallets.RefundAsync(recharge, "failed"))));
        var again = await Wallets.RefundAsync(recharge, "failed");

        Assert.Single(results, r => r.Outcome == WalletOutcome.Applied);
        Assert.All(results.Append(again), r => Assert.True(r.Succeeded));
        Assert.Equal(Money.FromTaka(500), await Wallets.BalanceOfAsync(await app.AdminActorAsync(), walletId));
        await using var db = await app.DbAsync();
        Assert.Equal(1, await db.LedgerEntries.CountAsync(e => e.RechargeId == recharge && e.Kind == LedgerKind.RechargeRefund));
        await app.AssertLedgerConsistentAsync(walletId);
    }

    [Fact]
    public async Task Commission_called_twice_and_concurrently_is_credited_once()
    {
        var (userId, walletId) = await app.CreateFundedResellerAsync(Money.FromTaka(500));
        var recharge = await NewRechargeAsync(userId);
        await Wallets.HoldAsync(userId, recharge, Money.FromTaka(100), "recharge");

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => Wallets.CreditCommissionAsync(recharge, new Money(275), "commission"))));
        await Wallets.CreditCommissionAsync(recharge, new Money(275), "commission");

        Assert.Single(results, r => r.Outcome == WalletOutcome.Applied);
        Assert.Equal(new Money(40_275), await Wallets.BalanceOfAsync(await app.AdminActorAsync(), walletId));
        await using var db = await app.DbAsync();
        Assert.Equal(1, await db.LedgerEntries.CountAsync(e => e.RechargeId == recharge && e.Kind == LedgerKind.Commission));
    }

    [Fact]
    public async Task A_recharge_is_never_both_refunded_and_paid_commission()
    {
        var (userId, walletId) = await app.CreateFundedResellerAsync(Money.FromTaka(500));
        var refunded = await NewRechargeAsync(userId);
        var paid = await NewRechargeAsync(userId);
        await Wallets.HoldAsync(userId, refunded, Money.FromTaka(100), "recharge");
        await Wallets.HoldAsync(userId, paid, Money.FromTaka(100), "recharge");

        await Wallets.RefundAsync(refunded, "failed");
        await Wallets.CreditCommissionAsync(paid, new Money(300), "commission");

        Assert.Equal(WalletOutcome.Refused, (await Wallets.CreditCommissionAsync(refunded, new Money(300), "commission")).Outcome);
        Assert.Equal(WalletOutcome.Refused, (await Wallets.RefundAsync(paid, "failed")).Outcome);
        Assert.Equal(WalletOutcome.NotFound, (await Wallets.RefundAsync(await NewRechargeAsync(userId), "no such recharge")).Outcome);
        await app.AssertLedgerConsistentAsync(walletId);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(42)]
    [InlineData(2026)]
    public async Task Random_interleavings_from_several_threads_keep_every_invariant(int seed)
    {
        var (userId, walletId) = await app.CreateFundedResellerAsync(Money.FromTaka(1_000));
        var admin = await app.AdminActorAsync();
        var recharges = new long[40];
        for (var i = 0; i < recharges.Length; i++)
        {
            recharges[i] = await NewRechargeAsync(userId);
        }

        var random = new Random(seed);
        // The plan is drawn up front from the seed, so a run is reproducible; threads then race through it.
        var plan = Enumerable.Range(0, 240).Select(_ => (Op: random.Next(4), Recharge: recharges[random.Next(recharges.Length)], Amount: Money.FromTaka(random.Next(1, 30) * 10))).ToArray();
        var workers = Enumerable.Range(0, 6).Select(w => Task.Run(async () =>
        {
            for (var i = w; i < plan.Length; i += 6)
            {
                var (op, recharge, amount) = plan[i];
                var result = op switch
                {
                    0 => (object)await Wallets.CreditAsync(admin, walletId, amount, null, "top-up", Guid.NewGuid().ToString()),
                    1 => await Wallets.HoldAsync(userId, recharge, amount, "recharge"),
                    2 => await Wallets.RefundAsync(recharge, "failed"),
                    _ => await Wallets.CreditCommissionAsync(recharge, new Money(amount.Poisha / 40), "commission"),
                };
                Assert.NotNull(result);
            }
        })).ToArray();

        await Task.WhenAll(workers);

        await app.AssertLedgerConsistentAsync(walletId);
    }

    [Fact]
    public async Task An_admin_credit_resubmitted_with_the_same_request_id_applies_once_and_is_audited()
    {
        var (_, walletId) = await app.CreateFundedResellerAsync(Money.Zero);
        var admin = await app.AdminActorAsync();
        var requestId = Guid.NewGuid().ToString();

        var results = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => Task.Run(() =>
            Wallets.CreditAsync(admin, walletId, Money.FromTaka(1_500), "BKASH-8XK2", "shop deposit", requestId))));

        Assert.Single(results, r => r.Message?.Contains("already applied", StringComparison.Ordinal) == false);
        Assert.All(results, r => Assert.True(r.Succeeded));
        Assert.Equal(Money.FromTaka(1_500), await Wallets.BalanceOfAsync(await app.AdminActorAsync(), walletId));
        await using var db = await app.DbAsync();
        var deposit = await db.LedgerEntries.SingleAsync(e => e.WalletId == walletId);
        Assert.Equal(LedgerKind.Deposit, deposit.Kind);
        Assert.Equal("BKASH-8XK2", deposit.Reference);
        var audit = await db.AuditEntries.SingleAsync(e => e.Id == deposit.AuditEntryId);
        Assert.Equal(AuditActions.WalletCredited, audit.Action);
        Assert.Equal(admin.UserId, audit.ActorId);
        Assert.Contains("৳1,500.00", audit.Details);
    }

    [Fact]
    public async Task A_debit_beyond_the_balance_is_refused_beside_the_amount_and_changes_nothing()
    {
        var (_, walletId) = await app.CreateFundedResellerAsync(Money.FromTaka(300));
        var admin = await app.AdminActorAsync();
        await using var before = await app.DbAsync();
        var auditCount = await before.AuditEntries.CountAsync();

        var result = await Wallets.DebitAsync(admin, walletId, Money.FromTaka(301), "REF", "too much", Guid.NewGuid().ToString());

        Assert.False(result.Succeeded);
        Assert.Contains("৳300.00", result.ErrorFor("Amount"));
        Assert.Equal(Money.FromTaka(300), await Wallets.BalanceOfAsync(await app.AdminActorAsync(), walletId));
        await using var after = await app.DbAsync();
        Assert.Equal(auditCount, await after.AuditEntries.CountAsync());
        Assert.Equal(1, await after.LedgerEntries.CountAsync(e => e.WalletId == walletId));
    }

    [Theory]
    [InlineData(0L, "", "Amount")]
    [InlineData(-500L, "", "Amount")]
    [InlineData(100_000_000_01L, "", "Amount")]
    [InlineData(500L, "a reference far too long for any bank or bKash transaction id, which are short, so this is refused right here", "Reference")]
    public async Task Bad_admin_input_is_refused_beside_its_field_and_changes_nothing(long poisha, string reference, string field)
    {
        var (_, walletId) = await app.CreateFundedResellerAsync(Money.FromTaka(10));

        var result = await Wallets.CreditAsync(await app.AdminActorAsync(), walletId, new Money(poisha), reference, null, Guid.NewGuid().ToString());

        Assert.False(result.Succeeded);
        Assert.NotNull(result.ErrorFor(field));
        Assert.Equal(Money.FromTaka(10), await Wallets.BalanceOfAsync(await app.AdminActorAsync(), walletId));
    }

    [Fact]
    public async Task A_reseller_or_locked_admin_cannot_move_money()
    {
        var (userId, walletId) = await app.CreateFundedResellerAsync(Money.FromTaka(10));
        await using var db = await app.DbAsync();
        var reseller = await db.Users.SingleAsync(u => u.Id == userId);

        var result = await Wallets.CreditAsync(new Actor(userId, reseller.Email!, reseller.SecurityStamp), walletId, Money.FromTaka(99), null, null, Guid.NewGuid().ToString());

        Assert.Equal(AdminActions.NotAllowed, result.Error);
        Assert.Equal(Money.FromTaka(10), await Wallets.BalanceOfAsync(await app.AdminActorAsync(), walletId));
    }

    [Fact]
    public async Task Ledger_entries_cannot_be_edited()
    {
        var (_, walletId) = await app.CreateFundedResellerAsync(Money.FromTaka(10));
        await using var db = await app.DbAsync();
        var entry = await db.LedgerEntries.FirstAsync(e => e.WalletId == walletId);

        db.Entry(entry).Property(e => e.AmountPoisha).CurrentValue = 1;

        await Assert.ThrowsAsync<InvalidOperationException>(() => db.SaveChangesAsync());
    }

    [Fact]
    public async Task Every_new_reseller_gets_a_wallet_and_others_do_not()
    {
        var reseller = await app.FindUserAsync(await app.CreateUserAsync(Roles.Reseller));
        var auditor = await app.FindUserAsync(await app.CreateUserAsync(Roles.Auditor));

        await using var db = await app.DbAsync();
        Assert.True(await db.Wallets.AnyAsync(w => w.UserId == reseller.Id && w.BalancePoisha == 0));
        Assert.False(await db.Wallets.AnyAsync(w => w.UserId == auditor.Id));
    }
}

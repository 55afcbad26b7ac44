using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using RechargePortal.Features.Audit;
using RechargePortal.Features.Wallets;
using RechargePortal.Security;
using RechargePortal.Tests.TestSupport;

namespace RechargePortal.Tests.Features.Resellers;

/// <summary><c>Send balance</c> and <c>Take back</c>: one transaction, two entries sharing a transfer id, never below zero, once per request.</summary>
public sealed class TransferTests(PortalAppFactory app) : IClassFixture<PortalAppFactory>
{
    private WalletService Wallets => app.Services.GetRequiredService<WalletService>();

    private async Task<(TreeReseller Parent, TreeReseller Child)> PairAsync(Money parentBalance)
    {
        var parent = await app.CreateResellerUnderAsync(null, name: "distributor");
        var child = await app.CreateResellerUnderAsync(parent, name: "dealer");
        await FundAsync(parent, parentBalance);
        return (parent, child);
    }

    private async Task FundAsync(TreeReseller reseller, Money amount)
    {
        if (amount.IsPositive)
        {
            var credit = await Wallets.CreditAsync(await app.AdminActorAsync(), reseller.WalletId, amount, null, "opening", Guid.NewGuid().ToString());
            Assert.True(credit.Succeeded, credit.Problem);
        }
    }

    private async Task<long> BalanceAsync(TreeReseller r)
    {
        await using var db = await app.DbAsync();
        return await db.Wallets.Where(w => w.Id == r.WalletId).Select(w => w.BalancePoisha).SingleAsync();
    }

    [Fact]
    public async Task Send_balance_moves_money_down_as_a_TransferOut_and_a_TransferIn_sharing_a_transfer_id_and_is_audited()
    {
        var (parent, child) = await PairAsync(Money.FromTaka(1_000));

        var preview = await Wallets.PreviewTransferAsync(parent.Actor, child.UserId, Money.FromTaka(300), down: true);
        var sent = await Wallets.SendBalanceAsync(parent.Actor, child.UserId, Money.FromTaka(300), "For Eid stock", Guid.NewGuid().ToString());

        Assert.True(sent.Succeeded, sent.Problem);
        Assert.Equal((Money.FromTaka(1_000), Money.FromTaka(700), Money.Zero, Money.FromTaka(300)),
            (preview.ParentBefore, preview.ParentAfter, preview.ChildBefore, preview.ChildAfter));
        Assert.Equal(70_000, await BalanceAsync(parent));
        Assert.Equal(30_000, await BalanceAsync(child));
        await using var db = await app.DbAsync();
        var outEntry = await db.LedgerEntries.SingleAsync(e => e.WalletId == parent.WalletId && e.Kind == LedgerKind.TransferOut);
        var inEntry = await db.LedgerEntries.SingleAsync(e => e.WalletId == child.WalletId && e.Kind == LedgerKind.TransferIn);
        Assert.Equal(-30_000, outEntry.AmountPoisha);
        Assert.Equal(30_000, inEntry.AmountPoisha);
        Assert.NotNull(outEntry.TransferId);
        Assert.Equal(outEntry.TransferId, inEntry.TransferId);
        Assert.Equal(outEntry.AuditEntryId, inEntry.AuditEntryId);
        Assert.Equal($"Balance sent to {child.Email}: For Eid stock", outEntry.Memo);
        var audit = await db.AuditEntries.SingleAsync(a => a.Id == outEntry.AuditEntryId);
        Assert.Equal((AuditActions.BalanceSent, parent.UserId), (audit.Action, audit.ActorId));
        await app.AssertLedgerConsistentAsync(parent.WalletId);
        await app.AssertLedgerConsistentAsync(child.WalletId);
    }

    [Fact]
    public async Task Sending_more_than_the_parent_holds_and_taking_back_more_than_the_child_holds_are_refused_and_change_nothing()
    {
        var (parent, child) = await PairAsync(Money.FromTaka(100));
        Assert.True((await Wallets.SendBalanceAsync(parent.Actor, child.UserId, Money.FromTaka(60), null, Guid.NewGuid().ToString())).Succeeded);

        var tooMuch = await Wallets.SendBalanceAsync(parent.Actor, child.UserId, Money.FromTaka(41), null, Guid.NewGuid().ToString());
        var takeTooMuch = await Wallets.TakeBackAsync(parent.Actor, child.UserId, Money.FromTaka(61), null, Guid.NewGuid().ToString());
        var takeAll = await Wallets.TakeBackAsync(parent.Actor, child.UserId, Money.FromTaka(60), "closing the shop", Guid.NewGuid().ToString());

        Assert.Contains("Your balance is only ৳40.00", tooMuch.ErrorFor("Amount"));
        Assert.Contains("holds only ৳60.00", takeTooMuch.ErrorFor("Amount"));
        Assert.True(takeAll.Succeeded, takeAll.Problem);
        Assert.Equal(10_000, await BalanceAsync(parent));
        Assert.Equal(0, await BalanceAsync(child));
        await using var db = await app.DbAsync();
        Assert.Equal(2, await db.LedgerEntries.CountAsync(e => e.WalletId == child.WalletId));
        Assert.Equal(2, await db.AuditEntries.CountAsync(a => (a.Action == AuditActions.BalanceSent || a.Action == AuditActions.BalanceTakenBack) && a.ActorId == parent.UserId));
        await app.AssertLedgerConsistentAsync(parent.WalletId);
        await app.AssertLedgerConsistentAsync(child.WalletId);
    }

    [Fact]
    public async Task A_parent_cannot_move_money_with_a_sibling_an_ancestor_or_a_grandchild()
    {
        var (parent, child) = await PairAsync(Money.FromTaka(100));
        var grandchild = await app.CreateResellerUnderAsync(child);
        var sibling = await app.CreateResellerUnderAsync(null);
        await FundAsync(sibling, Money.FromTaka(100));

        var results = new[]
        {
            await Wallets.SendBalanceAsync(child.Actor, sibling.UserId, Money.FromTaka(1), null, Guid.NewGuid().ToString()),
            await Wallets.TakeBackAsync(child.Actor, parent.UserId, Money.FromTaka(1), null, Guid.NewGuid().ToString()),
            await Wallets.TakeBackAsync(parent.Actor, sibling.UserId, Money.FromTaka(1), null, Guid.NewGuid().ToString()),
            await Wallets.SendBalanceAsync(parent.Actor, grandchild.UserId, Money.FromTaka(1), null, Guid.NewGuid().ToString()),
        };

        Assert.All(results, r => Assert.Equal("That reseller is not one of yours.", r.Error));
        await Assert.ThrowsAsync<AccessRefusedException>(() => Wallets.PreviewTransferAsync(child.Actor, parent.UserId, Money.FromTaka(1), down: false));
        Assert.Equal(10_000, await BalanceAsync(parent));
        Assert.Equal(10_000, await BalanceAsync(sibling));
    }

    [Fact]
    public async Task A_double_submit_with_one_request_id_moves_the_money_once()
    {
        var (parent, child) = await PairAsync(Money.FromTaka(1_000));
        var requestId = Guid.NewGuid().ToString();

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() =>
            Wallets.SendBalanceAsync(parent.Actor, child.UserId, Money.FromTaka(250), null, requestId))));
        var again = await Wallets.SendBalanceAsync(parent.Actor, child.UserId, Money.FromTaka(250), null, requestId);

        Assert.All(results.Append(again), r => Assert.True(r.Succeeded, r.Problem));
        Assert.Equal(75_000, await BalanceAsync(parent));
        Assert.Equal(25_000, await BalanceAsync(child));
        await using var db = await app.DbAsync();
        Assert.Equal(1, await db.LedgerEntries.CountAsync(e => e.WalletId == child.WalletId && e.Kind == LedgerKind.TransferIn));
        Assert.Equal(1, await db.AuditEntries.CountAsync(a => a.Action == AuditActions.BalanceSent && a.ActorId == parent.UserId));
    }

    [Theory]
    [InlineData(7)]
    [InlineData(2026)]
    public async Task Parallel_transfers_and_take_backs_keep_every_wallet_equal_to_its_ledger_and_never_negative(int seed)
    {
        // A distributor with two dealers, one dealer with two retailers: money goes up and down every edge at once.
        var top = await app.CreateResellerUnderAsync(null);
        var dealerA = await app.CreateResellerUnderAsync(top);
        var dealerB = await app.CreateResellerUnderAsync(top);
        var retailer1 = await app.CreateResellerUnderAsync(dealerA);
        var retailer2 = await app.CreateResellerUnderAsync(dealerA);
        await FundAsync(top, Money.FromTaka(1_000));
        await FundAsync(dealerA, Money.FromTaka(200));
        var edges = new[] { (top, dealerA), (top, dealerB), (dealerA, retailer1), (dealerA, retailer2) };
        var everyone = new[] { top, dealerA, dealerB, retailer1, retailer2 };

        var random = new Random(seed);
        var plan = Enumerable.Range(0, 120).Select(_ => (Edge: edges[random.Next(edges.Length)], Down: random.Next(3) > 0, Amount: Money.FromTaka(random.Next(1, 40) * 10))).ToArray();
        var outcomes = await Task.WhenAll(Enumerable.Range(0, 6).Select(w => Task.Run(async () =>
        {
            var done = new List<bool>();
            for (var i = w; i < plan.Length; i += 6)
            {
                var ((parent, child), down, amount) = plan[i];
                var result = down
                    ? await Wallets.SendBalanceAsync(parent.Actor, child.UserId, amount, null, Guid.NewGuid().ToString())
                    : await Wallets.TakeBackAsync(parent.Actor, child.UserId, amount, null, Guid.NewGuid().ToString());
                // Either it moved, or it was refused for the balance: nothing else.
                Assert.True(result.Succeeded || result.ErrorFor("Amount") is not null, result.Problem);
                done.Add(result.Succeeded);
            }

            return done;
        })));

        Assert.Contains(outcomes.SelectMany(o => o), moved => moved);
        await using var db = await app.DbAsync();
        var total = 0L;
        foreach (var r in everyone)
        {
            await app.AssertLedgerConsistentAsync(r.WalletId);
            var balance = await BalanceAsync(r);
            Assert.True(balance >= 0);
            total += balance;
        }

        // Transfers only move money around the tree: the sum is what the admin deposited.
        Assert.Equal(120_000, total);
        var transfers = await db.LedgerEntries.Where(e => e.TransferId != null).ToListAsync();
        Assert.All(transfers.GroupBy(e => e.TransferId), pair =>
        {
            Assert.Equal([LedgerKind.TransferOut, LedgerKind.TransferIn], pair.Select(e => e.Kind).Order());
            Assert.Equal(0, pair.Sum(e => e.AmountPoisha));
        });
    }

    [Fact]
    public async Task The_database_refuses_a_transfer_entry_with_the_wrong_sign_or_without_its_transfer_id()
    {
        var (parent, _) = await PairAsync(Money.FromTaka(100));
        await using var db = await app.DbAsync();

        Task Insert(string kind, long amount, string? transferId) => db.Database.ExecuteSqlInterpolatedAsync(
            $"""INSERT INTO "LedgerEntries" ("WalletId", "Kind", "AmountPoisha", "BalanceAfterPoisha", "AtUtc", "ActorEmail", "Memo", "TransferId") VALUES ({parent.WalletId}, {kind}, {amount}, 0, '2026-11-30 10:00:00', 'x', 'x', CAST({transferId} AS VARCHAR(32)))""");

        Assert.Contains("CK_LedgerEntries_KindSign", (await Assert.ThrowsAnyAsync<DbException>(() => Insert("TransferOut", 100, "t1"))).Message);
        Assert.Contains("CK_LedgerEntries_KindSign", (await Assert.ThrowsAnyAsync<DbException>(() => Insert("TransferIn", -100, "t2"))).Message);
        Assert.Contains("CK_LedgerEntries_KindTransfer", (await Assert.ThrowsAnyAsync<DbException>(() => Insert("TransferIn", 100, null))).Message);
        Assert.Contains("CK_LedgerEntries_KindTransfer", (await Assert.ThrowsAnyAsync<DbException>(() => Insert("Deposit", 100, "t3"))).Message);
        // The rebuild that changed the checks kept the ledger append-only.
        Assert.Contains("append-only", (await Assert.ThrowsAnyAsync<DbException>(() =>
            db.Database.ExecuteSqlInterpolatedAsync($"""DELETE FROM "LedgerEntries" WHERE "WalletId" = {parent.WalletId}"""))).Message);
    }
}

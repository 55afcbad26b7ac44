using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using RechargePortal.Features.Recharges;
using RechargePortal.Features.Wallets;
using RechargePortal.Providers;
using RechargePortal.Security;
using RechargePortal.Tests.TestSupport;

namespace RechargePortal.Tests.Features.Recharges;

/// <summary>
/// Placing by the reseller's own reference (issue 12's idempotent <c>POST /api/v1/recharges</c>, below HTTP):
/// one recharge per reseller and reference, a repeat answers with it, another order under it is a conflict.
/// </summary>
public sealed class ReferencePlacementTests
{
    private static async Task<(Actor Reseller, long WalletId)> ResellerAsync(PipelineHarness h, long balanceTaka)
    {
        var (userId, walletId) = await h.App.CreateFundedResellerAsync(Money.FromTaka(balanceTaka));
        await using var db = await h.App.DbAsync();
        var user = await db.Users.AsNoTracking().SingleAsync(u => u.Id == userId);
        return (new Actor(user.Id, user.Email!, user.SecurityStamp), walletId);
    }

    private static async Task<int> RechargesOfAsync(PipelineHarness h, string resellerId)
    {
        await using var db = await h.App.DbAsync();
        return await db.Set<Recharge>().CountAsync(r => r.ResellerId == resellerId);
    }

    private static async Task<PlaceResult> PlaceAndWaitAsync(PipelineHarness h, string reference, RechargeForm? form = null, Actor? reseller = null)
    {
        var result = await h.Recharges.PlaceByReferenceAsync(reseller ?? h.Reseller, reference, form ?? PipelineHarness.Form());
        await h.Processor.WhenDispatchedAsync();
        return result;
    }

    private int Submissions(PipelineHarness h) => h.SubmissionsSeenBy(h.Ecare) + h.SubmissionsSeenBy(h.Flexi);

    [Fact]
    public async Task The_same_reference_sent_20_times_at_once_places_one_recharge_with_one_hold_and_one_submission()
    {
        // A wallet holding exactly one order and a limit of one attempt a minute: a repeat that were counted, or that
        // reached the balance check, would be refused instead of answered with the recharge.
        await using var h = await PipelineHarness.StartAsync(new() { ["RateLimits:RechargesPerResellerPerMinute"] = "1" });
        var (reseller, walletId) = await ResellerAsync(h, 100);

        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ =>
            Task.Run(() => h.Recharges.PlaceByReferenceAsync(reseller, "shop-123", PipelineHarness.Form(amount: "100")))));
        await h.Processor.WhenDispatchedAsync();

        Assert.All(results, r => Assert.True(r.Succeeded, r.Error ?? string.Join("; ", r.Errors.Values)));
        Assert.Single(results, r => r.Outcome == PlaceOutcome.Created);
        Assert.Equal(19, results.Count(r => r.Outcome == PlaceOutcome.Existing));
        var id = Assert.Single(results.Select(r => r.RechargeId).Distinct())!.Value;
        Assert.Equal(1, await RechargesOfAsync(h, reseller.UserId));
        await using (var db = await h.App.DbAsync())
        {
            Assert.Single(await db.LedgerEntries.Where(e => e.RechargeId == id && e.Kind == LedgerKind.RechargeHold).ToListAsync());
            Assert.Equal(0, await db.Set<RefusedPlacement>().CountAsync());
            Assert.Equal("shop-123", (await db.Set<Recharge>().SingleAsync(r => r.Id == id)).ClientReference);
        }

        Assert.Equal(1, Submissions(h));
        Assert.Equal(Money.Zero, (await h.App.Services.GetRequiredService<WalletService>().BalanceOfAsync(await h.App.AdminActorAsync(), walletId)));
        await h.App.AssertLedgerConsistentAsync(walletId);
    }

    [Fact]
    public async Task The_database_refuses_a_second_recharge_of_one_reseller_under_one_reference_but_not_another_resellers_or_none()
    {
        // The backstop behind the placement's read under the write lock (which answers a concurrent repeat first).
        await using var h = await PipelineHarness.StartAsync();
        var (other, otherWallet) = await ResellerAsync(h, 0);
        var order = new RechargeOrder("01712345671", MobileOperator.Grameenphone, NumberType.Prepaid, Money.FromTaka(20));
        var now = h.Time.GetUtcNow().UtcDateTime;
        Recharge Row(string resellerId, long walletId, string? reference) =>
            Recharge.Create(RechargeWording.NewReference(now), Guid.NewGuid().ToString("N"), resellerId, walletId, order, Money.Zero, null, now, reference);

        await using (var db = await h.App.DbAsync())
        {
            db.AddRange(Row(h.Reseller.UserId, h.WalletId, "shop-1"), Row(other.UserId, otherWallet, "shop-1"),
                Row(h.Reseller.UserId, h.WalletId, null), Row(h.Reseller.UserId, h.WalletId, null));
            await db.SaveChangesAsync();
        }

        await using (var db = await h.App.DbAsync())
        {
            db.Add(Row(h.Reseller.UserId, h.WalletId, "shop-1"));
            var refused = await Assert.ThrowsAsync<DbUpdateException>(() => db.SaveChangesAsync());
            Assert.Contains("unique", refused.InnerException!.Message, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public async Task A_repeat_written_differently_is_the_same_order_and_another_order_under_the_reference_is_a_conflict_that_changes_nothing()
    {
        await using var h = await PipelineHarness.StartAsync();
        var placed = await PlaceAndWaitAsync(h, "shop-7", PipelineHarness.Form(number: "01712345671", amount: "100"));
        Assert.Equal(PlaceOutcome.Created, placed.Outcome);
        var balance = await h.BalanceAsync();

        // The number as people type it, the operator the prefix gives, the amount with its poisha: the same order.
        var same = await PlaceAndWaitAsync(h, "shop-7", PipelineHarness.Form(number: "+880 1712-345671", amount: "100.00", op: MobileOperator.Grameenphone));
        Assert.Equal(PlaceOutcome.Existing, same.Outcome);
        Assert.Equal(placed.RechargeId, same.RechargeId);

        RechargeForm[] others =
        [
            PipelineHarness.Form(amount: "50"),
            PipelineHarness.Form(number: "01712345672"),
            PipelineHarness.Form(type: NumberType.Postpaid),
            PipelineHarness.Form(op: MobileOperator.Robi),
            PipelineHarness.Form(amount: "not a number"),
        ];
        foreach (var other in others)
        {
            var conflict = await PlaceAndWaitAsync(h, "shop-7", other);
            Assert.Equal(PlaceOutcome.Conflict, conflict.Outcome);
            Assert.False(conflict.Succeeded);
            Assert.Null(conflict.RechargeId);
            Assert.Equal(placed.Reference, conflict.Reference);
            Assert.Equal($"The reference shop-7 was already used for another order (recharge {placed.Reference}). Nothing was charged.", conflict.Error);
        }

        Assert.Equal(balance, await h.BalanceAsync());
        Assert.Equal(1, await RechargesOfAsync(h, h.Reseller.UserId));
        Assert.Equal(1, Submissions(h));
        await using (var db = await h.App.DbAsync())
        {
            Assert.Equal(0, await db.Set<RefusedPlacement>().CountAsync());
        }

        await h.AssertConsistentAsync();
    }

    [Fact]
    public async Task The_same_reference_from_another_reseller_is_its_own_recharge()
    {
        await using var h = await PipelineHarness.StartAsync();
        var (other, otherWallet) = await ResellerAsync(h, 500);

        var mine = await PlaceAndWaitAsync(h, "order-1");
        var theirs = await PlaceAndWaitAsync(h, "order-1", PipelineHarness.Form(amount: "50"), other);

        Assert.Equal(PlaceOutcome.Created, mine.Outcome);
        Assert.Equal(PlaceOutcome.Created, theirs.Outcome);
        Assert.NotEqual(mine.RechargeId, theirs.RechargeId);
        Assert.Equal(Money.FromTaka(900), await h.BalanceAsync());
        Assert.Equal(Money.FromTaka(450), await h.App.Services.GetRequiredService<WalletService>().BalanceOfAsync(await h.App.AdminActorAsync(), otherWallet));
        Assert.Equal(2, Submissions(h));
    }

    public static TheoryData<string> BadReferences => new()
    {
        "",
        "shop 123",
        "shop/123",
        "shöp-123",
        new string('a', 65),
    };

    [Theory]
    [MemberData(nameof(BadReferences))]
    public async Task A_reference_breaking_its_rule_is_refused_beside_it_and_nothing_is_held_or_sent(string reference)
    {
        await using var h = await PipelineHarness.StartAsync();

        var refused = await PlaceAndWaitAsync(h, reference);

        Assert.Equal(PlaceOutcome.Refused, refused.Outcome);
        Assert.Contains(RechargeFields.Reference, refused.Errors.Keys);
        Assert.Equal(0, await RechargesOfAsync(h, h.Reseller.UserId));
        Assert.Equal(Money.FromTaka(1_000), await h.BalanceAsync());
        Assert.Equal(0, Submissions(h));
    }

    [Fact]
    public async Task A_reference_of_64_allowed_characters_is_placed()
    {
        await using var h = await PipelineHarness.StartAsync();

        var placed = await PlaceAndWaitAsync(h, "A.b_9:-" + new string('x', 57));

        Assert.Equal(PlaceOutcome.Created, placed.Outcome);
    }

    [Fact]
    public async Task A_repeat_after_the_recharge_finished_returns_it_as_it_ended_and_places_nothing_again()
    {
        await using var h = await PipelineHarness.StartAsync();
        var delivered = await PlaceAndWaitAsync(h, "paid-1");
        h.EcareStatus = FakeUpstream.Body(PipelineHarness.EcareSuccess);
        Assert.Equal(CheckOutcome.Succeeded, await h.Processor.CheckAsync(delivered.RechargeId!.Value, dueOnly: false));
        var refused = await PlaceAndWaitAsync(h, "failed-1", PipelineHarness.Form(number: "01712345672"));
        h.EcareStatus = FakeUpstream.Body(PipelineHarness.EcareFailed);
        Assert.Equal(CheckOutcome.Failed, await h.Processor.CheckAsync(refused.RechargeId!.Value, dueOnly: false));
        var balance = await h.BalanceAsync();
        var sent = Submissions(h);

        var deliveredAgain = await PlaceAndWaitAsync(h, "paid-1");
        var refusedAgain = await PlaceAndWaitAsync(h, "failed-1", PipelineHarness.Form(number: "01712345672"));

        Assert.Equal((PlaceOutcome.Existing, delivered.RechargeId), (deliveredAgain.Outcome, deliveredAgain.RechargeId));
        Assert.Equal((PlaceOutcome.Existing, refused.RechargeId), (refusedAgain.Outcome, refusedAgain.RechargeId));
        Assert.Equal(RechargeStatus.Succeeded, (await h.Recharges.FindAsync(h.Reseller, deliveredAgain.RechargeId!.Value))!.Status);
        Assert.Equal(RechargeStatus.Failed, (await h.Recharges.FindAsync(h.Reseller, refusedAgain.RechargeId!.Value))!.Status);
        Assert.Equal(balance, await h.BalanceAsync());
        Assert.Equal(sent, Submissions(h));
        Assert.Equal(2, await RechargesOfAsync(h, h.Reseller.UserId));
        await h.AssertConsistentAsync();
    }
}

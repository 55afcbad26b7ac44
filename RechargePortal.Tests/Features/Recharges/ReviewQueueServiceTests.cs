using Microsoft.EntityFrameworkCore;
using RechargePortal.Features.Audit;
using RechargePortal.Features.Recharges;
using RechargePortal.Features.Wallets;
using RechargePortal.Providers.CallLog;

namespace RechargePortal.Tests.Features.Recharges;

/// <summary>What the review page does: list what waits, ask again, settle once with a note; money moves exactly once.</summary>
public sealed class ReviewQueueServiceTests(ReviewAppFixture fixture) : IClassFixture<ReviewAppFixture>
{
    private RechargeService Recharges => fixture.Recharges;

    private ReviewQueueService Reviews => fixture.Reviews;

    [Fact]
    public async Task A_recharge_past_its_deadline_is_listed_with_its_attempt_and_raw_calls()
    {
        var item = await fixture.RechargeInReviewAsync();

        var queue = await Reviews.QueueAsync(await fixture.App.AdminActorAsync());

        var detail = Assert.Single(queue, d => d.Recharge.Id == item.Id);
        Assert.Equal(queue.OrderBy(d => d.Recharge.Id).Select(d => d.Recharge.Id), queue.Select(d => d.Recharge.Id));
        Assert.True(detail.OutcomeKnown);
        Assert.True(detail.ChecksDone >= 1);
        Assert.Equal("Pending", detail.LastCheckOutcome);
        var attempt = Assert.Single(detail.Attempts);
        Assert.Equal("Ecare", attempt.Provider);
        Assert.Contains(attempt.Calls, c => c.Operation == UpstreamOperations.Submit);
        Assert.Contains(attempt.Calls, c => c.Operation == UpstreamOperations.Status);
        Assert.All(attempt.Calls, c => Assert.False(string.IsNullOrEmpty(c.Reply)));
        Assert.True(await Recharges.CountAsync(RechargeStatus.NeedsReview) >= 1);
    }

    [Fact]
    public async Task Checking_now_asks_the_provider_and_keeps_it_in_review_while_it_is_still_pending()
    {
        var item = await fixture.RechargeInReviewAsync();
        var before = (await Reviews.DetailAsync(await fixture.App.AdminActorAsync(), item.Id))!.ChecksDone;

        var outcome = await Reviews.CheckNowAsync(await fixture.App.AdminActorAsync(), item.Id);

        Assert.Equal(CheckOutcome.StillPending, outcome);
        var after = (await Reviews.DetailAsync(await fixture.App.AdminActorAsync(), item.Id))!;
        Assert.Equal(RechargeStatus.NeedsReview, after.Recharge.Status);
        Assert.Equal(before + 1, after.ChecksDone);
        await using (var db = await fixture.App.DbAsync())
        {
            Assert.True(await db.AuditEntries.AnyAsync(a => a.Action == AuditActions.RechargeChecked && a.TargetId == item.Id.ToString()));
        }

        await fixture.App.AssertLedgerConsistentAsync(item.WalletId);
    }

    [Fact]
    public async Task While_another_worker_asks_the_provider_checking_and_resolving_wait_and_change_nothing()
    {
        var item = await fixture.RechargeInReviewAsync();
        var admin = await fixture.App.AdminActorAsync();
        var before = (await Reviews.DetailAsync(admin, item.Id))!.ChecksDone;
        await ClaimAsync(item.Id, "portal-b/asking", DateTime.UtcNow.AddYears(10));

        Assert.Equal(CheckOutcome.BeingChecked, await Reviews.CheckNowAsync(admin, item.Id));
        var result = await Reviews.ResolveAsync(admin, item.Id, false, "Vendor says it never arrived, ticket 9", overrideAnswer: true);

        Assert.False(result.Succeeded);
        Assert.Equal(ReviewQueueService.BeingCheckedMessage, result.Error);
        var after = (await Reviews.DetailAsync(admin, item.Id))!;
        Assert.Equal(RechargeStatus.NeedsReview, after.Recharge.Status);
        Assert.Equal(before, after.ChecksDone);
        Assert.Equal(0, await LedgerCountAsync(item.Id, LedgerKind.RechargeRefund));

        // Once that worker is done, the decision goes through.
        await ClaimAsync(item.Id, null, null);
        Assert.True((await Reviews.ResolveAsync(admin, item.Id, false, "Vendor says it never arrived, ticket 9", overrideAnswer: true)).Succeeded);
        Assert.Equal(1, await LedgerCountAsync(item.Id, LedgerKind.RechargeRefund));
        await fixture.App.AssertLedgerConsistentAsync(item.WalletId);
    }

    private async Task ClaimAsync(long id, string? by, DateTime? until)
    {
        await using var db = await fixture.App.DbAsync();
        await db.Set<Recharge>().Where(r => r.Id == id)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.CheckClaimedBy, by).SetProperty(r => r.CheckClaimedUntilUtc, until));
    }

    [Fact]
    public async Task Checking_now_is_refused_to_a_reseller()
    {
        var item = await fixture.RechargeInReviewAsync();

        Assert.Null(await Reviews.CheckNowAsync(item.Reseller, item.Id));
    }

    [Fact]
    public async Task Marking_successful_keeps_the_money_credits_the_commission_once_and_is_audited()
    {
        var item = await fixture.RechargeInReviewAsync();
        var admin = await fixture.App.AdminActorAsync();

        var result = await Reviews.ResolveAsync(admin, item.Id, true, "Ecare support confirmed delivery, ticket 4411", overrideAnswer: true);

        Assert.True(result.Succeeded, result.Error);
        var view = (await Recharges.FindAsync(await fixture.App.AdminActorAsync(), item.Id))!;
        Assert.Equal(RechargeStatus.Succeeded, view.Status);
        Assert.Equal(Money.FromTaka(1_000) - Money.FromTaka(100) + view.Commission, await BalanceAsync(item.WalletId));
        Assert.True(view.Commission.IsPositive);
        Assert.Equal(1, await LedgerCountAsync(item.Id, LedgerKind.Commission));
        Assert.Equal(0, await LedgerCountAsync(item.Id, LedgerKind.RechargeRefund));
        var audit = Assert.Single(await AuditOfAsync(item.Id));
        Assert.Equal(admin.Email, audit.ActorEmail);
        Assert.Contains("Marked successful", audit.Details);
        Assert.Contains("ticket 4411", audit.Details);
        Assert.DoesNotContain(await Reviews.QueueAsync(await fixture.App.AdminActorAsync()), d => d.Recharge.Id == item.Id);
        await fixture.App.AssertLedgerConsistentAsync(item.WalletId);

        // A second decision, either way, changes nothing.
        var again = await Reviews.ResolveAsync(admin, item.Id, true, "clicked twice", overrideAnswer: true);
        var opposite = await Reviews.ResolveAsync(admin, item.Id, false, "changed my mind", overrideAnswer: true);

        Assert.False(again.Succeeded);
        Assert.False(opposite.Succeeded);
        Assert.Contains("already", opposite.Error);
        Assert.Equal(RechargeStatus.Succeeded, (await Recharges.FindAsync(await fixture.App.AdminActorAsync(), item.Id))!.Status);
        Assert.Equal(1, await LedgerCountAsync(item.Id, LedgerKind.Commission));
        Assert.Equal(0, await LedgerCountAsync(item.Id, LedgerKind.RechargeRefund));
        Assert.Single(await AuditOfAsync(item.Id));
        await fixture.App.AssertLedgerConsistentAsync(item.WalletId);
    }

    [Fact]
    public async Task Marking_failed_refunds_once_and_is_audited()
    {
        var item = await fixture.RechargeInReviewAsync();
        var admin = await fixture.App.AdminActorAsync();
        Assert.Equal(Money.FromTaka(900), await BalanceAsync(item.WalletId));

        var result = await Reviews.ResolveAsync(admin, item.Id, false, "Customer says nothing arrived; Ecare has no record", overrideAnswer: true);

        Assert.True(result.Succeeded, result.Error);
        Assert.Equal(RechargeStatus.Failed, (await Recharges.FindAsync(await fixture.App.AdminActorAsync(), item.Id))!.Status);
        Assert.Equal(Money.FromTaka(1_000), await BalanceAsync(item.WalletId));
        Assert.Equal(1, await LedgerCountAsync(item.Id, LedgerKind.RechargeRefund));
        Assert.Equal(0, await LedgerCountAsync(item.Id, LedgerKind.Commission));
        var audit = Assert.Single(await AuditOfAsync(item.Id));
        Assert.Contains("Marked failed and refunded", audit.Details);
        await fixture.App.AssertLedgerConsistentAsync(item.WalletId);

        var again = await Reviews.ResolveAsync(admin, item.Id, false, "clicked twice", overrideAnswer: true);
        var opposite = await Reviews.ResolveAsync(admin, item.Id, true, "changed my mind", overrideAnswer: true);

        Assert.False(again.Succeeded);
        Assert.False(opposite.Succeeded);
        Assert.Equal(Money.FromTaka(1_000), await BalanceAsync(item.WalletId));
        Assert.Equal(1, await LedgerCountAsync(item.Id, LedgerKind.RechargeRefund));
        Assert.Equal(0, await LedgerCountAsync(item.Id, LedgerKind.Commission));
        Assert.Single(await AuditOfAsync(item.Id));
        await fixture.App.AssertLedgerConsistentAsync(item.WalletId);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Deciding_while_the_provider_still_says_pending_needs_the_override_and_without_it_changes_nothing(bool successful)
    {
        var item = await fixture.RechargeInReviewAsync();
        var admin = await fixture.App.AdminActorAsync();
        var checksBefore = (await Reviews.DetailAsync(await fixture.App.AdminActorAsync(), item.Id))!.ChecksDone;

        var result = await Reviews.ResolveAsync(admin, item.Id, successful, "Customer says nothing arrived");

        Assert.False(result.Succeeded);
        Assert.Contains("Pending", result.ErrorFor(ReviewQueueService.OverrideField));
        var after = (await Reviews.DetailAsync(await fixture.App.AdminActorAsync(), item.Id))!;
        Assert.Equal(RechargeStatus.NeedsReview, after.Recharge.Status);
        Assert.Equal(checksBefore + 1, after.ChecksDone);
        Assert.Equal(Money.FromTaka(900), await BalanceAsync(item.WalletId));
        Assert.Equal(0, await LedgerCountAsync(item.Id, LedgerKind.RechargeRefund));
        Assert.Equal(0, await LedgerCountAsync(item.Id, LedgerKind.Commission));
        Assert.Empty(await AuditOfAsync(item.Id));

        var overridden = await Reviews.ResolveAsync(admin, item.Id, successful, "Customer says nothing arrived", overrideAnswer: true);

        Assert.True(overridden.Succeeded, overridden.Error);
        Assert.Equal(successful ? RechargeStatus.Succeeded : RechargeStatus.Failed, (await Recharges.FindAsync(await fixture.App.AdminActorAsync(), item.Id))!.Status);
        Assert.Contains("override: the provider said Pending", Assert.Single(await AuditOfAsync(item.Id)).Details);
        await fixture.App.AssertLedgerConsistentAsync(item.WalletId);
    }

    public static TheoryData<string?, bool> MissingNotes => new()
    {
        { null, true },
        { "", false },
        { "   ", true },
        { new string('x', RechargePortal.Features.Recharges.Recharge.MaxNoteLength + 1), false },
    };

    [Theory]
    [MemberData(nameof(MissingNotes))]
    public async Task Without_a_usable_note_nothing_changes_and_the_error_belongs_to_the_note(string? note, bool successful)
    {
        var item = await fixture.RechargeInReviewAsync();
        var admin = await fixture.App.AdminActorAsync();

        var result = await Reviews.ResolveAsync(admin, item.Id, successful, note, overrideAnswer: true);

        Assert.False(result.Succeeded);
        Assert.False(string.IsNullOrEmpty(result.ErrorFor("Note")));
        Assert.Equal(RechargeStatus.NeedsReview, (await Recharges.FindAsync(await fixture.App.AdminActorAsync(), item.Id))!.Status);
        Assert.Equal(Money.FromTaka(900), await BalanceAsync(item.WalletId));
        Assert.Equal(0, await LedgerCountAsync(item.Id, LedgerKind.RechargeRefund));
        Assert.Equal(0, await LedgerCountAsync(item.Id, LedgerKind.Commission));
        Assert.Empty(await AuditOfAsync(item.Id));
        await fixture.App.AssertLedgerConsistentAsync(item.WalletId);
    }

    [Fact]
    public async Task A_reseller_cannot_resolve_and_nothing_changes()
    {
        var item = await fixture.RechargeInReviewAsync();

        var result = await Reviews.ResolveAsync(item.Reseller, item.Id, false, "refund me", overrideAnswer: true);

        Assert.False(result.Succeeded);
        Assert.Equal(RechargeStatus.NeedsReview, (await Recharges.FindAsync(await fixture.App.AdminActorAsync(), item.Id))!.Status);
        Assert.Equal(Money.FromTaka(900), await BalanceAsync(item.WalletId));
        Assert.Empty(await AuditOfAsync(item.Id));
    }

    private async Task<Money> BalanceAsync(long walletId)
    {
        await using var db = await fixture.App.DbAsync();
        return new Money(await db.Wallets.Where(w => w.Id == walletId).Select(w => w.BalancePoisha).SingleAsync());
    }

    private async Task<int> LedgerCountAsync(long rechargeId, LedgerKind kind)
    {
        await using var db = await fixture.App.DbAsync();
        return await db.LedgerEntries.CountAsync(e => e.RechargeId == rechargeId && e.Kind == kind);
    }

    private async Task<List<AuditEntry>> AuditOfAsync(long rechargeId)
    {
        await using var db = await fixture.App.DbAsync();
        var id = rechargeId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return await db.Set<AuditEntry>().AsNoTracking()
            .Where(a => a.Action == AuditActions.RechargeResolved && a.TargetId == id).ToListAsync();
    }
}

using System.Data.Common;
using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using RechargePortal.Features.Audit;
using RechargePortal.Features.Offers;
using RechargePortal.Features.Recharges;
using RechargePortal.Features.Wallets;
using RechargePortal.Jobs;
using RechargePortal.Providers;
using RechargePortal.Tests.TestSupport;

namespace RechargePortal.Tests.Features.Recharges;

/// <summary>
/// The holes found when the portal met vendors that misbehave (issue 10): each test states what a
/// reseller or an auditor would lose if the hole were open, against fake vendors on 127.0.0.1.
/// </summary>
public sealed class MoneyHardeningTests : IAsyncLifetime
{
    private PipelineHarness h = null!;

    public async Task InitializeAsync() => h = await PipelineHarness.StartAsync();

    public async Task DisposeAsync() => await h.DisposeAsync();

    private ReviewQueueService Reviews => h.App.Services.GetRequiredService<ReviewQueueService>();

    // ---- "Failed" after an unknown send, and the grace period ----

    [Fact]
    public async Task A_failed_status_for_a_send_whose_outcome_was_unknown_is_refunded_only_after_the_grace_period()
    {
        h.EcareSubmit = FakeUpstream.Body("<html><body>500 Internal Server Error</body></html>", 500);
        h.EcareStatus = FakeUpstream.Body(PipelineHarness.EcareFailed);
        var id = await h.PlaceAsync();
        Assert.False((await h.LoadAsync(id)).OutcomeKnown);

        // Within the 5 minutes the request may still be on its way to the operator: "failed" is not believed yet.
        for (var i = 0; i < 8; i++)
        {
            await h.AdvanceAndSweepAsync(TimeSpan.FromSeconds(30));
        }

        var waiting = await h.LoadAsync(id);
        Assert.Equal(RechargeStatus.Processing, waiting.Status);
        Assert.Contains("not believed yet", waiting.LastCheckOutcome);
        Assert.Equal(Money.FromTaka(900), await h.BalanceAsync());

        await h.AdvanceAndSweepAsync(TimeSpan.FromMinutes(2));

        Assert.Equal(RechargeStatus.Failed, (await h.LoadAsync(id)).Status);
        Assert.Equal(Money.FromTaka(1_000), await h.BalanceAsync());
        Assert.Equal([LedgerKind.RechargeHold, LedgerKind.RechargeRefund], (await h.EntriesOfAsync(id)).Select(e => e.Kind));
        await h.AssertConsistentAsync();
    }

    [Theory]
    [InlineData("0")]
    [InlineData("1")]
    public void A_not_found_grace_below_two_minutes_is_refused_at_start(string minutes)
    {
        using var app = new PortalAppFactory(null, new Dictionary<string, string?> { ["Recharge:NotFoundGraceMinutes"] = minutes });

        var error = Assert.ThrowsAny<Exception>(() => app.Services);

        Assert.Contains("NotFoundGraceMinutes", error.ToString());
    }

    // ---- Offer packs: the vendor's commission, and who sells the pack ----

    [Fact]
    public async Task A_vendor_pack_whose_commission_is_below_zero_or_not_below_its_price_is_not_offered_and_the_providers_page_says_so()
    {
        static string Pack(string amount, string commission) =>
            $$"""{"_operator":"GP","_number_type":"1","_offer_type":"IN","_minute_pack":"-","_internet_pack":"1 GB","_sms_pack":"-","_callrate_pack":"-","_validity":"7 Days","_amount":"{{amount}}","_commission_amount":"{{commission}}","_status":"A","_offer_details":""}""";
        h.EcareOffers = FakeUpstream.Body($$"""{"STATUS":"OK","GP":[{{Pack("116", "2.00")}},{{Pack("50", "50.00")}},{{Pack("60", "-1.00")}},{{Pack("70", "75.00")}}],"MESSAGE":"ok"}""");

        var result = await h.App.Services.GetRequiredService<OfferPackService>().RefreshAsync("Ecare");

        Assert.True(result.Succeeded, result.Error);
        Assert.Equal(1, result.Added);
        var offered = await h.App.Services.GetRequiredService<OfferPackService>().ActiveAsync(new OfferFilter());
        Assert.Equal([11_600L], offered.Select(p => p.PricePoisha));
        var ecare = (await h.App.Services.GetRequiredService<ProviderAdminService>().ListAsync()).Single(p => p.Name == "Ecare");
        Assert.Contains("3 pack(s) not offered", ecare.OfferPacksRefused);
        Assert.Contains("৳50.00 (commission ৳50.00)", ecare.OfferPacksRefused);
    }

    [Fact]
    public async Task The_database_refuses_a_commission_above_the_amount_on_a_recharge_or_a_pack()
    {
        var id = await h.PlaceAsync();
        await using var db = await h.App.DbAsync();

        var recharge = await Assert.ThrowsAnyAsync<DbException>(() =>
            db.Database.ExecuteSqlInterpolatedAsync($"""UPDATE "Recharges" SET "CommissionPoisha" = "AmountPoisha" + 1 WHERE "Id" = {id}"""));
        db.Add(OfferPack.From("Ecare",
            new OfferPackInfo(MobileOperator.Robi, NumberType.Prepaid, OfferType.Bundle, 1_000, 1_001, null, null, null, null, null, null, true), PipelineHarness.At(0)));
        var pack = await Assert.ThrowsAsync<DbUpdateException>(() => db.SaveChangesAsync());

        Assert.Contains("CK_Recharges_Commission", recharge.Message);
        Assert.Contains("CK_OfferPacks_Commission", pack.InnerException!.Message);
    }

    [Fact]
    public async Task A_pack_recharge_goes_only_to_the_provider_that_lists_the_pack()
    {
        await AddPackAsync("Flexi", pricePoisha: 1_900);

        var id = await h.PlaceAsync(PipelineHarness.Form(amount: "19"));

        Assert.Equal("Flexi", (await h.LoadAsync(id)).Attempts.Single().Provider);
        Assert.Equal(0, h.SubmissionsSeenBy(h.Ecare));
        Assert.Equal(1, h.SubmissionsSeenBy(h.Flexi));
    }

    [Fact]
    public async Task A_pack_chosen_from_one_provider_goes_to_that_provider_only_though_another_lists_a_pack_at_the_same_price()
    {
        // Both list a ৳19 GP pack (Ecare first in the route); the reseller chose Flexi's, which Flexi refuses safely.
        await AddPackAsync("Ecare", pricePoisha: 1_900, internet: "2 GB");
        var flexiPack = await AddPackAsync("Flexi", pricePoisha: 1_900, internet: "1 GB");
        h.FlexiSubmit = FakeUpstream.Body("""{"success":false,"status":2,"message":"Not User"}""");
        var form = PipelineHarness.Form(amount: "19");
        form.OfferPackId = flexiPack;

        var id = await h.PlaceAsync(form);

        var r = await h.LoadAsync(id);
        Assert.Equal("Flexi", r.OfferPackProvider);
        Assert.Contains("1 GB", r.OfferPack);
        Assert.Equal("Flexi", r.Attempts.Single().Provider);
        // Ecare's ৳19 pack is another pack: the recharge fails and is refunded instead.
        Assert.Equal(0, h.SubmissionsSeenBy(h.Ecare));
        Assert.Equal(RechargeStatus.Failed, r.Status);
        Assert.Equal(Money.FromTaka(1_000), await h.BalanceAsync());
        await h.AssertConsistentAsync();
    }

    [Fact]
    public async Task When_the_only_provider_listing_a_pack_refuses_it_the_recharge_fails_instead_of_buying_balance_elsewhere()
    {
        await AddPackAsync("Flexi", pricePoisha: 1_900);
        h.FlexiSubmit = FakeUpstream.Body("""{"success":false,"status":2,"message":"Not User"}""");

        var id = await h.PlaceAsync(PipelineHarness.Form(amount: "19"));

        Assert.Equal(RechargeStatus.Failed, (await h.LoadAsync(id)).Status);
        Assert.Equal(0, h.SubmissionsSeenBy(h.Ecare));
        Assert.Equal(Money.FromTaka(1_000), await h.BalanceAsync());
        await h.AssertConsistentAsync();
    }

    // ---- The sweeper: one bad recharge, and sends left between two providers ----

    [Fact]
    public async Task One_recharge_that_throws_does_not_stop_the_sweep_and_its_error_is_recorded_on_it()
    {
        await using var one = await PipelineHarness.StartAsync(new() { ["Recharge:MaxConcurrentChecks"] = "1" });
        var bad = await one.PlaceAsync();
        var good = await one.PlaceAsync(PipelineHarness.Form(number: "01712345672"));
        one.EcareStatus = FakeUpstream.Body(PipelineHarness.EcareSuccess);
        await using (var db = await one.App.DbAsync())
        {
            // A row the code cannot read (as a bad migration or a hand edit would leave it).
            await db.Database.ExecuteSqlInterpolatedAsync($"""UPDATE "Recharges" SET "Operator" = 'Nokia' WHERE "Id" = {bad}""");
        }

        var report = await one.AdvanceAndSweepAsync(TimeSpan.FromSeconds(5));

        Assert.Equal(1, report.Errors);
        Assert.Equal(RechargeStatus.Succeeded, (await one.LoadAsync(good)).Status);
        await using (var db = await one.App.DbAsync())
        {
            var error = await db.Database.SqlQuery<string>($"""SELECT "LastError" AS "Value" FROM "Recharges" WHERE "Id" = {bad}""").SingleAsync();
            Assert.Contains("Status check", error);
        }
    }

    [Fact]
    public async Task A_recharge_whose_check_keeps_throwing_is_retried_every_5_minutes_not_every_sweep_and_goes_to_review_after_its_deadline()
    {
        await using var one = await PipelineHarness.StartAsync();
        var bad = await one.PlaceAsync();
        await using (var db = await one.App.DbAsync())
        {
            await db.Database.ExecuteSqlInterpolatedAsync($"""UPDATE "Recharges" SET "Operator" = 'Nokia' WHERE "Id" = {bad}""");
        }

        var errors = 0;
        for (var minute = 0; minute < 10; minute++)
        {
            errors += (await one.AdvanceAndSweepAsync(TimeSpan.FromMinutes(1))).Errors;
        }

        // Due at its first check, then at most once every 5 minutes: 2 or 3 tries in 10 sweeps, not 10.
        Assert.InRange(errors, 2, 3);
        async Task<string> StatusAsync()
        {
            await using var db = await one.App.DbAsync();
            return await db.Database.SqlQuery<string>($"""SELECT "Status" AS "Value" FROM "Recharges" WHERE "Id" = {bad}""").SingleAsync();
        }

        Assert.Equal(nameof(RechargeStatus.Processing), await StatusAsync());

        await one.SweepUntilAsync(TimeSpan.FromMinutes(40));

        // Past its 30-minute deadline a person looks at it; the amount stays held meanwhile.
        Assert.Equal(nameof(RechargeStatus.NeedsReview), await StatusAsync());
        Assert.Equal(Money.FromTaka(900), await one.BalanceAsync());
    }

    [Fact]
    public async Task A_send_left_after_a_safe_refusal_is_taken_up_by_the_sweeper_at_the_next_provider()
    {
        var id = await LeaveRefusedAsync("Ecare");

        var report = await h.AdvanceAndSweepAsync(TimeSpan.FromMinutes(2));

        Assert.Equal(1, report.Resumed);
        var r = await h.LoadAsync(id);
        Assert.Equal(RechargeStatus.Processing, r.Status);
        Assert.Equal(["Ecare:Rejected", "Flexi:Accepted"], r.Attempts.OrderBy(a => a.Sequence).Select(a => $"{a.Provider}:{a.Outcome}"));
        Assert.Equal(1, h.SubmissionsSeenBy(h.Flexi));
        Assert.Equal(0, h.SubmissionsSeenBy(h.Ecare));
        Assert.Equal(Money.FromTaka(900), await h.BalanceAsync());
    }

    [Fact]
    public async Task A_send_left_after_every_provider_refused_it_is_failed_and_refunded_by_the_sweeper()
    {
        var id = await LeaveRefusedAsync("Ecare", "Flexi");

        await h.AdvanceAndSweepAsync(TimeSpan.FromMinutes(2));

        Assert.Equal(RechargeStatus.Failed, (await h.LoadAsync(id)).Status);
        Assert.Equal(0, h.SubmissionsSeenBy(h.Ecare) + h.SubmissionsSeenBy(h.Flexi));
        Assert.Equal(Money.FromTaka(1_000), await h.BalanceAsync());
        await h.AssertConsistentAsync();
    }

    // ---- Late answers that contradict the books ----

    [Fact]
    public async Task A_success_reported_after_the_refund_is_raised_for_review_once_and_an_admin_correction_takes_the_refund_back_once()
    {
        h.EcareStatus = FakeUpstream.Body(PipelineHarness.EcareFailed);
        var id = await h.PlaceAsync();
        await h.AdvanceAndSweepAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(RechargeStatus.Failed, (await h.LoadAsync(id)).Status);
        Assert.Equal(Money.FromTaka(1_000), await h.BalanceAsync());

        // The vendor flips: the operator did deliver it.
        h.EcareStatus = FakeUpstream.Body(PipelineHarness.EcareSuccess);
        await h.AdvanceAndSweepAsync(TimeSpan.FromMinutes(59));
        Assert.Empty(await ContradictionsAsync(id));

        var report = await h.AdvanceAndSweepAsync(TimeSpan.FromMinutes(2));

        Assert.Equal(1, report.LateChecked);
        var raised = Assert.Single(await ContradictionsAsync(id));
        Assert.Equal(RechargeStatus.Failed, raised.BooksSay);
        Assert.True(raised.ProviderSaysDelivered);
        Assert.Equal(RechargeStatus.Failed, (await h.LoadAsync(id)).Status);
        Assert.Equal(Money.FromTaka(1_000), await h.BalanceAsync());
        Assert.Equal(1, await Reviews.OpenContradictionsAsync());
        Assert.NotNull(Assert.Single(await Reviews.QueueAsync(await h.App.AdminActorAsync()), d => d.Recharge.Id == id).Contradiction);

        // One late check only: later sweeps do not ask again.
        var asked = StatusQueriesOf(id);
        await h.AdvanceAndSweepAsync(TimeSpan.FromHours(2));
        Assert.Equal(asked, StatusQueriesOf(id));

        var admin = await h.App.AdminActorAsync();
        var corrected = await Reviews.ResolveContradictionAsync(admin, raised.Id, correct: true, "Ecare ticket 5521: delivered at 12:03");
        var again = await Reviews.ResolveContradictionAsync(admin, raised.Id, correct: true, "clicked twice");

        Assert.True(corrected.Succeeded, corrected.Error);
        Assert.False(again.Succeeded);
        // Net effect of a delivered recharge: the amount less the commission it earns (৳100 − ৳2.50).
        Assert.Equal(new Money(90_250), await h.BalanceAsync());
        var entries = await h.EntriesOfAsync(id);
        Assert.Equal([LedgerKind.RechargeHold, LedgerKind.RechargeRefund, LedgerKind.Adjustment], entries.Select(e => e.Kind));
        Assert.Equal(admin.Email, entries[2].ActorEmail);
        Assert.Equal(0, await Reviews.OpenContradictionsAsync());
        Assert.DoesNotContain(await Reviews.QueueAsync(await h.App.AdminActorAsync()), d => d.Recharge.Id == id);
        Assert.Single(await AuditAsync(id, AuditActions.ContradictionCorrected));
        await h.AssertConsistentAsync();
    }

    [Fact]
    public async Task A_reversal_after_a_success_is_raised_for_review_and_dismissing_it_moves_no_money()
    {
        h.EcareStatus = FakeUpstream.Body(PipelineHarness.EcareSuccess);
        var id = await h.PlaceAsync();
        await h.AdvanceAndSweepAsync(TimeSpan.FromSeconds(5));
        var kept = await h.BalanceAsync();
        Assert.Equal(new Money(90_250), kept);

        h.EcareStatus = FakeUpstream.Body(PipelineHarness.EcareFailed);
        await h.AdvanceAndSweepAsync(TimeSpan.FromMinutes(61));

        var raised = Assert.Single(await ContradictionsAsync(id));
        Assert.Equal(RechargeStatus.Succeeded, raised.BooksSay);
        Assert.False(raised.ProviderSaysDelivered);
        Assert.Equal(kept, await h.BalanceAsync());

        var admin = await h.App.AdminActorAsync();
        var noNote = await Reviews.ResolveContradictionAsync(admin, raised.Id, correct: false, " ");
        var dismissed = await Reviews.ResolveContradictionAsync(admin, raised.Id, correct: false, "Operator confirms delivery; Ecare's status page is wrong");

        Assert.NotNull(noNote.ErrorFor("Note"));
        Assert.True(dismissed.Succeeded, dismissed.Error);
        Assert.Equal(kept, await h.BalanceAsync());
        Assert.Equal([LedgerKind.RechargeHold, LedgerKind.Commission], (await h.EntriesOfAsync(id)).Select(e => e.Kind));
        Assert.Single(await AuditAsync(id, AuditActions.ContradictionDismissed));
        await h.AssertConsistentAsync();
    }

    [Fact]
    public async Task A_correction_the_wallet_cannot_cover_is_refused_and_changes_nothing()
    {
        h.EcareStatus = FakeUpstream.Body(PipelineHarness.EcareFailed);
        var id = await h.PlaceAsync();
        await h.AdvanceAndSweepAsync(TimeSpan.FromSeconds(5));
        h.EcareStatus = FakeUpstream.Body(PipelineHarness.EcareSuccess);
        await h.AdvanceAndSweepAsync(TimeSpan.FromMinutes(61));
        var raised = Assert.Single(await ContradictionsAsync(id));
        var admin = await h.App.AdminActorAsync();
        Assert.True((await h.App.Services.GetRequiredService<WalletService>()
            .DebitAsync(admin, h.WalletId, Money.FromTaka(950), null, "cash paid out", Guid.NewGuid().ToString())).Succeeded);

        var result = await Reviews.ResolveContradictionAsync(admin, raised.Id, correct: true, "Ecare ticket 5521");

        Assert.False(result.Succeeded);
        Assert.Contains("holds only ৳50.00", result.Error);
        Assert.Equal(Money.FromTaka(50), await h.BalanceAsync());
        Assert.Equal(1, await Reviews.OpenContradictionsAsync());
        Assert.Empty(await AuditAsync(id, AuditActions.ContradictionCorrected));
        await h.AssertConsistentAsync();
    }

    // ---- Review: asked again every 15 minutes, and before any decision ----

    [Fact]
    public async Task A_recharge_in_review_is_asked_again_every_15_minutes_and_a_late_success_settles_it()
    {
        var id = await h.PlaceAsync();
        await h.SweepUntilAsync(TimeSpan.FromMinutes(31));
        Assert.Equal(RechargeStatus.NeedsReview, (await h.LoadAsync(id)).Status);

        h.EcareStatus = FakeUpstream.Body(PipelineHarness.EcareSuccess);
        await h.AdvanceAndSweepAsync(TimeSpan.FromMinutes(10));
        Assert.Equal(RechargeStatus.NeedsReview, (await h.LoadAsync(id)).Status);
        await h.AdvanceAndSweepAsync(TimeSpan.FromMinutes(6));

        Assert.Equal(RechargeStatus.Succeeded, (await h.LoadAsync(id)).Status);
        Assert.Equal(new Money(90_250), await h.BalanceAsync());
        await h.AssertConsistentAsync();
    }

    [Fact]
    public async Task Marking_failed_asks_the_provider_first_and_its_success_is_applied_instead_of_a_refund()
    {
        var id = await h.PlaceAsync();
        await h.SweepUntilAsync(TimeSpan.FromMinutes(31));
        Assert.Equal(RechargeStatus.NeedsReview, (await h.LoadAsync(id)).Status);
        h.EcareStatus = FakeUpstream.Body(PipelineHarness.EcareSuccess);

        var result = await Reviews.ResolveAsync(await h.App.AdminActorAsync(), id, successful: false, "Customer says nothing arrived", overrideAnswer: false);

        Assert.True(result.Succeeded, result.Error);
        Assert.Contains("Successful", result.Message);
        Assert.Contains("not your choice", result.Message);
        Assert.Equal(RechargeStatus.Succeeded, (await h.LoadAsync(id)).Status);
        Assert.Equal([LedgerKind.RechargeHold, LedgerKind.Commission], (await h.EntriesOfAsync(id)).Select(e => e.Kind));
        await h.AssertConsistentAsync();
    }

    // ---- What the database itself refuses ----

    [Fact]
    public async Task Ledger_entries_cannot_be_changed_or_removed_by_any_statement()
    {
        var id = await h.PlaceAsync();
        await using var db = await h.App.DbAsync();

        var update = await Assert.ThrowsAnyAsync<DbException>(() =>
            db.Database.ExecuteSqlInterpolatedAsync($"""UPDATE "LedgerEntries" SET "AmountPoisha" = 0 WHERE "RechargeId" = {id}"""));
        var delete = await Assert.ThrowsAnyAsync<DbException>(() =>
            db.Database.ExecuteSqlInterpolatedAsync($"""DELETE FROM "LedgerEntries" WHERE "RechargeId" = {id}"""));

        Assert.Contains("append-only", update.Message);
        Assert.Contains("append-only", delete.Message);
        Assert.Equal([LedgerKind.RechargeHold], (await h.EntriesOfAsync(id)).Select(e => e.Kind));
        await h.AssertConsistentAsync();
    }

    [Fact]
    public async Task The_database_refuses_a_second_attempt_while_one_was_not_refused()
    {
        var id = await h.PlaceAsync();
        await using var db = await h.App.DbAsync();

        var error = await Assert.ThrowsAnyAsync<DbException>(() => db.Database.ExecuteSqlInterpolatedAsync(
            $"""INSERT INTO "RechargeAttempts" ("RechargeId", "Sequence", "Provider", "UpstreamReference", "CreatedAtUtc", "Outcome") VALUES ({id}, 2, 'Flexi', 'X-2', '2026-11-22 06:00:00', 'Pending')"""));

        Assert.Contains("unique", error.Message, StringComparison.OrdinalIgnoreCase);
    }

    public static TheoryData<string, long, string> BadEntries => new()
    {
        { "Deposit", -100, "CK_LedgerEntries_KindSign" },
        { "Commission", -1, "CK_LedgerEntries_KindSign" },
        { "Withdrawal", 100, "CK_LedgerEntries_KindSign" },
        { "RechargeHold", 100, "CK_LedgerEntries_KindSign" },
        { "RechargeRefund", -100, "CK_LedgerEntries_KindSign" },
        // A recharge's entry without its recharge, and a deposit that claims one.
        { "RechargeRefund", 100, "CK_LedgerEntries_KindRecharge" },
        { "Deposit", 100, "CK_LedgerEntries_KindRecharge" },
    };

    [Theory]
    [MemberData(nameof(BadEntries))]
    public async Task Each_ledger_kind_moves_money_its_own_way_only(string kind, long amount, string check)
    {
        var id = await h.PlaceAsync();
        await using var db = await h.App.DbAsync();

        var forRecharge = kind is "RechargeHold" or "RechargeRefund" or "Commission" ? id : (long?)null;
        if (check == "CK_LedgerEntries_KindRecharge")
        {
            forRecharge = forRecharge is null ? id : null;
        }

        var error = await Assert.ThrowsAnyAsync<DbException>(() => InsertEntryAsync(db, kind, amount, forRecharge));

        Assert.Contains(check, error.Message);
    }

    [Fact]
    public async Task A_ledger_entry_must_name_a_recharge_that_exists()
    {
        await using var db = await h.App.DbAsync();

        var error = await Assert.ThrowsAnyAsync<DbException>(() => InsertEntryAsync(db, "RechargeRefund", 100, 999_999));

        Assert.Contains("foreign key", error.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task The_ledger_audit_finds_a_wallet_whose_balance_is_not_the_sum_of_its_entries_and_health_reports_it()
    {
        await h.PlaceAsync();
        var audit = h.App.Services.GetRequiredService<LedgerAuditService>();
        var clean = await audit.RunAsync();
        Assert.True(clean.Clean, clean.Summary);
        Assert.Equal("healthy", (await HealthAsync()).GetProperty("status").GetString());

        await using (var db = await h.App.DbAsync())
        {
            // What a hand edit or a bug outside the wallet service would do.
            await db.Database.ExecuteSqlInterpolatedAsync($"""UPDATE "Wallets" SET "BalancePoisha" = "BalancePoisha" + 1 WHERE "Id" = {h.WalletId}""");
        }

        await h.App.Services.GetRequiredService<LedgerAuditJob>().RunAsync(CancellationToken.None);

        var found = Assert.Single(audit.Last!.Differences);
        Assert.Equal(h.WalletId, found.WalletId);
        Assert.Equal(new Money(90_001), found.Balance);
        Assert.Equal(Money.FromTaka(900), found.SumOfEntries);
        var health = await HealthAsync();
        Assert.Equal("degraded", health.GetProperty("status").GetString());
        Assert.Contains($"wallet {h.WalletId}", health.GetProperty("ledger").GetString());

        // Another instance on the same database, which ran no audit itself, reports the stored one (its dashboard too).
        await using var other = h.NewApp();
        Assert.Null(other.Services.GetRequiredService<LedgerAuditService>().Last);
        var response = await other.CreateBrowserlikeClient().GetAsync("/health");
        var elsewhere = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("degraded", elsewhere.GetProperty("status").GetString());
        Assert.Contains($"wallet {h.WalletId}", elsewhere.GetProperty("ledger").GetString());
        var latest = await other.Services.GetRequiredService<LedgerAuditService>().LatestAsync();
        Assert.Equal((false, 1), (latest!.Clean, latest.Differences));
    }

    // ---- Helpers ----

    private async Task<JsonElement> HealthAsync()
    {
        var response = await h.App.CreateBrowserlikeClient().GetAsync("/health");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    private static Task<int> InsertEntryAsync(Microsoft.EntityFrameworkCore.DbContext db, string kind, long amount, long? rechargeId) =>
        db.Database.ExecuteSqlInterpolatedAsync(
            $"""
            INSERT INTO "LedgerEntries" ("WalletId", "Kind", "AmountPoisha", "BalanceAfterPoisha", "AtUtc", "ActorEmail", "Memo", "RechargeId")
            SELECT "Id", {kind}, {amount}, "BalancePoisha" + {amount}, '2026-11-22 06:00:00', 'sql', 'hand edit', CAST({rechargeId} AS BIGINT) FROM "Wallets" LIMIT 1
            """);

    private async Task<long> AddPackAsync(string provider, long pricePoisha, string internet = "1 GB")
    {
        await using var db = await h.App.DbAsync();
        var pack = OfferPack.From(provider,
            new OfferPackInfo(MobileOperator.Grameenphone, NumberType.Prepaid, OfferType.Internet, pricePoisha, 50, null, internet, null, null, "3 Days", null, true),
            PipelineHarness.At(0));
        db.Add(pack);
        await db.SaveChangesAsync();
        return pack.Id;
    }

    /// <summary>What an instance that died between a safe refusal and the next attempt leaves: the hold and refused attempts.</summary>
    private async Task<long> LeaveRefusedAsync(params string[] refusedBy)
    {
        await using var db = await h.App.DbAsync();
        await using var tx = await db.Database.BeginTransactionAsync();
        var now = h.Time.GetUtcNow().UtcDateTime;
        var order = new RechargeOrder("01712345671", MobileOperator.Grameenphone, NumberType.Prepaid, Money.FromTaka(100));
        var recharge = Recharge.Create(RechargeWording.NewReference(now), Guid.NewGuid().ToString("N"), h.Reseller.UserId, h.WalletId, order, new Money(250), null, now);
        db.Add(recharge);
        await db.SaveChangesAsync();
        Assert.Equal(WalletOutcome.Applied, (await h.App.Services.GetRequiredService<WalletService>()
            .HoldAsync(db, h.Reseller.UserId, recharge.Id, order.Amount, "hold")).Outcome);
        foreach (var provider in refusedBy)
        {
            var attempt = recharge.BeginAttempt(provider, RechargeWording.UpstreamReference(now, recharge.Id, recharge.Attempts.Count + 1), now);
            await db.SaveChangesAsync();
            recharge.MarkRejected(attempt, "insufficient balance at the provider", now);
            await db.SaveChangesAsync();
        }

        await tx.CommitAsync();
        return recharge.Id;
    }

    private async Task<List<RechargeContradiction>> ContradictionsAsync(long rechargeId)
    {
        await using var db = await h.App.DbAsync();
        return await db.Set<RechargeContradiction>().AsNoTracking().Where(c => c.RechargeId == rechargeId).ToListAsync();
    }

    private async Task<List<AuditEntry>> AuditAsync(long rechargeId, string action)
    {
        await using var db = await h.App.DbAsync();
        var target = rechargeId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return await db.AuditEntries.AsNoTracking().Where(a => a.Action == action && a.TargetId == target).ToListAsync();
    }

    private int StatusQueriesOf(long rechargeId)
    {
        using var db = h.App.Services.GetRequiredService<IDbContextFactory<RechargePortal.Data.PortalDbContext>>().CreateDbContext();
        var references = db.Set<RechargeAttempt>().Where(a => a.RechargeId == rechargeId).Select(a => a.UpstreamReference).ToList();
        return h.Ecare.Requests.Count(r => r.Query.GetValueOrDefault("service") == "MRCSTATUS" && references.Contains(r.Query.GetValueOrDefault("refid") ?? ""));
    }
}

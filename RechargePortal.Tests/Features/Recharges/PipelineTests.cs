using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using RechargePortal.Features.Recharges;
using RechargePortal.Features.Wallets;
using RechargePortal.Providers;
using RechargePortal.Providers.Routing;
using RechargePortal.Security;
using RechargePortal.Tests.TestSupport;

namespace RechargePortal.Tests.Features.Recharges;

/// <summary>The pipeline against fake vendors on 127.0.0.1: every test checks the wallet and the ledger afterwards.</summary>
public sealed class PipelineTests : IAsyncLifetime
{
    private PipelineHarness h = null!;

    public async Task InitializeAsync() => h = await PipelineHarness.StartAsync();

    public async Task DisposeAsync() => await h.DisposeAsync();

    [Fact]
    public async Task Success_holds_the_amount_then_credits_commission_once()
    {
        var id = await h.PlaceAsync();

        var sent = await h.LoadAsync(id);
        Assert.Equal(RechargeStatus.Processing, sent.Status);
        Assert.True(sent.OutcomeKnown);
        Assert.Equal(Money.FromTaka(900), await h.BalanceAsync());
        Assert.Equal(PipelineHarness.At(5), sent.NextCheckAtUtc);

        h.EcareStatus = FakeUpstream.Body(PipelineHarness.EcareSuccess);
        var report = await h.AdvanceAndSweepAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(1, report.Checked);

        var done = await h.LoadAsync(id);
        Assert.Equal(RechargeStatus.Succeeded, done.Status);
        Assert.Equal("R221126.0600.1", done.OperatorTrxId);
        Assert.Equal(new Money(90_000 + 250), await h.BalanceAsync());

        // Later sweeps and a forced check change nothing.
        await h.AdvanceAndSweepAsync(TimeSpan.FromMinutes(5));
        Assert.Equal(CheckOutcome.NothingToCheck, await h.Processor.CheckAsync(id, dueOnly: false));
        var entries = await h.EntriesOfAsync(id);
        Assert.Equal([LedgerKind.RechargeHold, LedgerKind.Commission], entries.Select(e => e.Kind));
        Assert.Equal(250, entries[1].AmountPoisha);
        Assert.Equal(1, h.SubmissionsSeenBy(h.Ecare));
        await h.AssertConsistentAsync();
    }

    [Fact]
    public async Task Failure_is_refunded_exactly_once_even_when_checks_run_concurrently()
    {
        var id = await h.PlaceAsync();
        // The vendor holds its answer until the other three checks have come back: all four run at the same time.
        var asked = 0;
        var othersBack = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        h.EcareStatus = async context =>
        {
            Interlocked.Increment(ref asked);
            await othersBack.Task.WaitAsync(TimeSpan.FromSeconds(30));
            await FakeUpstream.Body(PipelineHarness.EcareFailed)(context);
        };
        h.Time.Advance(TimeSpan.FromSeconds(5));

        var checks = new[]
        {
            h.Processor.CheckAsync(id, dueOnly: false), h.Processor.CheckAsync(id, dueOnly: false),
            h.Processor.CheckAsync(id, dueOnly: true), h.Processor.CheckAsync(id, dueOnly: true),
        };
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (checks.Count(c => c.IsCompleted) < 3 && waited.Elapsed < TimeSpan.FromSeconds(30))
        {
            await Task.Delay(20);
        }

        var firstThree = checks.Where(c => c.IsCompleted).Select(c => c.Result).ToList();
        var stillAsking = checks.Where(c => !c.IsCompleted).ToList();
        othersBack.SetResult();
        var last = await Assert.Single(stillAsking);

        // One check claimed the recharge and asked; the others saw the claim and asked nothing.
        Assert.Equal([CheckOutcome.BeingChecked, CheckOutcome.BeingChecked, CheckOutcome.BeingChecked], firstThree);
        Assert.Equal(CheckOutcome.Failed, last);
        Assert.Equal(1, asked);
        var done = await h.LoadAsync(id);
        Assert.Equal(RechargeStatus.Failed, done.Status);
        Assert.Contains("Recharge failed at operator", done.StatusReason);
        Assert.Null(done.CheckClaimedBy);
        Assert.Null(done.CheckClaimedUntilUtc);
        // The reseller is told what happened, not which provider serves them nor its raw text.
        var seen = await h.Recharges.FindAsync(h.Reseller, id);
        Assert.Equal("The operator did not deliver it.", seen!.StatusReason);
        Assert.Null(seen.Provider);
        var otherReseller = await h.App.NewActorAsync(Roles.Reseller);
        await Assert.ThrowsAsync<AccessRefusedException>(() => h.Recharges.FindAsync(otherReseller, id));
        Assert.Equal(Money.FromTaka(1_000), await h.BalanceAsync());
        Assert.Equal([LedgerKind.RechargeHold, LedgerKind.RechargeRefund], (await h.EntriesOfAsync(id)).Select(e => e.Kind));
        await h.AssertConsistentAsync();
    }

    [Fact]
    public async Task A_recharge_failed_before_it_was_ever_sent_gets_its_late_check_without_an_error()
    {
        // Both providers paused: it fails and is refunded without ever being sent (no attempt to ask about).
        var providers = h.App.Services.GetRequiredService<ProviderAdminService>();
        var admin = await h.App.AdminActorAsync();
        Assert.True((await providers.SetPausedAsync(admin, "Ecare", true)).Succeeded);
        Assert.True((await providers.SetPausedAsync(admin, "Flexi", true)).Succeeded);
        var id = await h.PlaceAsync();
        var failed = await h.LoadAsync(id);
        Assert.Equal(RechargeStatus.Failed, failed.Status);
        Assert.Empty(failed.Attempts);

        // An hour later its late check has nothing to ask: it is marked, and nothing is logged as an error.
        var report = await h.AdvanceAndSweepAsync(TimeSpan.FromMinutes(61));

        Assert.Equal(0, report.Errors);
        Assert.Equal(1, report.LateChecked);
        var late = await h.LoadAsync(id);
        Assert.NotNull(late.LateCheckedAtUtc);
        Assert.Null(late.LastError);
        Assert.Null(late.CheckClaimedBy);
        Assert.Equal(Money.FromTaka(1_000), await h.BalanceAsync());
        await h.AssertConsistentAsync();
    }

    [Fact]
    public async Task A_check_claim_left_by_a_dead_instance_holds_until_its_lease_lapses_then_the_sweep_takes_the_recharge()
    {
        var id = await h.PlaceAsync();
        h.EcareStatus = FakeUpstream.Body(PipelineHarness.EcareSuccess);
        // Another instance claimed it and died while asking (killed: its claim was never given back).
        var lapses = PipelineHarness.At(5).AddSeconds(90);
        await using (var db = await h.App.DbAsync())
        {
            await db.Set<Recharge>().Where(r => r.Id == id).ExecuteUpdateAsync(s => s
                .SetProperty(r => r.CheckClaimedBy, "portal-b/killed")
                .SetProperty(r => r.CheckClaimedUntilUtc, lapses));
        }

        // While the lease runs, no sweep and no scheduled check asks: the other instance may still be asking.
        var report = await h.AdvanceAndSweepAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(0, report.Checked);
        Assert.Equal(CheckOutcome.BeingChecked, await h.Processor.CheckAsync(id, dueOnly: true));
        await h.AdvanceAndSweepAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(0, StatusQueries());
        Assert.Equal(RechargeStatus.Processing, (await h.LoadAsync(id)).Status);

        // Once it lapses, the next sweep claims it, asks once and settles it.
        report = await h.AdvanceAndSweepAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(1, report.Checked);
        Assert.Equal(1, StatusQueries());
        var done = await h.LoadAsync(id);
        Assert.Equal(RechargeStatus.Succeeded, done.Status);
        Assert.Null(done.CheckClaimedBy);
        Assert.Equal([LedgerKind.RechargeHold, LedgerKind.Commission], (await h.EntriesOfAsync(id)).Select(e => e.Kind));
        await h.AssertConsistentAsync();

        int StatusQueries() => h.Ecare.Requests.Count(r => r.Query.GetValueOrDefault("service") == "MRCSTATUS");
    }

    [Fact]
    public async Task A_definite_refusal_at_the_first_provider_goes_to_the_second_with_one_hold()
    {
        h.EcareSubmit = FakeUpstream.Body(PipelineHarness.EcareLowBalance);
        h.FlexiStatus = FakeUpstream.Body("""{"posotion":1,"trxid":FX1001,"lastbalance":"102", "status":"1"}""");

        var id = await h.PlaceAsync();
        var sent = await h.LoadAsync(id);
        Assert.Equal(RechargeStatus.Processing, sent.Status);
        Assert.Equal("Flexi", sent.Provider);
        Assert.Equal(2, sent.Attempts.Count);
        Assert.Equal([AttemptOutcome.Rejected, AttemptOutcome.Accepted], sent.Attempts.OrderBy(a => a.Sequence).Select(a => a.Outcome));
        Assert.NotEqual(sent.Attempts[0].UpstreamReference, sent.Attempts[1].UpstreamReference);
        // Each attempt went out under its own reference, and the call log keeps both.
        Assert.Contains(h.Ecare.Requests, r => r.Query.GetValueOrDefault("refid") == sent.Attempts.Single(a => a.Sequence == 1).UpstreamReference);
        Assert.Contains(h.Flexi.Requests, r => r.Form.GetValueOrDefault("id") == sent.Attempts.Single(a => a.Sequence == 2).UpstreamReference);

        await h.AdvanceAndSweepAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(RechargeStatus.Succeeded, (await h.LoadAsync(id)).Status);
        Assert.Equal([LedgerKind.RechargeHold, LedgerKind.Commission], (await h.EntriesOfAsync(id)).Select(e => e.Kind));
        Assert.Equal(1, h.SubmissionsSeenBy(h.Ecare));
        Assert.Equal(1, h.SubmissionsSeenBy(h.Flexi));
        await h.AssertConsistentAsync();
    }

    [Fact]
    public async Task A_refusal_that_is_not_safe_elsewhere_fails_and_refunds_without_trying_the_next_provider()
    {
        h.EcareSubmit = FakeUpstream.Body("""{"STATUS":"FAILED","RECHARGE_STATUS":"FAILED","MESSAGE":"Recharge Request Failed."}""");

        var id = await h.PlaceAsync();

        var done = await h.LoadAsync(id);
        Assert.Equal(RechargeStatus.Failed, done.Status);
        Assert.Equal(0, h.SubmissionsSeenBy(h.Flexi));
        Assert.Equal(Money.FromTaka(1_000), await h.BalanceAsync());
        Assert.Equal([LedgerKind.RechargeHold, LedgerKind.RechargeRefund], (await h.EntriesOfAsync(id)).Select(e => e.Kind));
        await h.AssertConsistentAsync();
    }

    [Fact]
    public async Task Refused_by_every_provider_fails_once_and_refunds()
    {
        h.EcareSubmit = FakeUpstream.Body(PipelineHarness.EcareLowBalance);
        h.FlexiSubmit = FakeUpstream.Body("""{"success":false,"status":2,"message":"Not User"}""");

        var id = await h.PlaceAsync();

        var done = await h.LoadAsync(id);
        Assert.Equal(RechargeStatus.Failed, done.Status);
        Assert.Contains("Not User", done.StatusReason);
        Assert.Equal(Money.FromTaka(1_000), await h.BalanceAsync());
        await h.AssertConsistentAsync();
    }

    [Fact]
    public async Task A_paused_provider_is_skipped()
    {
        var admin = h.App.Services.GetRequiredService<ProviderAdminService>();
        Assert.True((await admin.SetPausedAsync(await h.App.AdminActorAsync(), "Ecare", paused: true)).Succeeded);

        var id = await h.PlaceAsync();

        Assert.Equal("Flexi", (await h.LoadAsync(id)).Provider);
        Assert.Equal(0, h.SubmissionsSeenBy(h.Ecare));
        await h.AssertConsistentAsync();
    }

    [Fact]
    public async Task An_admin_route_decides_the_order()
    {
        var routing = h.App.Services.GetRequiredService<RoutingService>();
        Assert.True((await routing.SetRouteAsync(await h.App.AdminActorAsync(), MobileOperator.Grameenphone, ["Flexi", "Ecare"])).Succeeded);

        var gp = await h.PlaceAsync();
        var robi = await h.PlaceAsync(PipelineHarness.Form(number: "01812345671"));

        Assert.Equal("Flexi", (await h.LoadAsync(gp)).Provider);
        Assert.Equal("Ecare", (await h.LoadAsync(robi)).Provider);
    }

    public static TheoryData<string> LostReplies => new() { "timeout", "cut" };

    [Theory]
    [MemberData(nameof(LostReplies))]
    public async Task A_lost_reply_is_unknown_never_retried_elsewhere_and_a_later_success_keeps_the_money(string how)
    {
        h.EcareSubmit = how == "timeout"
            ? async context => await Task.Delay(Timeout.Infinite, context.RequestAborted).ContinueWith(_ => { })
            : async context =>
            {
                context.Response.ContentLength = 4096;
                await context.Response.WriteAsync("""{"STATUS":"OK","RECH""");
                await context.Response.Body.FlushAsync();
                context.Abort();
            };

        var id = await h.PlaceAsync();

        var sent = await h.LoadAsync(id);
        Assert.Equal(RechargeStatus.Processing, sent.Status);
        Assert.False(sent.OutcomeKnown);
        Assert.Equal(AttemptOutcome.Unknown, sent.Attempts.Single().Outcome);
        Assert.Equal(0, h.SubmissionsSeenBy(h.Flexi));
        Assert.Equal(Money.FromTaka(900), await h.BalanceAsync());

        // The upstream had recorded it: the status query says it went through.
        h.EcareStatus = FakeUpstream.Body(PipelineHarness.EcareSuccess);
        await h.AdvanceAndSweepAsync(TimeSpan.FromSeconds(5));

        Assert.Equal(RechargeStatus.Succeeded, (await h.LoadAsync(id)).Status);
        Assert.Equal([LedgerKind.RechargeHold, LedgerKind.Commission], (await h.EntriesOfAsync(id)).Select(e => e.Kind));
        Assert.Equal(1, h.SubmissionsSeenBy(h.Ecare));
        await h.AssertConsistentAsync();
    }

    [Fact]
    public async Task Not_found_after_an_unknown_submission_is_refunded_only_after_the_grace_period()
    {
        h.EcareSubmit = FakeUpstream.Body("<html><body>502 Bad Gateway</body></html>", 502);
        h.EcareStatus = FakeUpstream.Body(PipelineHarness.EcareInvalidRef);
        var id = await h.PlaceAsync();
        Assert.False((await h.LoadAsync(id)).OutcomeKnown);

        // Inside the grace period "no such recharge" may only mean "not arrived yet".
        for (var i = 0; i < 6; i++)
        {
            await h.AdvanceAndSweepAsync(TimeSpan.FromSeconds(30));
        }

        Assert.Equal(RechargeStatus.Processing, (await h.LoadAsync(id)).Status);
        Assert.Equal(Money.FromTaka(900), await h.BalanceAsync());

        await h.AdvanceAndSweepAsync(TimeSpan.FromMinutes(3));

        var done = await h.LoadAsync(id);
        Assert.Equal(RechargeStatus.Failed, done.Status);
        Assert.Contains("never reached", done.StatusReason);
        Assert.Equal(Money.FromTaka(1_000), await h.BalanceAsync());
        await h.AssertConsistentAsync();
    }

    [Fact]
    public async Task Not_found_for_an_accepted_recharge_is_never_a_refund_it_goes_to_review_at_the_deadline()
    {
        h.EcareStatus = FakeUpstream.Body(PipelineHarness.EcareInvalidRef);
        var id = await h.PlaceAsync();

        await h.SweepUntilAsync(TimeSpan.FromMinutes(29));
        Assert.Equal(RechargeStatus.Processing, (await h.LoadAsync(id)).Status);

        await h.SweepUntilAsync(TimeSpan.FromMinutes(36));
        var review = await h.LoadAsync(id);
        Assert.Equal(RechargeStatus.NeedsReview, review.Status);
        Assert.Equal(review.LastCheckAtUtc + RechargeProcessor.ReviewRecheck, review.NextCheckAtUtc);
        Assert.Equal(Money.FromTaka(900), await h.BalanceAsync());
        Assert.Equal([LedgerKind.RechargeHold], (await h.EntriesOfAsync(id)).Select(e => e.Kind));
        await h.AssertConsistentAsync();
    }

    [Fact]
    public async Task Stuck_processing_goes_to_review_at_the_deadline_with_the_money_held_and_checks_back_off()
    {
        var id = await h.PlaceAsync();

        await h.SweepUntilAsync(TimeSpan.FromMinutes(29));
        var before = await h.LoadAsync(id);
        Assert.Equal(RechargeStatus.Processing, before.Status);
        // Backoff: 5, 10, 20, 30, 60, 120 s, then every 5 minutes — not a check every sweep.
        Assert.InRange(before.ChecksDone, 8, 12);

        await h.SweepUntilAsync(TimeSpan.FromMinutes(36));
        var review = await h.LoadAsync(id);
        Assert.Equal(RechargeStatus.NeedsReview, review.Status);
        Assert.Contains("deadline", review.StatusReason);
        Assert.Equal(Money.FromTaka(900), await h.BalanceAsync());

        // In review nothing runs by itself, until the provider gives a final answer to a check.
        await h.SweepUntilAsync(TimeSpan.FromMinutes(60));
        Assert.Equal(RechargeStatus.NeedsReview, (await h.LoadAsync(id)).Status);
        h.EcareStatus = FakeUpstream.Body(PipelineHarness.EcareSuccess);
        Assert.Equal(CheckOutcome.Succeeded, await h.Processor.CheckAsync(id, dueOnly: false));
        Assert.Equal(new Money(90_250), await h.BalanceAsync());
        await h.AssertConsistentAsync();
    }

    [Fact]
    public async Task The_same_client_request_id_places_one_recharge_however_often_it_is_sent()
    {
        var requestId = Guid.NewGuid().ToString("N");
        var results = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ =>
            Task.Run(() => h.Recharges.PlaceAndSendAsync(h.Reseller, PipelineHarness.Form(), requestId, confirmDuplicate: false))));

        Assert.All(results, r => Assert.True(r.Succeeded, r.Error));
        Assert.Single(results.Select(r => r.RechargeId).Distinct());
        await using var db = await h.App.DbAsync();
        Assert.Equal(1, await db.Set<Recharge>().CountAsync());
        Assert.Equal(1, h.SubmissionsSeenBy(h.Ecare));
        Assert.Equal(Money.FromTaka(900), await h.BalanceAsync());
        await h.AssertConsistentAsync();
    }

    [Fact]
    public async Task A_locked_reseller_is_refused_and_nothing_is_held_or_sent()
    {
        var users = h.App.Services.GetRequiredService<RechargePortal.Features.Users.UserAdminService>();
        Assert.True((await users.LockAsync(await h.App.AdminActorAsync(), h.Reseller.UserId)).Succeeded);

        var result = await h.Recharges.PlaceAndSendAsync(h.Reseller, PipelineHarness.Form(), Guid.NewGuid().ToString("N"), false);

        Assert.False(result.Succeeded);
        Assert.Contains("locked", result.Error);
        await AssertNothingHappenedAsync();
    }

    public static TheoryData<RechargeForm, string> BadInput => new()
    {
        { PipelineHarness.Form(number: "0171234567"), RechargeFields.Number },
        { PipelineHarness.Form(number: "01712x45671"), RechargeFields.Number },
        { PipelineHarness.Form(number: "01212345671"), RechargeFields.Number },
        { PipelineHarness.Form(amount: "10"), RechargeFields.Amount },
        { PipelineHarness.Form(amount: "25"), RechargeFields.Amount },
        { PipelineHarness.Form(amount: "5001"), RechargeFields.Amount },
        { PipelineHarness.Form(amount: "100.50"), RechargeFields.Amount },
        { PipelineHarness.Form(amount: "-100"), RechargeFields.Amount },
        { PipelineHarness.Form(number: "01812345671", type: NumberType.Skitto), RechargeFields.NumberType },
    };

    [Theory]
    [MemberData(nameof(BadInput))]
    public async Task Bad_input_is_refused_beside_its_field_and_nothing_is_held_or_sent(RechargeForm form, string field)
    {
        var result = await h.Recharges.PlaceAndSendAsync(h.Reseller, form, Guid.NewGuid().ToString("N"), false);

        Assert.False(result.Succeeded);
        Assert.True(result.Errors.ContainsKey(field), $"expected an error on {field}, got {string.Join(", ", result.Errors.Keys)}");
        await AssertNothingHappenedAsync();
    }

    [Fact]
    public async Task More_than_the_wallet_holds_is_refused_and_nothing_is_sent()
    {
        var result = await h.Recharges.PlaceAndSendAsync(h.Reseller, PipelineHarness.Form(amount: "1500"), Guid.NewGuid().ToString("N"), false);

        Assert.False(result.Succeeded);
        Assert.Contains("৳1,000.00", result.Errors[RechargeFields.Amount]);
        await AssertNothingHappenedAsync();
    }

    [Fact]
    public async Task The_same_number_and_amount_again_within_minutes_needs_explicit_confirmation()
    {
        await h.PlaceAsync();

        var again = await h.Recharges.PlaceAndSendAsync(h.Reseller, PipelineHarness.Form(), Guid.NewGuid().ToString("N"), confirmDuplicate: false);
        Assert.False(again.Succeeded);
        Assert.NotNull(again.DuplicateOf);
        Assert.Equal(Money.FromTaka(900), await h.BalanceAsync());

        var confirmed = await h.Recharges.PlaceAndSendAsync(h.Reseller, PipelineHarness.Form(), Guid.NewGuid().ToString("N"), confirmDuplicate: true);
        Assert.True(confirmed.Succeeded);

        h.Time.Advance(TimeSpan.FromMinutes(6));
        var later = await h.Recharges.PlaceAndSendAsync(h.Reseller, PipelineHarness.Form(), Guid.NewGuid().ToString("N"), confirmDuplicate: false);
        Assert.True(later.Succeeded);
        Assert.Equal(Money.FromTaka(700), await h.BalanceAsync());
    }

    [Fact]
    public async Task Daily_limits_count_the_bangladesh_day_and_not_failed_recharges()
    {
        await using var limited = await PipelineHarness.StartAsync(new() { ["Recharge:DailyCountLimit"] = "2", ["Recharge:DailyAmountLimit"] = "250" });
        await limited.PlaceAsync(PipelineHarness.Form(amount: "100"));
        var overAmount = await limited.Recharges.PlaceAndSendAsync(limited.Reseller, PipelineHarness.Form(amount: "200"), Guid.NewGuid().ToString("N"), true);
        Assert.Contains("৳150.00 left", overAmount.Errors[RechargeFields.Amount]);

        await limited.PlaceAsync(PipelineHarness.Form(amount: "100"));
        var overCount = await limited.Recharges.PlaceAndSendAsync(limited.Reseller, PipelineHarness.Form(amount: "30"), Guid.NewGuid().ToString("N"), true);
        Assert.Contains("limit of 2 recharges", overCount.Error);

        // 06:00 UTC is noon in Dhaka; 18:00 UTC is midnight: a new day.
        limited.Time.Advance(TimeSpan.FromHours(12));
        await limited.PlaceAsync(PipelineHarness.Form(amount: "100"));
        await limited.AssertConsistentAsync();
    }

    [Fact]
    public async Task A_pack_price_buys_the_pack_is_exempt_from_the_limits_and_earns_the_plan_rate()
    {
        await using (var db = await h.App.DbAsync())
        {
            db.Add(RechargePortal.Features.Offers.OfferPack.From("Ecare",
                new OfferPackInfo(MobileOperator.Grameenphone, NumberType.Prepaid, OfferType.Internet, 1_900, 50, null, "1 GB", null, null, "3 Days", null, true),
                PipelineHarness.Start.UtcDateTime));
            await db.SaveChangesAsync();
        }

        var quote = await h.Recharges.QuoteAsync(h.Reseller, PipelineHarness.Form(amount: "19"));

        Assert.True(quote.Succeeded, string.Join("; ", quote.Errors.Values));
        Assert.Contains("1 GB", quote.Quote!.Pack!.Description);
        var id = await h.PlaceAsync(PipelineHarness.Form(amount: "19"));
        Assert.Contains("1 GB", (await h.LoadAsync(id)).OfferPack);
    }

    private async Task AssertNothingHappenedAsync()
    {
        await using var db = await h.App.DbAsync();
        Assert.Equal(0, await db.Set<Recharge>().CountAsync());
        Assert.Equal(0, await db.LedgerEntries.CountAsync(e => e.RechargeId != null));
        Assert.Equal(Money.FromTaka(1_000), await h.BalanceAsync());
        Assert.Equal(0, h.SubmissionsSeenBy(h.Ecare) + h.SubmissionsSeenBy(h.Flexi));
        await h.AssertConsistentAsync();
    }
}

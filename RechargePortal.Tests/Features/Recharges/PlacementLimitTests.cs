using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using RechargePortal.Components.Shared;
using RechargePortal.Features.Audit;
using RechargePortal.Features.Recharges;
using RechargePortal.Features.Users;
using RechargePortal.Features.Wallets;
using RechargePortal.Security;
using RechargePortal.Tests.TestSupport;

namespace RechargePortal.Tests.Features.Recharges;

/// <summary>
/// The abuse limits on placing recharges (issue 11): attempts per reseller per minute and failed recharges per
/// Bangladesh day, counted in the database. A refusal is a <see cref="PlaceResult.Refusal"/> an API maps to 429.
/// </summary>
public sealed class PlacementLimitTests
{
    private const string FailsAtTheOperator = """{"STATUS":"FAILED","RECHARGE_STATUS":"FAILED","MESSAGE":"Recharge Request Failed."}""";

    private static Dictionary<string, string?> PerMinute(int limit) => new() { ["RateLimits:RechargesPerResellerPerMinute"] = limit.ToString() };

    private static Task<PlaceResult> TryPlaceAsync(PipelineHarness h, Actor reseller, string amount = "20", string number = "01812345671") =>
        h.Recharges.PlaceAndSendAsync(reseller, PipelineHarness.Form(number: number, amount: amount), Guid.NewGuid().ToString("N"), confirmDuplicate: true);

    private static async Task<int> RechargesOfAsync(PipelineHarness h, string resellerId)
    {
        await using var db = await h.App.DbAsync();
        return await db.Set<Recharge>().CountAsync(r => r.ResellerId == resellerId);
    }

    private static async Task<Actor> ResellerAsync(PipelineHarness h, long balanceTaka)
    {
        var (userId, _) = await h.App.CreateFundedResellerAsync(Money.FromTaka(balanceTaka));
        await using var db = await h.App.DbAsync();
        var user = await db.Users.AsNoTracking().SingleAsync(u => u.Id == userId);
        return new Actor(user.Id, user.Email!, user.SecurityStamp);
    }

    private static async Task<Money> BalanceOfAsync(PipelineHarness h, string userId) =>
        (await h.App.Services.GetRequiredService<WalletService>().FindByUserAsync(await h.App.AdminActorAsync(), userId))!.Balance;

    [Fact]
    public async Task The_121st_placement_within_a_minute_is_refused_with_the_reason_and_nothing_is_held_or_sent_and_after_the_minute_it_is_placed()
    {
        await using var h = await PipelineHarness.StartAsync();
        var reseller = await ResellerAsync(h, 5_000);
        for (var i = 0; i < 120; i++)
        {
            var placed = await TryPlaceAsync(h, reseller);
            Assert.True(placed.Succeeded, placed.Error);
        }

        var balance = await BalanceOfAsync(h, reseller.UserId);
        var sent = h.SubmissionsSeenBy(h.Ecare) + h.SubmissionsSeenBy(h.Flexi);

        var refused = await TryPlaceAsync(h, reseller);

        Assert.False(refused.Succeeded);
        Assert.Equal(PlaceRefusal.RateLimited, refused.Refusal);
        Assert.Equal(TimeSpan.FromSeconds(60), refused.RetryAfter);
        Assert.Equal("Too many recharges: at most 120 a minute. Try again in 60 seconds. Nothing was charged.", refused.Error);
        Assert.Equal(balance, await BalanceOfAsync(h, reseller.UserId));
        Assert.Equal(120, await RechargesOfAsync(h, reseller.UserId));
        Assert.Equal(sent, h.SubmissionsSeenBy(h.Ecare) + h.SubmissionsSeenBy(h.Flexi));
        await using (var db = await h.App.DbAsync())
        {
            // A refusal by the limit itself is no attempt: hammering past it writes nothing.
            Assert.Equal(0, await db.Set<RefusedPlacement>().CountAsync());
        }

        h.Time.Advance(TimeSpan.FromSeconds(59));
        Assert.Equal(TimeSpan.FromSeconds(1), (await TryPlaceAsync(h, reseller)).RetryAfter);

        h.Time.Advance(TimeSpan.FromSeconds(1));
        var again = await TryPlaceAsync(h, reseller);
        Assert.True(again.Succeeded, again.Error);
        Assert.Equal(balance - Money.FromTaka(20), await BalanceOfAsync(h, reseller.UserId));
    }

    [Fact]
    public async Task Recharges_that_failed_and_placements_refused_for_the_balance_count_as_attempts()
    {
        await using var h = await PipelineHarness.StartAsync(PerMinute(3));
        h.EcareSubmit = FakeUpstream.Body(FailsAtTheOperator);
        var failed = await TryPlaceAsync(h, h.Reseller);
        Assert.Equal(RechargeStatus.Failed, (await h.LoadAsync(failed.RechargeId!.Value)).Status);
        var broke = await TryPlaceAsync(h, h.Reseller, amount: "2000");
        Assert.Equal("Your wallet holds only ৳1,000.00. Nothing was charged.", broke.Errors[RechargeFields.Amount]);
        Assert.Equal(PlaceRefusal.InsufficientBalance, broke.Refusal);
        Assert.Null(broke.RetryAfter);
        h.EcareSubmit = FakeUpstream.Body(PipelineHarness.EcareReceived);
        Assert.True((await TryPlaceAsync(h, h.Reseller)).Succeeded);

        var fourth = await TryPlaceAsync(h, h.Reseller);

        Assert.Equal(PlaceRefusal.RateLimited, fourth.Refusal);
        Assert.Contains("at most 3 a minute", fourth.Error);
        Assert.Equal(2, await RechargesOfAsync(h, h.Reseller.UserId));
        await using var db = await h.App.DbAsync();
        var refusal = await db.Set<RefusedPlacement>().SingleAsync();
        Assert.Equal(h.Reseller.UserId, refusal.ResellerId);
        Assert.Contains("Your wallet holds only", refusal.Reason);
        // The refused placement's recharge row went with its savepoint; the money is where it was.
        Assert.Equal(Money.FromTaka(980), await h.BalanceAsync());
        await h.AssertConsistentAsync();
    }

    [Fact]
    public async Task A_refused_placement_may_be_tried_again_when_the_oldest_attempt_of_the_minute_leaves_it()
    {
        await using var h = await PipelineHarness.StartAsync(PerMinute(2));
        Assert.True((await TryPlaceAsync(h, h.Reseller)).Succeeded);
        h.Time.Advance(TimeSpan.FromSeconds(20));
        Assert.True((await TryPlaceAsync(h, h.Reseller)).Succeeded);
        h.Time.Advance(TimeSpan.FromSeconds(10.5));

        var refused = await TryPlaceAsync(h, h.Reseller);

        // The first left the window at 60 s: 29.5 s from now, rounded up to whole seconds as Retry-After is.
        Assert.Equal(TimeSpan.FromSeconds(30), refused.RetryAfter);
        h.Time.Advance(TimeSpan.FromSeconds(29.5));
        Assert.True((await TryPlaceAsync(h, h.Reseller)).Succeeded);
    }

    [Fact]
    public async Task Concurrent_placements_past_the_limit_place_exactly_the_limit()
    {
        await using var h = await PipelineHarness.StartAsync(PerMinute(4));

        var results = await Task.WhenAll(Enumerable.Range(0, 10).Select(i =>
            Task.Run(() => TryPlaceAsync(h, h.Reseller, number: $"0181234567{i}"))));

        Assert.Equal(4, results.Count(r => r.Succeeded));
        Assert.All(results.Where(r => !r.Succeeded), r => Assert.Equal(PlaceRefusal.RateLimited, r.Refusal));
        Assert.Equal(4, await RechargesOfAsync(h, h.Reseller.UserId));
        Assert.Equal(Money.FromTaka(1_000 - (4 * 20)), await h.BalanceAsync());
        await h.AssertConsistentAsync();
    }

    [Fact]
    public async Task A_limit_an_admin_raises_for_a_reseller_takes_effect_at_the_next_placement_and_is_audited()
    {
        await using var h = await PipelineHarness.StartAsync(PerMinute(2));
        var admin = h.App.Services.GetRequiredService<UserAdminService>();
        Assert.True((await TryPlaceAsync(h, h.Reseller)).Succeeded);
        Assert.True((await TryPlaceAsync(h, h.Reseller)).Succeeded);
        Assert.Equal(PlaceRefusal.RateLimited, (await TryPlaceAsync(h, h.Reseller)).Refusal);

        var raised = await admin.SetRechargesPerMinuteLimitAsync(await h.App.AdminActorAsync(), h.Reseller.UserId, 4);

        Assert.True(raised.Succeeded, raised.Message);
        Assert.True((await TryPlaceAsync(h, h.Reseller)).Succeeded);
        Assert.True((await TryPlaceAsync(h, h.Reseller)).Succeeded);
        var fifth = await TryPlaceAsync(h, h.Reseller);
        Assert.Equal(PlaceRefusal.RateLimited, fifth.Refusal);
        Assert.Contains("at most 4 a minute", fifth.Error);
        Assert.Equal(4, (await admin.ListAsync()).Single(u => u.Id == h.Reseller.UserId).RechargesPerMinuteLimit);
        await using (var db = await h.App.DbAsync())
        {
            var audit = await db.AuditEntries.SingleAsync(a => a.Action == AuditActions.RechargeLimitChanged);
            Assert.Equal(PortalAppFactory.AdminEmail, audit.ActorEmail);
            Assert.Equal(h.Reseller.UserId, audit.TargetId);
            Assert.Equal("default → 4 recharges a minute", audit.Details);
        }

        // Back to the default: empty.
        Assert.True((await admin.SetRechargesPerMinuteLimitAsync(await h.App.AdminActorAsync(), h.Reseller.UserId, null)).Succeeded);
        Assert.Null((await admin.ListAsync()).Single(u => u.Id == h.Reseller.UserId).RechargesPerMinuteLimit);
        Assert.Contains("at most 2 a minute", (await TryPlaceAsync(h, h.Reseller)).Error);
    }

    [Fact]
    public async Task A_recharge_limit_is_refused_out_of_range_for_a_non_reseller_and_for_anyone_but_an_active_admin()
    {
        await using var h = await PipelineHarness.StartAsync();
        var admin = h.App.Services.GetRequiredService<UserAdminService>();
        var actor = await h.App.AdminActorAsync();
        var auditor = await h.App.FindUserAsync(await h.App.CreateUserAsync(Roles.Auditor));

        Assert.Equal("Enter a number from 1 to 100000, or leave it empty for the default.",
            (await admin.SetRechargesPerMinuteLimitAsync(actor, h.Reseller.UserId, 0)).ErrorFor("Limit"));
        Assert.NotNull((await admin.SetRechargesPerMinuteLimitAsync(actor, h.Reseller.UserId, 100_001)).ErrorFor("Limit"));
        Assert.Equal("Only resellers place recharges.", (await admin.SetRechargesPerMinuteLimitAsync(actor, auditor.Id, 500)).Error);
        Assert.False((await admin.SetRechargesPerMinuteLimitAsync(h.Reseller, h.Reseller.UserId, 500)).Succeeded);
        Assert.False((await admin.SetRechargesPerMinuteLimitAsync(new Actor(auditor.Id, auditor.Email!, auditor.SecurityStamp), h.Reseller.UserId, 500)).Succeeded);

        await using var db = await h.App.DbAsync();
        Assert.Null((await db.Users.SingleAsync(u => u.Id == h.Reseller.UserId)).RechargesPerMinuteLimit);
        Assert.False(await db.AuditEntries.AnyAsync(a => a.Action == AuditActions.RechargeLimitChanged));
    }

    [Fact]
    public async Task At_the_daily_cap_of_failed_recharges_placing_is_refused_until_midnight_in_Dhaka()
    {
        await using var h = await PipelineHarness.StartAsync(new() { ["RateLimits:FailedRechargesPerResellerPerDay"] = "2" });
        h.EcareSubmit = FakeUpstream.Body(FailsAtTheOperator);
        Assert.True((await TryPlaceAsync(h, h.Reseller)).Succeeded);
        h.EcareSubmit = FakeUpstream.Body(PipelineHarness.EcareReceived);
        // A recharge that did not fail is no step towards the cap.
        Assert.True((await TryPlaceAsync(h, h.Reseller)).Succeeded);
        h.EcareSubmit = FakeUpstream.Body(FailsAtTheOperator);
        Assert.True((await TryPlaceAsync(h, h.Reseller)).Succeeded);
        var balance = await h.BalanceAsync();
        var sent = h.SubmissionsSeenBy(h.Ecare) + h.SubmissionsSeenBy(h.Flexi);

        var refused = await TryPlaceAsync(h, h.Reseller);

        Assert.Equal(PlaceRefusal.FailedDailyCap, refused.Refusal);
        Assert.Equal("2 of your recharges failed today, the most allowed in a day: recharging is paused until midnight (Bangladesh time). Nothing was charged.",
            refused.Error);
        // The harness starts at 12:00 in Dhaka (06:00 UTC): midnight there is 12 hours on.
        Assert.Equal(TimeSpan.FromHours(12), refused.RetryAfter);
        Assert.Equal(balance, await h.BalanceAsync());
        Assert.Equal(3, await RechargesOfAsync(h, h.Reseller.UserId));
        Assert.Equal(sent, h.SubmissionsSeenBy(h.Ecare) + h.SubmissionsSeenBy(h.Flexi));

        h.Time.Advance(TimeSpan.FromHours(12));
        Assert.Equal(DhakaTime.Today(h.Time), DateOnly.FromDateTime(PipelineHarness.Start.UtcDateTime).AddDays(1));
        h.EcareSubmit = FakeUpstream.Body(PipelineHarness.EcareReceived);
        Assert.True((await TryPlaceAsync(h, h.Reseller)).Succeeded);
        await h.AssertConsistentAsync();
    }

    [Theory]
    [InlineData("RateLimits:RechargesPerResellerPerMinute", "0")]
    [InlineData("RateLimits:RechargesPerResellerPerMinute", "100001")]
    [InlineData("RateLimits:FailedRechargesPerResellerPerDay", "0")]
    public void A_recharge_limit_out_of_range_stops_the_app_at_start(string key, string value)
    {
        using var factory = new PortalAppFactory(null, new Dictionary<string, string?> { [key] = value });

        var error = Assert.ThrowsAny<OptionsValidationException>(() => factory.CreateClient());

        Assert.Contains(key.Split(':')[1], error.Message);
    }
}

using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using RechargePortal.Features.Recharges;
using RechargePortal.Features.Wallets;
using RechargePortal.Jobs;
using RechargePortal.Tests.TestSupport;

namespace RechargePortal.Tests.Features.Recharges;

/// <summary>The database is the source of truth: a new app instance settles what the last one left in flight.</summary>
public sealed class RestartTests
{
    [Fact]
    public async Task A_new_app_instance_on_the_same_database_reconciles_recharges_left_in_flight()
    {
        await using var h = await PipelineHarness.StartAsync();

        // As the first instance dies: one recharge accepted upstream, one saved but never sent,
        // one whose request left without a reply being recorded.
        var accepted = await h.PlaceAsync();
        var unsent = await LeaveInFlightAsync(h, "01712345672", begin: false);
        var sending = await LeaveInFlightAsync(h, "01712345673", begin: true);
        Assert.Equal(Money.FromTaka(700), await h.BalanceAsync());

        // The second instance starts (its Hangfire queue is empty) and the sweeper runs.
        await h.ReplaceAppAsync(h.NewApp());
        h.EcareStatus = async context =>
        {
            var refid = context.Request.Query["refid"].ToString();
            var known = h.Ecare.Requests.Any(r => r.Query.GetValueOrDefault("service") == "MRC" && r.Query.GetValueOrDefault("refid") == refid);
            await FakeUpstream.Body(known ? PipelineHarness.EcareSuccess : PipelineHarness.EcareInvalidRef)(context);
        };
        h.Time.Advance(TimeSpan.FromMinutes(2));
        await h.App.Services.GetRequiredService<ReconcilePendingRechargesJob>().RunAsync(CancellationToken.None);

        Assert.Equal(RechargeStatus.Succeeded, (await h.LoadAsync(accepted)).Status);
        Assert.Equal(RechargeStatus.Failed, (await h.LoadAsync(unsent)).Status);
        var unknown = await h.LoadAsync(sending);
        Assert.Equal(RechargeStatus.Processing, unknown.Status);
        Assert.False(unknown.OutcomeKnown);

        // Never seen upstream: after the grace period it is refunded, and only then.
        for (var i = 0; i < 14; i++)
        {
            await h.AdvanceAndSweepAsync(TimeSpan.FromSeconds(30));
        }

        Assert.Equal(RechargeStatus.Failed, (await h.LoadAsync(sending)).Status);
        Assert.Equal(new Money(90_000 + 250), await h.BalanceAsync());
        await h.AssertConsistentAsync();
    }

    /// <summary>Writes what a crashed instance leaves: the recharge and its hold, and maybe an attempt that was never answered.</summary>
    private static async Task<long> LeaveInFlightAsync(PipelineHarness h, string number, bool begin)
    {
        await using var db = await h.App.DbAsync();
        await using var tx = await db.Database.BeginTransactionAsync();
        var now = h.Time.GetUtcNow().UtcDateTime;
        var order = new RechargeOrder(number, RechargePortal.Providers.MobileOperator.Grameenphone, RechargePortal.Providers.NumberType.Prepaid, Money.FromTaka(100));
        var recharge = Recharge.Create($"RC-TEST-{number}", Guid.NewGuid().ToString("N"), h.Reseller.UserId, h.WalletId, order, new Money(250), null, now);
        db.Add(recharge);
        await db.SaveChangesAsync();
        Assert.Equal(WalletOutcome.Applied, (await h.App.Services.GetRequiredService<WalletService>().HoldAsync(db, h.Reseller.UserId, recharge.Id, order.Amount, "hold")).Outcome);
        if (begin)
        {
            recharge.BeginAttempt("Ecare", $"99{recharge.Id}01", now);
            await db.SaveChangesAsync();
        }

        await tx.CommitAsync();
        return recharge.Id;
    }
}

using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using RechargePortal.Features.Recharges;
using RechargePortal.Features.Wallets;
using RechargePortal.Providers.CallLog;
using RechargePortal.Security;
using RechargePortal.Tests.TestSupport;

namespace RechargePortal.Tests.Features.Recharges;

/// <summary>With the Hangfire server running, nobody has to call a job: scheduled checks settle recharges by themselves.</summary>
public sealed class HangfireReconciliationTests
{
    [Fact]
    public async Task Scheduled_status_checks_settle_a_sandbox_recharge_without_any_manual_step()
    {
        await using var app = new PortalAppFactory(null, new Dictionary<string, string?> { ["Jobs:ServerEnabled"] = "true" });
        var (userId, walletId) = await app.CreateFundedResellerAsync(Money.FromTaka(500));
        // Wait for the condition, not for a time: the notifier says when a job settled it.
        var settled = new TaskCompletionSource<RechargeStatus>(TaskCreationOptions.RunContinuationsAsynchronously);
        app.Services.GetRequiredService<RechargeNotifier>().Changed += change =>
        {
            if (change.Status is RechargeStatus.Succeeded or RechargeStatus.Failed or RechargeStatus.NeedsReview)
            {
                settled.TrySetResult(change.Status);
            }
        };
        await using (var db = await app.DbAsync())
        {
            var user = await db.Users.AsNoTracking().SingleAsync(u => u.Id == userId);
            var placed = await app.Services.GetRequiredService<RechargeService>().PlaceAsync(
                new Actor(user.Id, user.Email!, user.SecurityStamp), new RechargeForm { Number = "01812345671", Amount = "50" },
                Guid.NewGuid().ToString("N"), confirmDuplicate: false);
            Assert.True(placed.Succeeded, placed.Error);
        }

        // The sandbox succeeds 3 s after the send and the first check is due at 5 s; the bound is only a safety net.
        RechargeStatus? status = null;
        try
        {
            status = await settled.Task.WaitAsync(TimeSpan.FromSeconds(90));
        }
        catch (TimeoutException)
        {
        }

        Assert.True(status == RechargeStatus.Succeeded, $"ended as {status?.ToString() ?? "nothing within 90 s"}: {await DescribeAsync(app)}");
        Assert.Equal(Money.FromTaka(450), await app.Services.GetRequiredService<WalletService>().BalanceOfAsync(await app.AdminActorAsync(), walletId));
        await app.AssertLedgerConsistentAsync(walletId);
    }

    /// <summary>What the jobs and the recharge went through, for a failure message.</summary>
    private static async Task<string> DescribeAsync(PortalAppFactory app)
    {
        var api = app.Services.GetRequiredService<JobStorage>().GetMonitoringApi();
        var failed = api.FailedJobs(0, 5).Select(j => $"{j.Value.Job?.Type.Name}: {j.Value.ExceptionMessage}");
        await using var db = await app.DbAsync();
        var r = await db.Set<Recharge>().AsNoTracking().SingleAsync();
        var calls = await db.Set<UpstreamCall>().AsNoTracking().Where(c => c.Operation != "Balance" && c.Operation != "OfferPacks")
            .Select(c => $"{c.AtUtc:HH:mm:ss} {c.Operation} {c.Outcome}").ToListAsync();
        return $"jobs: scheduled {api.ScheduledCount()}, enqueued {api.EnqueuedCount("default")}, processing {api.ProcessingCount()}, "
            + $"succeeded {api.SucceededListCount()}, failed {api.FailedCount()} [{string.Join("; ", failed)}], servers {api.Servers().Count}; "
            + $"recharge: next check {r.NextCheckAtUtc:HH:mm:ss}, checks {r.ChecksDone}, last {r.LastCheckOutcome}; calls: {string.Join(" | ", calls)}; now {DateTime.UtcNow:HH:mm:ss}";
    }
}

using Hangfire;
using Microsoft.Extensions.Options;
using RechargePortal.Features.Recharges;

namespace RechargePortal.Jobs;

/// <summary>One recharge's status check, scheduled for its next-check time. Skips unless due: a duplicate or early run changes nothing.</summary>
[AutomaticRetry(Attempts = 0)]
public sealed class CheckRechargeJob(RechargeProcessor processor)
{
    public Task RunAsync(long rechargeId, CancellationToken ct) => processor.CheckAsync(rechargeId, dueOnly: true, ct);
}

/// <summary>
/// The safety net: every minute, whatever the database says is due — checks, sends the app never
/// made, sends without a recorded reply. A restart or a lost scheduled job therefore loses nothing.
/// </summary>
[AutomaticRetry(Attempts = 0)]
[DisableConcurrentExecution(timeoutInSeconds: 300)]
public sealed class ReconcilePendingRechargesJob(RechargeProcessor processor, ILogger<ReconcilePendingRechargesJob> logger)
{
    public const string RecurringId = "reconcile-pending-recharges";

    public async Task RunAsync(CancellationToken ct)
    {
        var report = await processor.SweepAsync(ct);
        if (report.UnsentFailed + report.AbandonedSubmissions + report.Checked > 0)
        {
            logger.LogInformation(
                "Reconciled recharges: {Checked} checked, {Unsent} never sent (refunded), {Abandoned} sends without a reply (now unknown).",
                report.Checked, report.UnsentFailed, report.AbandonedSubmissions);
        }
    }
}

/// <summary>Registers the sweeper at start and runs it once at once, so recharges left in flight by the last run are picked up.</summary>
public sealed class RechargeJobsScheduler(
    IRecurringJobManager recurring, IOptions<RechargeOptions> options, RechargeProcessor processor) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        recurring.AddOrUpdate<ReconcilePendingRechargesJob>(
            ReconcilePendingRechargesJob.RecurringId, job => job.RunAsync(CancellationToken.None), options.Value.SweepCron);
        recurring.Trigger(ReconcilePendingRechargesJob.RecurringId);
        return Task.CompletedTask;
    }

    /// <summary>Lets sends in flight record their replies before the app stops (bounded by the host's shutdown timeout).</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        try
        {
            await processor.WhenDispatchedAsync().WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // The sweeper of the next run treats any unanswered send as unknown and asks the provider.
        }
    }
}

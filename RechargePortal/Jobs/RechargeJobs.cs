using Hangfire;
using Microsoft.Extensions.Options;
using RechargePortal.Features.Recharges;
using RechargePortal.Features.Wallets;

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
        if (report.UnsentFailed + report.AbandonedSubmissions + report.Checked + report.Resumed + report.LateChecked + report.Errors > 0)
        {
            logger.LogInformation(
                "Reconciled recharges: {Checked} checked, {Unsent} never sent (refunded), {Abandoned} sends without a reply (now unknown), "
                + "{Resumed} refused sends taken up again, {LateChecked} late checks, {Errors} errors.",
                report.Checked, report.UnsentFailed, report.AbandonedSubmissions, report.Resumed, report.LateChecked, report.Errors);
        }
    }
}

/// <summary>The nightly check that every wallet's balance is the sum of its ledger entries. Reads the money only (it stores its finding).</summary>
[AutomaticRetry(Attempts = 0)]
[DisableConcurrentExecution(timeoutInSeconds: 600)]
public sealed class LedgerAuditJob(LedgerAuditService audit)
{
    public const string RecurringId = "ledger-audit";

    public Task RunAsync(CancellationToken ct) => audit.RunAsync(ct);
}

/// <summary>
/// Registers the sweeper and the ledger audit at start and runs both once at once, so recharges left
/// in flight by the last run are picked up and the dashboard and <c>/health</c> have an audit to show.
/// </summary>
public sealed class RechargeJobsScheduler(
    IRecurringJobManager recurring, IOptions<RechargeOptions> options, IOptions<JobsOptions> jobs, RechargeProcessor processor) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        recurring.AddOrUpdate<ReconcilePendingRechargesJob>(
            ReconcilePendingRechargesJob.RecurringId, job => job.RunAsync(CancellationToken.None), options.Value.SweepCron);
        recurring.AddOrUpdate<LedgerAuditJob>(LedgerAuditJob.RecurringId, job => job.RunAsync(CancellationToken.None), jobs.Value.LedgerAuditCron);
        recurring.Trigger(ReconcilePendingRechargesJob.RecurringId);
        recurring.Trigger(LedgerAuditJob.RecurringId);
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

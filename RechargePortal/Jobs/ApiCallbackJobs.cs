using Hangfire;
using RechargePortal.Features.Api;
using RechargePortal.Features.Recharges;

namespace RechargePortal.Jobs;

/// <summary>
/// Delivers API callbacks: every minute whatever the database says is due (first deliveries a lost hint left behind,
/// and retries on their backoff), and at once for a recharge that just moved. Re-entrant: a delivery claims its event.
/// </summary>
[AutomaticRetry(Attempts = 0)]
public sealed class DeliverApiCallbacksJob(CallbackDeliveryService callbacks)
{
    public const string RecurringId = "deliver-api-callbacks";

    [DisableConcurrentExecution(timeoutInSeconds: 300)]
    public Task RunAsync(CancellationToken ct) => callbacks.DeliverDueAsync(ct);

    public Task RunForRechargeAsync(long rechargeId, CancellationToken ct) => callbacks.DeliverForRechargeAsync(rechargeId, ct);
}

/// <summary>Registers the recurring delivery at start, and enqueues a delivery as soon as a recharge's move owes a callback.</summary>
public sealed class ApiCallbackScheduler(IRecurringJobManager recurring, IBackgroundJobClient jobs, RechargeNotifier notifier, ILogger<ApiCallbackScheduler> logger)
    : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        recurring.AddOrUpdate<DeliverApiCallbacksJob>(DeliverApiCallbacksJob.RecurringId, job => job.RunAsync(CancellationToken.None), Cron.Minutely());
        notifier.Changed += OnChanged;
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        notifier.Changed -= OnChanged;
        return Task.CompletedTask;
    }

    private void OnChanged(RechargeChange change)
    {
        if (!change.CallbackDue)
        {
            return;
        }

        try
        {
            jobs.Enqueue<DeliverApiCallbacksJob>(job => job.RunForRechargeAsync(change.RechargeId, CancellationToken.None));
        }
        catch (Exception e)
        {
            // The recurring delivery finds it within a minute.
            logger.LogWarning(e, "Could not enqueue the callback of recharge {RechargeId}.", change.RechargeId);
        }
    }
}

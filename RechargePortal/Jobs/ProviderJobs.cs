using Hangfire;
using Microsoft.Extensions.Options;
using RechargePortal.Features.Offers;
using RechargePortal.Providers;

namespace RechargePortal.Jobs;

/// <summary>Schedules of the provider jobs, keys under <c>Jobs</c> (Hangfire cron expressions).</summary>
public sealed class ProviderJobsOptions
{
    /// <summary>Refresh every provider's balance; default every 5 minutes.</summary>
    public string ProviderBalancesCron { get; set; } = "*/5 * * * *";

    /// <summary>Refresh offer packs; default hourly.</summary>
    public string OfferPacksCron { get; set; } = "0 * * * *";
}

/// <summary>Reads every active provider's balance. Re-entrant: a repeat only re-reads the same balance.</summary>
[AutomaticRetry(Attempts = 0)]
[DisableConcurrentExecution(timeoutInSeconds: 60)]
public sealed class RefreshProviderBalancesJob(ProviderRegistry providers, ProviderAdminService admin, ILogger<RefreshProviderBalancesJob> logger)
{
    public const string RecurringId = "provider-balances";

    public async Task RunAsync(CancellationToken ct)
    {
        foreach (var provider in providers.All)
        {
            if (await admin.IsPausedAsync(provider.Name, ct))
            {
                continue;
            }

            await RunForAsync(provider.Name, ct);
        }
    }

    /// <summary>One provider, paused or not: what the "Check balance now" button runs.</summary>
    public async Task<BalanceResult> RunForAsync(string providerName, CancellationToken ct)
    {
        var result = await admin.RefreshBalanceAsync(providerName, ct);
        if (result is BalanceResult.Unknown unknown)
        {
            logger.LogWarning("Balance of {Provider} not read: {Why}", providerName, unknown.Why);
        }

        return result;
    }
}

/// <summary>Refreshes the offer packs of every active provider that lists them. Re-entrant: a repeat finds nothing new.</summary>
[AutomaticRetry(Attempts = 0)]
[DisableConcurrentExecution(timeoutInSeconds: 120)]
public sealed class RefreshOfferPacksJob(ProviderRegistry providers, ProviderAdminService admin, OfferPackService offers, ILogger<RefreshOfferPacksJob> logger)
{
    public const string RecurringId = "offer-packs";

    public async Task RunAsync(CancellationToken ct)
    {
        foreach (var provider in providers.All.Where(p => p.SupportsOfferPacks))
        {
            if (await admin.IsPausedAsync(provider.Name, ct))
            {
                continue;
            }

            var result = await offers.RefreshAsync(provider.Name, ct);
            logger.Log(result.Succeeded ? LogLevel.Information : LogLevel.Warning, "Offer packs of {Provider}: {Message}", provider.Name, result.Message);
        }
    }
}

/// <summary>Puts the provider jobs on their schedules at start (AddOrUpdate: a restart re-registers, nothing doubles).</summary>
public sealed class ProviderJobsScheduler(IRecurringJobManager recurring, IOptions<ProviderJobsOptions> options) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        recurring.AddOrUpdate<RefreshProviderBalancesJob>(
            RefreshProviderBalancesJob.RecurringId, job => job.RunAsync(CancellationToken.None), options.Value.ProviderBalancesCron);
        recurring.AddOrUpdate<RefreshOfferPacksJob>(
            RefreshOfferPacksJob.RecurringId, job => job.RunAsync(CancellationToken.None), options.Value.OfferPacksCron);
        // Run both once now: after a start the providers page and /offers show figures at once,
        // not after the first hourly tick. The jobs are idempotent, so an extra run changes nothing.
        recurring.Trigger(RefreshProviderBalancesJob.RecurringId);
        recurring.Trigger(RefreshOfferPacksJob.RecurringId);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

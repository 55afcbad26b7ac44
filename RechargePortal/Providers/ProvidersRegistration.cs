using Microsoft.Extensions.Options;
using RechargePortal.Features.Offers;
using RechargePortal.Jobs;
using RechargePortal.Providers.CallLog;
using RechargePortal.Providers.Sandbox;

namespace RechargePortal.Providers;

public static class ProvidersRegistration
{
    /// <summary>The upstream providers from <c>Providers</c>, validated at start; their call log, sandbox, services and jobs.</summary>
    public static WebApplicationBuilder AddProviders(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<ProvidersOptions>()
            .Configure<IConfiguration>((options, configuration) =>
            {
                var read = ProvidersOptions.FromConfiguration(configuration);
                options.AllowSandbox = read.AllowSandbox;
                options.Accounts = read.Accounts;
            })
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<ProvidersOptions>, ProvidersOptionsValidator>();
        services.AddOptions<ProviderJobsOptions>().Bind(builder.Configuration.GetSection(JobsOptions.Section));

        // Adapters own their timeouts (per provider); the factory's loggers are removed because an
        // ECARE address carries the password in its query string.
        // No pooled connection is reused: SocketsHttpHandler silently resends a body-less request (an
        // ECARE submission is a GET) when a reused keep-alive connection turns out closed, and a
        // submission must reach the vendor at most once. A fresh connection per call is never resent.
        services.AddHttpClient(ProviderRegistry.UpstreamClient, client => client.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.Zero })
            .RemoveAllLoggers();
        services.AddHttpClient(ProviderRegistry.SandboxClient, client => client.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(sp => new SandboxHandler(sp.GetRequiredService<SandboxUpstream>()))
            .RemoveAllLoggers();

        services.AddSingleton<SandboxUpstream>();
        services.AddSingleton<ProviderStatusNotifier>();
        services.AddSingleton<IUpstreamCallLog, DatabaseUpstreamCallLog>();
        services.AddSingleton<ProviderRegistry>();
        services.AddSingleton<ProviderAdminService>();
        services.AddSingleton<OfferPackService>();
        services.AddTransient<RefreshProviderBalancesJob>();
        services.AddTransient<RefreshOfferPacksJob>();
        services.AddHostedService<ProviderJobsScheduler>();
        return builder;
    }
}

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
        // ECARE address carries the password in its query string. This client carries queries only:
        // a submission gets a transport of its own that cannot send it twice (SingleSendHandler).
        services.AddHttpClient(UpstreamTransports.QueriesClient, client => client.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false })
            .RemoveAllLoggers();
        services.AddSingleton<UpstreamTransports>();
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

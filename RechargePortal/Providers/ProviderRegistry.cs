using Microsoft.Extensions.Options;
using RechargePortal.Providers.CallLog;
using RechargePortal.Providers.Ecare;
using RechargePortal.Providers.Flexi;
using RechargePortal.Providers.Sandbox;

namespace RechargePortal.Providers;

/// <summary>The configured providers, one adapter each, in configuration order.</summary>
public sealed class ProviderRegistry
{
    private readonly Dictionary<string, IRechargeProvider> byName;

    public ProviderRegistry(
        IOptions<ProvidersOptions> options, UpstreamTransports transports, IUpstreamCallLog callLog, TimeProvider time, ILoggerFactory loggers)
    {
        var secrets = options.Value.Accounts.SelectMany(a => a.Secrets).Distinct().ToList();
        All = options.Value.Accounts.Select(settings =>
        {
            var http = transports.For(settings);
            return settings.Kind switch
            {
                ProviderKind.Ecare => (IRechargeProvider)new EcareProvider(settings, http, callLog, time, loggers.CreateLogger<EcareProvider>()) { AlsoMask = secrets },
                ProviderKind.Flexi => new FlexiProvider(settings, http, callLog, time, loggers.CreateLogger<FlexiProvider>()) { AlsoMask = secrets },
                _ => throw new InvalidOperationException($"Providers:{settings.Name}:Kind is not set."),
            };
        }).ToList();
        byName = All.ToDictionary(p => p.Name, StringComparer.OrdinalIgnoreCase);
    }

    public IReadOnlyList<IRechargeProvider> All { get; }

    /// <summary>True while any provider talks to the built-in sandbox: the UI shows a SANDBOX badge.</summary>
    public bool AnySandbox => All.Any(p => p.IsSandbox);

    public IRechargeProvider? Find(string name) => byName.GetValueOrDefault(name);

    public IRechargeProvider Get(string name) =>
        Find(name) ?? throw new KeyNotFoundException($"No provider named '{name}' is configured.");
}

/// <summary>The transport of each account: the real network, or the in-process sandbox. Tests put a fake in its place.</summary>
public class UpstreamTransports(IHttpClientFactory http, SandboxUpstream sandbox)
{
    public const string QueriesClient = "upstream-queries";

    public virtual UpstreamHttp For(ProviderSettings settings) =>
        settings.IsSandbox ? UpstreamHttp.Sandbox(sandbox) : new UpstreamHttp(() => http.CreateClient(QueriesClient), SingleSendHandler.NewClient);
}

using Microsoft.Extensions.Options;
using RechargePortal.Providers.CallLog;
using RechargePortal.Providers.Ecare;
using RechargePortal.Providers.Flexi;

namespace RechargePortal.Providers;

/// <summary>The configured providers, one adapter each, in configuration order.</summary>
public sealed class ProviderRegistry
{
    public const string UpstreamClient = "upstream";
    public const string SandboxClient = "upstream-sandbox";

    private readonly Dictionary<string, IRechargeProvider> byName;

    public ProviderRegistry(
        IOptions<ProvidersOptions> options, IHttpClientFactory http, IUpstreamCallLog callLog, TimeProvider time, ILoggerFactory loggers)
    {
        var secrets = options.Value.Accounts.SelectMany(a => a.Secrets).Distinct().ToList();
        All = options.Value.Accounts.Select(settings =>
        {
            var client = settings.IsSandbox ? SandboxClient : UpstreamClient;
            HttpClient Clients() => http.CreateClient(client);
            return settings.Kind switch
            {
                ProviderKind.Ecare => (IRechargeProvider)new EcareProvider(settings, Clients, callLog, time, loggers.CreateLogger<EcareProvider>()) { AlsoMask = secrets },
                ProviderKind.Flexi => new FlexiProvider(settings, Clients, callLog, time, loggers.CreateLogger<FlexiProvider>()) { AlsoMask = secrets },
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

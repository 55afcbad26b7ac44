using Microsoft.Extensions.Logging.Abstractions;
using RechargePortal.Providers;
using RechargePortal.Providers.Ecare;
using RechargePortal.Providers.Flexi;
using RechargePortal.Tests.TestSupport;

namespace RechargePortal.Tests.Providers;

/// <summary>Adapters wired to a fake upstream on loopback, with an in-memory call log.</summary>
public abstract class AdapterTestBase : IAsyncLifetime
{
    public const string EcarePass = "Ecare-S3cret-Pass";
    public const string FlexiKey = "flexi-key-0123456789abcdef";
    public const string EcarePath = "/myportal/api/rechargeapi/recharge_api_thirdparty.php";

    private readonly HttpClient http = new(new SocketsHttpHandler { AllowAutoRedirect = false }) { Timeout = Timeout.InfiniteTimeSpan };

    protected FakeUpstream Upstream { get; private set; } = null!;

    protected RecordingCallLog CallLog { get; } = new();

    public async Task InitializeAsync() => Upstream = await FakeUpstream.StartAsync();

    public async Task DisposeAsync()
    {
        http.Dispose();
        await Upstream.DisposeAsync();
    }

    protected EcareProvider Ecare(double timeoutSeconds = 5, int queryRetries = 0, string? url = null, int maxConcurrentCalls = 8) => new(
        new ProviderSettings
        {
            Name = "Ecare",
            Kind = ProviderKind.Ecare,
            Url = url ?? Upstream.BaseUrl + EcarePath,
            AccessId = "test",
            AccessPass = EcarePass,
            TimeoutSeconds = timeoutSeconds,
            QueryRetries = queryRetries,
            MaxConcurrentCalls = maxConcurrentCalls,
        },
        UpstreamHttp.Direct(http), CallLog, TimeProvider.System, NullLogger<EcareProvider>.Instance);

    protected FlexiProvider Flexi(
        double timeoutSeconds = 5, int queryRetries = 0, string? refer = null, Dictionary<string, string>? statusMap = null, string? baseUrl = null)
    {
        var settings = new ProviderSettings
        {
            Name = "Flexi",
            Kind = ProviderKind.Flexi,
            BaseUrl = (baseUrl ?? Upstream.BaseUrl) + "/",
            User = "testuser",
            Key = FlexiKey,
            Refer = refer,
            ServiceCode = "77",
            TimeoutSeconds = timeoutSeconds,
            QueryRetries = queryRetries,
        };
        foreach (var (value, meaning) in statusMap ?? [])
        {
            settings.StatusMap[value] = meaning;
        }

        return new FlexiProvider(settings, UpstreamHttp.Direct(http), CallLog, TimeProvider.System, NullLogger<FlexiProvider>.Instance);
    }

    protected static RechargeRequest Recharge(
        MobileOperator op = MobileOperator.Grameenphone, NumberType type = NumberType.Prepaid, string number = "01700000000", long poisha = 2000, string? reference = null) =>
        new(op, type, number, poisha, reference ?? $"RP{Guid.NewGuid():N}"[..20]);

    /// <summary>A result in a few words, so a theory can state what it expects.</summary>
    public static string Summary(object result) => result switch
    {
        SubmitResult.Accepted a => $"Accepted {a.UpstreamTrxId}".TrimEnd(),
        SubmitResult.Rejected r => r.TriedElsewhereIsSafe ? "Rejected safe" : "Rejected",
        SubmitResult.Unknown => "Unknown",
        StatusResult.Pending => "Pending",
        StatusResult.Succeeded s => $"Succeeded {s.OperatorTrxId}".TrimEnd(),
        StatusResult.Failed => "Failed",
        StatusResult.NotFound => "NotFound",
        StatusResult.Unknown => "Unknown",
        BalanceResult.Known k => $"Balance {k.BalancePoisha}",
        BalanceResult.Unknown => "Unknown",
        OfferPacksResult.Listed l => $"Packs {l.Packs.Count}",
        OfferPacksResult.Unknown => "Unknown",
        _ => result.ToString() ?? "",
    };
}

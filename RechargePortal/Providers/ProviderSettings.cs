using System.ComponentModel.DataAnnotations;

namespace RechargePortal.Providers;

/// <summary>
/// One upstream account, a section under <c>Providers</c> whose key is the provider's name.
/// ECARE reads <see cref="Url"/>, <see cref="AccessId"/>, <see cref="AccessPass"/>; Flexi reads
/// <see cref="BaseUrl"/>, <see cref="User"/>, <see cref="Key"/>, <see cref="BandKey"/>, <see cref="Refer"/>,
/// <see cref="ServiceCode"/>, <see cref="StatusMap"/>. <c>sandbox</c> as the address plugs in the built-in simulator.
/// </summary>
public sealed class ProviderSettings
{
    public const string SandboxAddress = "sandbox";

    public string Name { get; set; } = "";

    public ProviderKind? Kind { get; set; }

    /// <summary>ECARE: the full <c>.../recharge_api_thirdparty.php</c> address, or <c>sandbox</c>.</summary>
    public string? Url { get; set; }

    public string? AccessId { get; set; }

    /// <summary>Secret: never logged, stored or shown.</summary>
    public string? AccessPass { get; set; }

    /// <summary>Flexi: the site address; requests go to <c>BaseUrl/sendapi/request</c> etc. Or <c>sandbox</c>.</summary>
    public string? BaseUrl { get; set; }

    public string? User { get; set; }

    /// <summary>Secret: never logged, stored or shown.</summary>
    public string? Key { get; set; }

    public string BandKey { get; set; } = "flexisoftwarebd";

    /// <summary>Sent as the <c>refer</c> header when set (some deployments whitelist callers by it).</summary>
    public string? Refer { get; set; }

    public string ServiceCode { get; set; } = "64";

    /// <summary>Flexi status value → Succeeded / Failed / Pending; values not listed are Pending (undocumented by the vendor).</summary>
    public Dictionary<string, string> StatusMap { get; set; } = new() { ["1"] = "Succeeded", ["2"] = "Failed" };

    [Range(0.1, 300)]
    public double TimeoutSeconds { get; set; } = 30;

    /// <summary>Whole taka; a balance below it shows a warning.</summary>
    [Range(0, long.MaxValue / 100)]
    public long LowBalanceThreshold { get; set; } = 1000;

    /// <summary>Extra attempts for status, balance and offer-pack queries after a timeout, dropped connection or 5xx (never for submissions).</summary>
    [Range(0, 5)]
    public int QueryRetries { get; set; } = 2;

    /// <summary>Calls in flight to this account at once, at most: a burst of recharges or checks queues here instead of flooding the vendor.</summary>
    [Range(1, 256)]
    public int MaxConcurrentCalls { get; set; } = 8;

    /// <summary>
    /// Accepts a plain <c>http://</c> address outside Development (ECARE then sends its password, Flexi its key, unencrypted);
    /// the providers page shows a warning. Not needed for the sandbox or an address on this machine (loopback).
    /// </summary>
    public bool AllowInsecureHttp { get; set; }

    public string? Address => Kind == ProviderKind.Flexi ? BaseUrl : Url;

    /// <summary>The configuration key of <see cref="Address"/>, e.g. <c>Url</c>.</summary>
    public string AddressKey => Kind == ProviderKind.Flexi ? nameof(BaseUrl) : nameof(Url);

    public bool IsSandbox => string.Equals(Address?.Trim(), SandboxAddress, StringComparison.OrdinalIgnoreCase);

    /// <summary>An <c>http://</c> address: requests, credentials included, go unencrypted. The sandbox never leaves the process.</summary>
    public bool IsPlainHttp => !IsSandbox && AddressUri?.Scheme == Uri.UriSchemeHttp;

    /// <summary>An address on this machine (localhost, 127.x.x.x, ::1): nothing crosses a network, whatever the scheme.</summary>
    public bool IsLoopback => AddressUri?.IsLoopback == true;

    private Uri? AddressUri => Uri.TryCreate(Address?.Trim(), UriKind.Absolute, out var uri) ? uri : null;

    /// <summary>Values that must never appear in a log, the database or a page.</summary>
    public IReadOnlyList<string> Secrets =>
        new[] { AccessPass, Key }.Where(s => !string.IsNullOrEmpty(s)).Select(s => s!).ToList();
}

/// <summary>The <c>Providers</c> section: <c>AllowSandbox</c> plus one section per upstream account.</summary>
public sealed class ProvidersOptions
{
    public const string Section = "Providers";

    /// <summary>The sandbox refuses to start in Production unless this is true.</summary>
    public bool AllowSandbox { get; set; }

    public List<ProviderSettings> Accounts { get; set; } = [];

    public static ProvidersOptions FromConfiguration(IConfiguration configuration)
    {
        var section = configuration.GetSection(Section);
        var options = new ProvidersOptions { AllowSandbox = section.GetValue<bool>(nameof(AllowSandbox)) };
        foreach (var child in section.GetChildren().Where(c => c.GetChildren().Any()))
        {
            var settings = new ProviderSettings();
            child.Bind(settings);
            settings.Name = child.Key;
            options.Accounts.Add(settings);
        }

        return options;
    }
}

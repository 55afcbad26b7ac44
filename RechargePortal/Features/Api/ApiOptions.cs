using System.ComponentModel.DataAnnotations;

namespace RechargePortal.Features.Api;

/// <summary>The reseller API's settings, section <c>Api</c>.</summary>
public sealed class ApiOptions
{
    public const string Section = "Api";

    /// <summary>Requests one key may make per second, on average.</summary>
    [Range(1, 10_000)]
    public int RequestsPerSecond { get; set; } = 20;

    /// <summary>Requests one key may make at once before the per-second rate applies (the token bucket's size).</summary>
    [Range(1, 100_000)]
    public int Burst { get; set; } = 100;

    /// <summary>How long a callback receiver has to answer before the delivery counts as failed.</summary>
    [Range(1, 60)]
    public int CallbackTimeoutSeconds { get; set; } = 10;

    /// <summary>
    /// Let callbacks go to http:// and to loopback or private addresses, as in Development. Only for a closed test
    /// network: on the internet it lets a reseller make the portal call inside its own network (SSRF).
    /// </summary>
    public bool AllowInsecureCallbacks { get; set; }
}

using System.ComponentModel.DataAnnotations;

namespace RechargePortal.Security;

/// <summary>Abuse limits, section <c>RateLimits</c>. Every attempt counts, right or wrong; the lockout still applies on top.</summary>
public sealed class RateLimitOptions
{
    public const string Section = "RateLimits";

    /// <summary>Sign-in posts from one client address per minute (shops share an address behind one router).</summary>
    [Range(1, 100_000)]
    public int SignInPerIpPerMinute { get; set; } = 30;

    /// <summary>Sign-in posts naming one account (the email, normalized) per minute, from anywhere.</summary>
    [Range(1, 100_000)]
    public int SignInPerAccountPerMinute { get; set; } = 10;
}

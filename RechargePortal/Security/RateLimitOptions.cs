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

    /// <summary>
    /// Recharge placements one reseller may attempt per minute: placed ones (failed later or not) and ones refused
    /// inside the placement (balance, daily limits). An admin may give a reseller a limit of their own.
    /// </summary>
    [Range(1, MaxRechargesPerMinute)]
    public int RechargesPerResellerPerMinute { get; set; } = 120;

    /// <summary>Failed recharges one reseller may have per Bangladesh day; at the cap, placing waits until midnight.</summary>
    [Range(1, 1_000_000)]
    public int FailedRechargesPerResellerPerDay { get; set; } = 200;

    /// <summary>The highest per-minute recharge limit, configured or set for one reseller.</summary>
    public const int MaxRechargesPerMinute = 100_000;
}

using System.ComponentModel.DataAnnotations;
using System.Net;

namespace RechargePortal.Security;

/// <summary>Sign-in hardening, section <c>Security</c>.</summary>
public sealed class SecurityOptions : IValidatableObject
{
    public const string Section = "Security";

    /// <summary>Wrong passwords in a row before the account is locked out.</summary>
    [Range(1, 100)]
    public int MaxFailedLogins { get; set; } = 5;

    /// <summary>How long a lockout caused by wrong passwords lasts.</summary>
    [Range(1, 24 * 60)]
    public int LockoutMinutes { get; set; } = 15;

    /// <summary>
    /// How often a signed-in session is re-checked against the database (security stamp, lock).
    /// A locked or changed account loses its open pages within this many seconds.
    /// </summary>
    [Range(0, 3600)]
    public int SessionRevalidationSeconds { get; set; } = 10;

    /// <summary>Every admin signs in with an authenticator code; an admin without one is sent to set it up before any other page opens.</summary>
    public bool RequireAdminTwoFactor { get; set; } = true;

    /// <summary>Crediting or debiting a wallet above this many taka asks the admin for a fresh authenticator code (or password).</summary>
    [Range(0, 100_000_000)]
    public long StepUpAmount { get; set; } = 10_000;

    /// <summary>A reseller's or auditor's session ends after this many minutes without a request or a click on an open page.</summary>
    [Range(1, 24 * 60)]
    public int IdleMinutes { get; set; } = 120;

    /// <summary>An admin's session ends sooner when idle: admins move money and change accounts.</summary>
    [Range(1, 24 * 60)]
    public int AdminIdleMinutes { get; set; } = 30;

    /// <summary>Every session ends this many hours after sign-in, however active.</summary>
    [Range(1, 24 * 30)]
    public int AbsoluteHours { get; set; } = 12;

    /// <summary>
    /// Reverse proxies (addresses, or networks as <c>10.0.0.0/8</c>) whose <c>X-Forwarded-For</c> and
    /// <c>X-Forwarded-Proto</c> are believed. Empty: the headers are ignored and the connection's own address counts.
    /// </summary>
    public List<string> KnownProxies { get; set; } = [];

    public TimeSpan IdleLimit(bool isAdmin) => TimeSpan.FromMinutes(isAdmin ? AdminIdleMinutes : IdleMinutes);

    public TimeSpan AbsoluteLimit => TimeSpan.FromHours(AbsoluteHours);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var proxy in KnownProxies.Where(p => p.Contains('/', StringComparison.Ordinal) ? !IPNetwork.TryParse(p, out _) : !IPAddress.TryParse(p, out _)))
        {
            yield return new ValidationResult($"Security:KnownProxies: '{proxy}' is neither an IP address nor a network such as 10.0.0.0/8.", [nameof(KnownProxies)]);
        }
    }
}

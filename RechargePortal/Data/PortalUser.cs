using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Identity;

namespace RechargePortal.Data;

/// <summary>An account of the portal: an admin, a reseller or an auditor.</summary>
public sealed class PortalUser : IdentityUser
{
    [PersonalData]
    public string FullName { get; set; } = "";

    public DateTime CreatedAtUtc { get; set; }

    public DateTime? LastLoginAtUtc { get; set; }

    /// <summary>An admin requires this account to sign in with an authenticator code (admins may be required by <c>Security:RequireAdminTwoFactor</c> too).</summary>
    public bool RequireTwoFactor { get; set; }

    /// <summary>Recharge placements this reseller may attempt per minute, set by an admin; null = <c>RateLimits:RechargesPerResellerPerMinute</c>.</summary>
    public int? RechargesPerMinuteLimit { get; set; }

    /// <summary>The password was set by someone else (an admin, or generated at first start): the person chooses their own before anything else opens.</summary>
    public bool MustChangePassword { get; set; }

    /// <summary>The reseller this reseller hangs under (a distributor above a dealer); null = directly under the admins.</summary>
    public string? ParentId { get; set; }

    /// <summary>This reseller may create resellers under themself (<c>/my-resellers</c>); set by their parent or an admin.</summary>
    public bool CanCreateSubResellers { get; set; }

    /// <summary>The language this person chose (<c>en</c> or <c>bn</c>); null = not chosen yet (the browser's cookie or language decides).</summary>
    [MaxLength(8)]
    public string? Language { get; set; }

    /// <summary>In Bangla, figures in Latin digits rather than Bengali ones (a shop's preference; off by default).</summary>
    public bool LatinDigits { get; set; }

    /// <summary>Locked by an admin or by too many wrong passwords, as of <paramref name="nowUtc"/>.</summary>
    public bool IsLockedAt(DateTimeOffset nowUtc) => LockoutEnd is { } end && end > nowUtc;
}

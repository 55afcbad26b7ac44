using RechargePortal.Data;

namespace RechargePortal.Security;

/// <summary>
/// Accounts that must sign in with an authenticator code (every admin while <c>Security:RequireAdminTwoFactor</c>,
/// and anyone an admin marked <see cref="PortalUser.RequireTwoFactor"/>) and have not set one up are sent to
/// <see cref="SetupPath"/> before any page of the portal opens. The session carries the fact as a claim
/// (refreshed with the session's revalidation), so no request pays a database read for it.
/// </summary>
public static class TwoFactorRequirement
{
    public const string SetupPendingClaim = "rp:2fa_setup_pending";

    public const string SetupPath = "/Account/Manage/TwoFactor";

    public static bool IsRequired(PortalUser user, bool isAdmin, SecurityOptions options) =>
        user.RequireTwoFactor || (isAdmin && options.RequireAdminTwoFactor);

    /// <summary>After authentication: a session still to set up 2FA gets only the Account pages (setting it up, changing the password, signing out).</summary>
    public static WebApplication UseTwoFactorRequirement(this WebApplication app) =>
        app.UsePendingStep(SetupPendingClaim, SetupPath,
            path => path.StartsWithSegments("/Account", StringComparison.OrdinalIgnoreCase),
            "Set up two-factor sign-in first.");
}

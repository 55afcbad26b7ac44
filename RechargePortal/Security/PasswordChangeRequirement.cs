namespace RechargePortal.Security;

/// <summary>
/// A password someone else set (an admin's create or reset, a generated first-admin password) is temporary: its owner is
/// sent to <see cref="ChangePath"/> before any other page opens, and only signing out is allowed besides. The session
/// carries the fact as a claim; changing the password refreshes the session without it.
/// </summary>
public static class PasswordChangeRequirement
{
    public const string PendingClaim = "rp:password_change_pending";

    public const string ChangePath = "/Account/Manage/ChangePassword";

    public const string LogoutPath = "/Account/Logout";

    /// <summary>After authentication, before the two-factor set-up step (a new password comes first).</summary>
    public static WebApplication UsePasswordChangeRequirement(this WebApplication app) =>
        app.UsePendingStep(PendingClaim, ChangePath,
            path => path.Equals(ChangePath, StringComparison.OrdinalIgnoreCase) || path.Equals(LogoutPath, StringComparison.OrdinalIgnoreCase),
            "Choose your own password first.");
}

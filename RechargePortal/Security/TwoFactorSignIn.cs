using Microsoft.AspNetCore.Identity;
using RechargePortal.Data;

namespace RechargePortal.Security;

/// <summary>
/// The second sign-in step, after a right password: an authenticator code or a one-time recovery code.
/// A wrong code counts towards the lockout like a wrong password, and a locked account is refused
/// whatever the code; the pages show one message for both.
/// </summary>
public sealed class TwoFactorSignIn(SignInManager<PortalUser> signInManager, UserManager<PortalUser> users, PasswordSignIn passwordSignIn, ILogger<TwoFactorSignIn> logger)
{
    /// <summary>The one message for a wrong code and a locked account (after a right password, a lock must not show).</summary>
    public const string Refused = "Error: That code was not accepted.";

    /// <summary>The user who typed the right password on this browser, or null when that step expired or never happened.</summary>
    public Task<PortalUser?> PendingUserAsync() => signInManager.GetTwoFactorAuthenticationUserAsync();

    public async Task<SignInResult> WithAuthenticatorCodeAsync(PortalUser user, string code, bool rememberMe, bool rememberDevice)
    {
        // Identity counts a wrong code towards the lockout and refuses a locked account before checking the code.
        var result = await signInManager.TwoFactorAuthenticatorSignInAsync(AuthenticatorSetup.NormalizeCode(code), rememberMe, rememberDevice);
        return await LoggedAsync(user, result, "authenticator code");
    }

    public async Task<SignInResult> WithRecoveryCodeAsync(PortalUser user, string code)
    {
        if (await users.IsLockedOutAsync(user))
        {
            return await LoggedAsync(user, SignInResult.LockedOut, "recovery code");
        }

        var failedBefore = await users.GetAccessFailedCountAsync(user);
        var result = await signInManager.TwoFactorRecoveryCodeSignInAsync(code.Replace(" ", "", StringComparison.Ordinal).Trim());
        // Identity does not count a wrong recovery code; here it counts like any wrong code.
        if (result == SignInResult.Failed && await users.GetAccessFailedCountAsync(user) == failedBefore)
        {
            await users.AccessFailedAsync(user);
            if (await users.IsLockedOutAsync(user))
            {
                result = SignInResult.LockedOut;
            }
        }

        return await LoggedAsync(user, result, "recovery code");
    }

    /// <summary>
    /// A signed-in user's current code, asked before their two-factor setting changes (turning it off, new recovery codes):
    /// a wrong one counts towards the lockout as at sign-in (and a lock ends the session, as on the change-password page);
    /// a right one clears the count. A recovery code counts (and is used up) only where <paramref name="recoveryCodeAllowed"/>.
    /// </summary>
    public async Task<CurrentCredentialCheck> CheckCurrentCodeAsync(PortalUser user, string typed, bool recoveryCodeAllowed)
    {
        if (await users.IsLockedOutAsync(user))
        {
            return CurrentCredentialCheck.LockedOut;
        }

        // A recovery code keeps its dash ("abcde-12345"); an app's code may be typed with spaces.
        typed = typed.Trim();
        var right = await users.VerifyTwoFactorTokenAsync(user, users.Options.Tokens.AuthenticatorTokenProvider, AuthenticatorSetup.NormalizeCode(typed))
            || (recoveryCodeAllowed && await users.RedeemTwoFactorRecoveryCodeAsync(user, typed) is { Succeeded: true });
        if (right)
        {
            if (await users.GetAccessFailedCountAsync(user) > 0)
            {
                await users.ResetAccessFailedCountAsync(user);
            }

            return CurrentCredentialCheck.Correct;
        }

        await users.AccessFailedAsync(user);
        logger.LogWarning("Wrong current code for {UserId} on the two-factor settings page.", user.Id);
        return await users.IsLockedOutAsync(user) ? CurrentCredentialCheck.LockedOut : CurrentCredentialCheck.Wrong;
    }

    private async Task<SignInResult> LoggedAsync(PortalUser user, SignInResult result, string kind)
    {
        if (result.Succeeded)
        {
            await passwordSignIn.RecordSignInAsync(user);
            logger.LogInformation("User {UserId} signed in with a {Kind}.", user.Id, kind);
        }
        else
        {
            logger.LogWarning("Refused {Kind} for {UserId}{Locked}.", kind, user.Id, result.IsLockedOut ? ": account locked" : "");
        }

        return result;
    }
}

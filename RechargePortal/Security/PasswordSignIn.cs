using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;
using RechargePortal.Data;

namespace RechargePortal.Security;

/// <summary>
/// Sign-in by email and password that tells an attacker nothing about the account: an unknown email and
/// a locked account cost one password hash, like a wrong password, and the login page shows the same
/// message for all three. Wrong passwords count towards the lockout (<c>Security:MaxFailedLogins</c>).
/// </summary>
public sealed class PasswordSignIn(SignInManager<PortalUser> signInManager, UserManager<PortalUser> users, TimeProvider time, ILogger<PasswordSignIn> logger)
{
    /// <summary>The one message for a wrong password, an unknown email and a locked account.</summary>
    public const string Refused = "Error: Wrong email or password.";

    // A hash of a random password made with the configured hasher (same algorithm and iteration count as
    // every real one), checked when there is no user so the answer takes as long as a wrong password.
    private static readonly PortalUser NoUser = new();
    private static string? dummyHash;

    private string DummyHash => dummyHash ??= users.PasswordHasher.HashPassword(NoUser, Convert.ToBase64String(RandomNumberGenerator.GetBytes(24)));

    public async Task<SignInResult> SignInAsync(string email, string password, bool rememberMe)
    {
        var user = await users.FindByNameAsync(email);
        if (user is null)
        {
            users.PasswordHasher.VerifyHashedPassword(NoUser, DummyHash, password);
            logger.LogWarning("Failed sign-in for {Email}: no such account.", email);
            return SignInResult.Failed;
        }

        // Identity answers "locked out" before it hashes anything: hash anyway, and count nothing.
        if (await users.IsLockedOutAsync(user))
        {
            users.PasswordHasher.VerifyHashedPassword(user, user.PasswordHash ?? DummyHash, password);
            logger.LogWarning("Sign-in refused for {UserId}: account locked.", user.Id);
            return SignInResult.LockedOut;
        }

        var result = await signInManager.PasswordSignInAsync(user, password, rememberMe, lockoutOnFailure: true);
        if (!result.Succeeded && !result.RequiresTwoFactor)
        {
            logger.LogWarning("Failed sign-in for {UserId}{Locked}.", user.Id, result.IsLockedOut ? ": now locked out" : "");
        }

        return result;
    }

    /// <summary>A completed sign-in (password, and the code when two-factor is on), shown as the last login.</summary>
    public async Task RecordSignInAsync(PortalUser user)
    {
        user.LastLoginAtUtc = time.GetUtcNow().UtcDateTime;
        await users.UpdateAsync(user);
        Localization.PortalLanguage.CopyProfileChoice(signInManager.Context, user);
        logger.LogInformation("User {UserId} signed in.", user.Id);
    }

    /// <summary>
    /// A signed-in user's current password, checked before a change: a wrong one counts towards the lockout
    /// as at sign-in (and a lock ends the session); a right one clears the count.
    /// </summary>
    public async Task<CurrentCredentialCheck> CheckCurrentPasswordAsync(PortalUser user, string password)
    {
        if (await users.IsLockedOutAsync(user))
        {
            return CurrentCredentialCheck.LockedOut;
        }

        if (await users.CheckPasswordAsync(user, password))
        {
            await users.ResetAccessFailedCountAsync(user);
            return CurrentCredentialCheck.Correct;
        }

        await users.AccessFailedAsync(user);
        logger.LogWarning("Wrong current password for {UserId} on the change-password page.", user.Id);
        return await users.IsLockedOutAsync(user) ? CurrentCredentialCheck.LockedOut : CurrentCredentialCheck.Wrong;
    }
}

public enum CurrentCredentialCheck
{
    Correct,
    Wrong,
    LockedOut,
}

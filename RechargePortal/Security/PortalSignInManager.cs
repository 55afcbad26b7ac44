using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using RechargePortal.Data;

namespace RechargePortal.Security;

/// <summary>
/// Identity's sign-in, with a server-side session behind each sign-in cookie: every way of signing in (password,
/// authenticator code, recovery code, remembered device) ends in <see cref="SignInWithClaimsAsync"/>, which starts a
/// <see cref="UserSession"/> and puts its id in the cookie; signing out ends it, so a copy of the cookie is refused.
/// </summary>
public sealed class PortalSignInManager(
    UserManager<PortalUser> userManager,
    IHttpContextAccessor contextAccessor,
    IUserClaimsPrincipalFactory<PortalUser> claimsFactory,
    IOptions<IdentityOptions> optionsAccessor,
    ILogger<SignInManager<PortalUser>> logger,
    IAuthenticationSchemeProvider schemes,
    IUserConfirmation<PortalUser> confirmation,
    UserSessionService sessions)
    : SignInManager<PortalUser>(userManager, contextAccessor, claimsFactory, optionsAccessor, logger, schemes, confirmation)
{
    // Set while RefreshSignInAsync re-issues the cookie (after a password or 2FA change): the same session goes on.
    private string? refreshingSessionId;

    public override async Task SignInWithClaimsAsync(PortalUser user, AuthenticationProperties? authenticationProperties, IEnumerable<Claim> additionalClaims)
    {
        var sessionId = refreshingSessionId ?? await sessions.StartAsync(
            user.Id, Context.Connection.RemoteIpAddress?.ToString(), Context.Request.Headers.UserAgent.ToString());
        await base.SignInWithClaimsAsync(user, authenticationProperties, [.. additionalClaims, new Claim(UserSessionService.SessionIdClaim, sessionId)]);
    }

    public override async Task RefreshSignInAsync(PortalUser user)
    {
        refreshingSessionId = UserSessionService.SessionIdOf(Context.User);
        try
        {
            await base.RefreshSignInAsync(user);
        }
        finally
        {
            refreshingSessionId = null;
        }
    }

    public override async Task SignOutAsync()
    {
        if (UserSessionService.SessionIdOf(Context.User) is { } sessionId)
        {
            await sessions.EndAsync(sessionId, SessionEndReason.SignedOut);
        }

        await base.SignOutAsync();
    }
}

using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using RechargePortal.Data;
using RechargePortal.Security;

namespace RechargePortal.Components.Account;

// Re-checks the connected user every few seconds while a circuit is open: a locked account, a reset
// password or a changed role (all change the security stamp), a sign-out elsewhere, or a session gone idle
// or past its absolute lifetime ends the session's open pages.
internal sealed class IdentityRevalidatingAuthenticationStateProvider(
        ILoggerFactory loggerFactory,
        IServiceScopeFactory scopeFactory,
        IOptions<IdentityOptions> identityOptions,
        IOptions<SecurityOptions> securityOptions,
        UserSessionService sessions,
        TimeProvider time)
    : RevalidatingServerAuthenticationStateProvider(loggerFactory)
{
    protected override TimeSpan RevalidationInterval =>
        TimeSpan.FromSeconds(Math.Max(1, securityOptions.Value.SessionRevalidationSeconds));

    protected override Task<bool> ValidateAuthenticationStateAsync(
        AuthenticationState authenticationState, CancellationToken cancellationToken) =>
        IsStillValidAsync(authenticationState.User, cancellationToken);

    /// <summary>The check each revalidation makes (internal so the tests can make it without a circuit).</summary>
    internal async Task<bool> IsStillValidAsync(ClaimsPrincipal principal, CancellationToken cancellationToken = default)
    {
        if (!await sessions.IsActiveAsync(principal, cancellationToken))
        {
            return false;
        }

        await using var scope = scopeFactory.CreateAsyncScope();
        var userManager = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        var user = await userManager.GetUserAsync(principal);
        if (user is null || user.IsLockedAt(time.GetUtcNow()))
        {
            return false;
        }

        var principalStamp = principal.FindFirstValue(identityOptions.Value.ClaimsIdentity.SecurityStampClaimType);
        return principalStamp == await userManager.GetSecurityStampAsync(user);
    }
}

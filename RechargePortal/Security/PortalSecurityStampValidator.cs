using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using RechargePortal.Data;

namespace RechargePortal.Security;

/// <summary>
/// Identity's security-stamp check, except that a stale stamp only refuses the request: Identity's own also deletes the
/// browser's sign-in cookie, and the stamp changes under the user's own session too (setting up 2FA, changing the
/// password re-issue its cookie), so a request still in flight with the previous cookie deleted the new one and signed
/// the user out. A cookie with a stale stamp is refused on every request anyway.
/// </summary>
public sealed class PortalSecurityStampValidator(
    IOptions<SecurityStampValidatorOptions> options, SignInManager<PortalUser> signInManager, ILoggerFactory logger)
    : SecurityStampValidator<PortalUser>(options, signInManager, logger)
{
    public override async Task ValidateAsync(CookieValidatePrincipalContext context)
    {
        if (context.Properties.IssuedUtc is { } issued && TimeProvider.GetUtcNow() - issued <= Options.ValidationInterval)
        {
            return;
        }

        if (await VerifySecurityStamp(context.Principal) is { } user)
        {
            await SecurityStampVerified(user, context);
        }
        else
        {
            context.RejectPrincipal();
        }
    }
}

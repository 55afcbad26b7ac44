using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using RechargePortal.Data;

namespace RechargePortal.Security;

/// <summary>
/// Adds the person's full name and email to their session, so the app bar can greet them, and whether they
/// still have to set up two-factor sign-in (<see cref="TwoFactorRequirement"/>) or to replace a password someone else set
/// (<see cref="PasswordChangeRequirement"/>).
/// </summary>
public sealed class PortalClaimsPrincipalFactory(
    UserManager<PortalUser> userManager,
    RoleManager<IdentityRole> roleManager,
    IOptions<IdentityOptions> options,
    IOptions<SecurityOptions> security)
    : UserClaimsPrincipalFactory<PortalUser, IdentityRole>(userManager, roleManager, options)
{
    public const string FullNameClaim = "rp:full_name";

    protected override async Task<ClaimsIdentity> GenerateClaimsAsync(PortalUser user)
    {
        var identity = await base.GenerateClaimsAsync(user);
        if (!string.IsNullOrWhiteSpace(user.FullName))
        {
            identity.AddClaim(new Claim(FullNameClaim, user.FullName));
        }

        var isAdmin = identity.HasClaim(identity.RoleClaimType, Roles.Admin);
        if (!user.TwoFactorEnabled && TwoFactorRequirement.IsRequired(user, isAdmin, security.Value))
        {
            identity.AddClaim(new Claim(TwoFactorRequirement.SetupPendingClaim, "true"));
        }

        if (user.MustChangePassword)
        {
            identity.AddClaim(new Claim(PasswordChangeRequirement.PendingClaim, "true"));
        }

        return identity;
    }
}

using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using RechargePortal.Data;
using RechargePortal.Security;

namespace RechargePortal.Components.Account;

internal static class IdentityEndpoints
{
    // The Account pages are static SSR; signing out is a plain form post to this endpoint.
    public static IEndpointConventionBuilder MapPortalIdentityEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var account = endpoints.MapGroup("/Account");
        account.MapPost("/Logout", async (
            [FromServices] SignInManager<PortalUser> signInManager,
            [FromForm] string? returnUrl) =>
        {
            await signInManager.SignOutAsync();
            return TypedResults.LocalRedirect("~/Account/Login");
        });
        // Open pages' script reports the person's input here (a post without a session answers 401, not a redirect).
        endpoints.MapPost(UserActivity.Path, UserActivity.Report).AllowAnonymous();
        return account;
    }
}

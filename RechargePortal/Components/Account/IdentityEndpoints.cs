using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using RechargePortal.Data;

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
        return account;
    }
}

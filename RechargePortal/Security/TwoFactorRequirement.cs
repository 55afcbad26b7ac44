using Microsoft.AspNetCore.Authorization;
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

    /// <summary>After authentication: a session still to set up 2FA gets only the Account pages and what needs no sign-in.</summary>
    public static WebApplication UseTwoFactorRequirement(this WebApplication app)
    {
        app.Use(async (http, next) =>
        {
            if (http.User.HasClaim(c => c.Type == SetupPendingClaim) && !OpenBeforeSetup(http))
            {
                if (HttpMethods.IsGet(http.Request.Method) || HttpMethods.IsHead(http.Request.Method))
                {
                    http.Response.Redirect(SetupPath);
                }
                else
                {
                    // With a body, so the status-code page does not re-run the request as a form post.
                    await Results.Problem(title: "Set up two-factor sign-in first.", detail: $"This account signs in with an authenticator code: set it up at {SetupPath}.",
                        statusCode: StatusCodes.Status403Forbidden).ExecuteAsync(http);
                }

                return;
            }

            await next();
        });
        return app;
    }

    // The Account pages (setting up 2FA, changing the password, signing out), and whatever an anonymous visitor
    // may open anyway (static assets, /health, the sign-in pages). An unknown address goes on to its 404.
    private static bool OpenBeforeSetup(HttpContext http) =>
        http.Request.Path.StartsWithSegments("/Account", StringComparison.OrdinalIgnoreCase)
        || http.GetEndpoint() is not { } endpoint
        || endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null;
}

using Microsoft.AspNetCore.Authorization;

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
    public static WebApplication UsePasswordChangeRequirement(this WebApplication app)
    {
        app.Use(async (http, next) =>
        {
            if (http.User.HasClaim(c => c.Type == PendingClaim) && !OpenBeforeChange(http))
            {
                if (HttpMethods.IsGet(http.Request.Method) || HttpMethods.IsHead(http.Request.Method))
                {
                    http.Response.Redirect(ChangePath);
                }
                else
                {
                    // With a body, so the status-code page does not re-run the request as a form post.
                    await Results.Problem(title: "Choose your own password first.", detail: $"Your password was set by an admin: change it at {ChangePath}.",
                        statusCode: StatusCodes.Status403Forbidden).ExecuteAsync(http);
                }

                return;
            }

            await next();
        });
        return app;
    }

    private static bool OpenBeforeChange(HttpContext http) =>
        http.Request.Path.Equals(ChangePath, StringComparison.OrdinalIgnoreCase)
        || http.Request.Path.Equals(LogoutPath, StringComparison.OrdinalIgnoreCase)
        || http.GetEndpoint() is not { } endpoint
        || endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null;
}

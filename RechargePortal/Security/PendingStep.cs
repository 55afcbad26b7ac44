using Microsoft.AspNetCore.Authorization;
using RechargePortal.Localization;

namespace RechargePortal.Security;

/// <summary>
/// A step a session must take before the portal opens (choose a password, set up two-factor), carried as a claim: GETs
/// go to the step's page, other requests get 403, except the paths the step allows and whatever needs no sign-in
/// (static assets, <c>/health</c>, the sign-in pages). An unknown address goes on to its 404.
/// </summary>
internal static class PendingStep
{
    public static WebApplication UsePendingStep(this WebApplication app, string claim, string stepPath, Func<PathString, bool> allowed, string refusal)
    {
        app.Use(async (http, next) =>
        {
            if (http.User.HasClaim(c => c.Type == claim) && !allowed(http.Request.Path)
                && http.GetEndpoint() is { } endpoint && endpoint.Metadata.GetMetadata<IAllowAnonymous>() is null)
            {
                if (HttpMethods.IsGet(http.Request.Method) || HttpMethods.IsHead(http.Request.Method))
                {
                    http.Response.Redirect(stepPath);
                }
                else
                {
                    // With a body, so the status-code page does not re-run the request as a form post.
                    await Results.Problem(title: Ui.Text(refusal), detail: Ui.Text("Go to {0} first.", stepPath), statusCode: StatusCodes.Status403Forbidden).ExecuteAsync(http);
                }

                return;
            }

            await next();
        });
        return app;
    }
}

using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Diagnostics;

namespace RechargePortal.Security;

public static class AntiforgeryRefusals
{
    /// <summary>
    /// A form post whose antiforgery token is missing or stale (sign-out, the language switch) answers its 400 as it is:
    /// the status-code page would re-run it as a POST, meet the same token again and fail with a 500.
    /// </summary>
    public static WebApplication UseAntiforgeryWithPlainRefusals(this WebApplication app)
    {
        app.UseAntiforgery();
        app.Use((http, next) =>
        {
            if (http.Features.Get<IAntiforgeryValidationFeature>() is { IsValid: false } && http.Features.Get<IStatusCodePagesFeature>() is { } pages)
            {
                pages.Enabled = false;
            }

            return next(http);
        });
        return app;
    }
}

using Microsoft.Extensions.FileProviders;

namespace RechargePortal.Components;

public static class PortalAssets
{
    public const string RequestPath = "/assets";

    /// <summary>Serves the repository's <c>wwwroot-assets/</c> (copied next to the binaries) at <c>/assets</c>.</summary>
    public static IApplicationBuilder UsePortalAssets(this WebApplication app)
    {
        var folder = Path.Combine(AppContext.BaseDirectory, "wwwroot-assets");
        if (!Directory.Exists(folder))
        {
            app.Logger.LogWarning("Portal assets folder {Folder} is missing; the theme and logos will not load.", folder);
            return app;
        }

        return app.UseStaticFiles(new StaticFileOptions
        {
            FileProvider = new PhysicalFileProvider(folder),
            RequestPath = RequestPath,
            OnPrepareResponse = ctx => ctx.Context.Response.Headers.CacheControl = "public,max-age=3600",
        });
    }
}

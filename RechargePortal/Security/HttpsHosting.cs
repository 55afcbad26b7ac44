using System.Net;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;

namespace RechargePortal.Security;

/// <summary>
/// HTTPS outside Development (a redirect from http, and HSTS so the browser does not try http again), and the
/// client's address and scheme as a reverse proxy reports them, believed only from <c>Security:KnownProxies</c>.
/// </summary>
public static class HttpsHosting
{
    public static WebApplicationBuilder AddHttpsHosting(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<SecurityOptions>>((forwarded, security) =>
        {
            forwarded.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            // Only the configured proxies (the framework would otherwise trust loopback too).
            forwarded.KnownProxies.Clear();
            forwarded.KnownIPNetworks.Clear();
            foreach (var proxy in security.Value.KnownProxies)
            {
                if (proxy.Contains('/', StringComparison.Ordinal))
                {
                    forwarded.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(proxy));
                }
                else
                {
                    forwarded.KnownProxies.Add(IPAddress.Parse(proxy));
                }
            }

            // Walk back through every known proxy in a chain (CDN, then load balancer) to the first address that is not one.
            forwarded.ForwardLimit = null;
        });
        builder.Services.AddHsts(hsts =>
        {
            hsts.MaxAge = TimeSpan.FromDays(365);
            hsts.IncludeSubDomains = true;
        });
        return builder;
    }

    /// <summary>
    /// First after the security headers: everything later (HTTPS redirection, the sign-in rate limits, session
    /// records) must see the client's own address and scheme.
    /// </summary>
    public static WebApplication UseForwardedHeadersFromKnownProxies(this WebApplication app)
    {
        // With no proxy configured the middleware would believe anyone's headers: leave it out.
        if (app.Services.GetRequiredService<IOptions<SecurityOptions>>().Value.KnownProxies.Count > 0)
        {
            app.UseForwardedHeaders();
        }

        return app;
    }

    /// <summary>Outside Development: http is redirected to https, and https answers carry HSTS.</summary>
    public static WebApplication UseHttpsOutsideDevelopment(this WebApplication app)
    {
        if (!app.Environment.IsDevelopment())
        {
            app.UseHsts();
            app.UseHttpsRedirection();
        }

        return app;
    }
}

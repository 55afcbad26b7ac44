using System.Security.Cryptography;

namespace RechargePortal.Security;

/// <summary>
/// The headers every answer carries (pages, downloads, static files, <c>/hangfire</c>, error pages): no MIME
/// sniffing, no referrer, and a Content Security Policy that lets the page run only the portal's own scripts.
/// Kestrel's <c>Server</c> header is off.
/// </summary>
public static class SecurityHeaders
{
    private static readonly object NonceKey = new();

    public static WebApplicationBuilder AddSecurityHeaders(this WebApplicationBuilder builder)
    {
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.AddServerHeader = false);
        return builder;
    }

    /// <summary>First in the pipeline, so every answer gets the headers, whatever ends it.</summary>
    public static WebApplication UseSecurityHeaders(this WebApplication app)
    {
        app.Use((http, next) =>
        {
            // Set as the answer starts: survives the exception handler clearing the headers, and replaces
            // the frame-ancestors-only policy Blazor adds to its pages.
            http.Response.OnStarting(() =>
            {
                var headers = http.Response.Headers;
                headers.XContentTypeOptions = "nosniff";
                headers["Referrer-Policy"] = "no-referrer";
                headers.ContentSecurityPolicy = Policy(Nonce(http));
                return Task.CompletedTask;
            });
            return next(http);
        });
        return app;
    }

    /// <summary>This answer's script nonce: the one inline script the portal writes (Blazor's import map) carries it.</summary>
    public static string Nonce(HttpContext http)
    {
        if (http.Items[NonceKey] is not string nonce)
        {
            // URL-safe base64 (CSP allows - and _): nothing for HTML to escape in the attribute.
            nonce = System.Buffers.Text.Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(18));
            http.Items[NonceKey] = nonce;
        }

        return nonce;
    }

    /// <summary>
    /// default-src 'self': nothing from elsewhere. Scripts: the portal's files (blazor.web.js, MudBlazor.min.js,
    /// Hangfire's bundle) and the nonce'd import map; no inline script or eval. Styles: MudBlazor writes style
    /// attributes and a theme &lt;style&gt;, so inline styles are allowed (styles cannot run code). Images: data:
    /// for MudBlazor's CSS and Hangfire's icon. connect-src 'self' covers the circuit's WebSocket (same host).
    /// No plugins, no framing by other sites, forms post only here, no &lt;base&gt; elsewhere.
    /// </summary>
    public static string Policy(string nonce) =>
        "default-src 'self'; " +
        $"script-src 'self' 'nonce-{nonce}'; " +
        "style-src 'self' 'unsafe-inline'; " +
        "img-src 'self' data:; " +
        "connect-src 'self'; " +
        "object-src 'none'; " +
        "frame-ancestors 'self'; " +
        "form-action 'self'; " +
        "base-uri 'self'";
}

namespace RechargePortal.Security;

/// <summary>
/// What every cookie of the portal's sign-in and forms looks like: <c>__Host-</c> prefixed and <c>Secure</c> outside
/// Development (the browser then takes it only over HTTPS, for this host alone, never from a subdomain), HttpOnly
/// (no script reads it) and SameSite=Lax (another site's form post does not carry it; a link from an email still arrives signed in).
/// </summary>
public static class PortalCookies
{
    public const string HostPrefix = "__Host-";

    public const string Auth = "RechargePortal.Auth";
    public const string TwoFactorUserId = "RechargePortal.TwoFactorUserId";
    public const string TwoFactorRememberMe = "RechargePortal.TwoFactorRememberMe";
    public const string External = "RechargePortal.External";
    public const string Antiforgery = "RechargePortal.Antiforgery";

    /// <summary>
    /// Development runs on plain http (<c>dotnet run</c>), where a browser drops a Secure cookie and with it any
    /// <c>__Host-</c> one: there the names go without the prefix and Secure follows the request.
    /// </summary>
    public static void Apply(CookieBuilder cookie, string name, IHostEnvironment environment)
    {
        var development = environment.IsDevelopment();
        cookie.Name = development ? name : HostPrefix + name;
        cookie.SecurePolicy = development ? CookieSecurePolicy.SameAsRequest : CookieSecurePolicy.Always;
        cookie.HttpOnly = true;
        cookie.SameSite = SameSiteMode.Lax;
        // __Host- requires Path=/ and no Domain.
        cookie.Path = "/";
        cookie.Domain = null;
    }
}

using System.Security.Claims;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Identity;
using RechargePortal.Components.Account;
using RechargePortal.Data;

namespace RechargePortal.Security;

public static class IdentityRegistration
{
    public const int RememberDeviceDays = 30;

    public static WebApplicationBuilder AddPortalIdentity(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<SecurityOptions>()
            .Bind(builder.Configuration.GetSection(SecurityOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        var security = builder.Configuration.GetSection(SecurityOptions.Section).Get<SecurityOptions>() ?? new SecurityOptions();

        services.AddCascadingAuthenticationState();
        services.AddScoped<IdentityRedirectManager>();
        services.AddScoped<AuthenticationStateProvider, IdentityRevalidatingAuthenticationStateProvider>();

        services.AddAuthentication(options =>
            {
                options.DefaultScheme = IdentityConstants.ApplicationScheme;
                options.DefaultSignInScheme = IdentityConstants.ExternalScheme;
            })
            .AddIdentityCookies();

        var environment = builder.Environment;
        services.ConfigureApplicationCookie(cookie =>
        {
            PortalCookies.Apply(cookie.Cookie, PortalCookies.Auth, environment);
            cookie.LoginPath = "/Account/Login";
            cookie.LogoutPath = "/Account/Logout";
            cookie.AccessDeniedPath = "/Account/AccessDenied";
            // Not sliding: the cookie expires Security:AbsoluteHours after sign-in, as its session does (a security-stamp
            // refresh re-issues it with the same expiry). Idleness, which differs by role, is the session record's to judge.
            cookie.ExpireTimeSpan = security.AbsoluteLimit;
            cookie.SlidingExpiration = false;
            var validateSecurityStamp = cookie.Events.OnValidatePrincipal;
            cookie.Events.OnValidatePrincipal = context => ValidateSessionAsync(context, validateSecurityStamp);
        });
        services.Configure<CookieAuthenticationOptions>(IdentityConstants.TwoFactorUserIdScheme, cookie =>
            PortalCookies.Apply(cookie.Cookie, PortalCookies.TwoFactorUserId, environment));
        services.Configure<CookieAuthenticationOptions>(IdentityConstants.ExternalScheme, cookie =>
            PortalCookies.Apply(cookie.Cookie, PortalCookies.External, environment));
        // "Remember this device" on the second sign-in step skips it here for 30 days (until the password or 2FA changes).
        services.Configure<CookieAuthenticationOptions>(IdentityConstants.TwoFactorRememberMeScheme, cookie =>
        {
            PortalCookies.Apply(cookie.Cookie, PortalCookies.TwoFactorRememberMe, environment);
            cookie.ExpireTimeSpan = TimeSpan.FromDays(RememberDeviceDays);
        });
        services.AddAntiforgery(antiforgery => PortalCookies.Apply(antiforgery.Cookie, PortalCookies.Antiforgery, environment));

        // A cookie whose security stamp no longer matches (locked, password reset, role changed) is
        // refused on the next request after this interval; open pages are handled by the circuit's revalidation.
        services.Configure<SecurityStampValidatorOptions>(o =>
        {
            o.ValidationInterval = TimeSpan.FromSeconds(security.SessionRevalidationSeconds);
            // The refreshed principal is built afresh from the database: it must go on naming the same session.
            o.OnRefreshingPrincipal = context =>
            {
                if (context.CurrentPrincipal is { } current && UserSessionService.SessionIdOf(current) is { } sessionId)
                {
                    context.NewPrincipal?.Identities.First().AddClaim(new Claim(UserSessionService.SessionIdClaim, sessionId));
                }

                return Task.CompletedTask;
            };
        });

        services.AddIdentityCore<PortalUser>(options =>
            {
                options.SignIn.RequireConfirmedAccount = false;
                options.User.RequireUniqueEmail = true;
                // Length, not composition (ASVS 2.1.9); the maximum and the common-password list are PasswordPolicyValidator's.
                options.Password.RequiredLength = PasswordPolicyValidator.MinLength;
                options.Password.RequireDigit = false;
                options.Password.RequireLowercase = false;
                options.Password.RequireUppercase = false;
                options.Password.RequireNonAlphanumeric = false;
                options.Password.RequiredUniqueChars = 1;
                options.Lockout.AllowedForNewUsers = true;
                options.Lockout.MaxFailedAccessAttempts = security.MaxFailedLogins;
                options.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(security.LockoutMinutes);
            })
            .AddRoles<IdentityRole>()
            .AddEntityFrameworkStores<PortalDbContext>()
            .AddClaimsPrincipalFactory<PortalClaimsPrincipalFactory>()
            .AddPasswordValidator<PasswordPolicyValidator>()
            .AddSignInManager<PortalSignInManager>()
            .AddDefaultTokenProviders();
        services.AddScoped<ISecurityStampValidator, PortalSecurityStampValidator>();

        // Everything needs a signed-in user unless it says otherwise ([AllowAnonymous], AllowAnonymous()).
        services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build());

        services.AddSingleton<UserSessionService>();
        services.AddScoped<PasswordSignIn>();
        services.AddScoped<TwoFactorSignIn>();

        // Stateless: reads the database it is handed, so singletons (provider admin) can use it too.
        services.AddSingleton<ActiveUserGuard>();
        services.AddSingleton<StepUp>();
        services.AddSingleton<AdminActions>();
        return builder;
    }

    // Every request with the sign-in cookie: its session must still be going (not signed out, idle or too old), and
    // the request counts as activity unless it is the open page's own connection (UserActivity); then the security stamp (PortalSecurityStampValidator). A refused cookie is not
    // deleted: this request may be older than a cookie the browser got since (a new sign-in, or its own session
    // renewed when the stamp changed under it), and the refusal repeats on every request anyway. A stale stamp
    // leaves the session record be for the same reason.
    private static async Task ValidateSessionAsync(CookieValidatePrincipalContext context, Func<CookieValidatePrincipalContext, Task> validateSecurityStamp)
    {
        var sessions = context.HttpContext.RequestServices.GetRequiredService<UserSessionService>();
        var ct = context.HttpContext.RequestAborted;
        if (context.Principal is not { } principal
            || !await (UserActivity.CountsAsActivity(context.HttpContext.Request) ? sessions.UseAsync(principal, ct) : sessions.IsActiveAsync(principal, ct)))
        {
            context.RejectPrincipal();
            return;
        }

        await validateSecurityStamp(context);
    }
}

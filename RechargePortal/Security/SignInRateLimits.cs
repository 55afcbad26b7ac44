using System.Net;
using System.Net.Sockets;
using System.Security.Claims;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using RechargePortal.Localization;

namespace RechargePortal.Security;

/// <summary>
/// Marks a sign-in page, or one that checks codes (<c>@attribute [SignInRateLimited]</c>): its form posts count towards
/// <c>RateLimits:SignInPerIpPerMinute</c> and <c>RateLimits:SignInPerAccountPerMinute</c> for the account the form names
/// (<c>Input.Email</c>), else the one whose password was right on this browser (the two-factor sign-in steps), else the
/// signed-in user (the two-factor settings page). Over either limit the post gets a 429 page.
/// </summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class SignInRateLimitedAttribute : Attribute;

/// <summary>ASP.NET Core's rate limiter on sign-in posts: per client address and per account name.</summary>
public static class SignInRateLimits
{
    /// <summary>The form field that names the account.</summary>
    public const string AccountField = "Input.Email";

    public const string TooManyAttempts = "Too many sign-in attempts; wait a minute and try again.";

    private static readonly object AccountKey = new();

    public static WebApplicationBuilder AddSignInRateLimits(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<RateLimitOptions>()
            .Bind(builder.Configuration.GetSection(RateLimitOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();

        builder.Services.AddRateLimiter(options =>
        {
            options.GlobalLimiter = PartitionedRateLimiter.CreateChained(
                PartitionedRateLimiter.Create<HttpContext, string>(http =>
                    IsSignInPost(http)
                        ? PerMinute("ip:" + ClientAddress(http), Limits(http).SignInPerIpPerMinute)
                        : RateLimitPartition.GetNoLimiter("")),
                PartitionedRateLimiter.Create<HttpContext, string>(http =>
                    IsSignInPost(http) && http.Items[AccountKey] is string account
                        ? PerMinute("account:" + account, Limits(http).SignInPerAccountPerMinute)
                        : RateLimitPartition.GetNoLimiter("")));
            options.OnRejected = RejectAsync;
        });
        return builder;
    }

    /// <summary>After routing (the page's attribute decides), before anything reads the form or signs in.</summary>
    public static WebApplication UseSignInRateLimits(this WebApplication app)
    {
        // The limiter decides synchronously, so the account name is read from the form before it runs.
        app.Use(async (http, next) =>
        {
            if (IsSignInPost(http) && http.Request.HasFormContentType)
            {
                try
                {
                    var form = await http.Request.ReadFormAsync(http.RequestAborted);
                    if (NormalizeAccount(form[AccountField]) is { } account)
                    {
                        http.Items[AccountKey] = account;
                    }
                    else if ((await TwoFactorAccountAsync(http) ?? await SignedInAccountAsync(http)) is { } userId)
                    {
                        // The second step names no account: it is the one whose password was right on this browser.
                        // The two-factor settings page's codes are the signed-in user's, and share that count.
                        http.Items[AccountKey] = "user:" + userId;
                    }
                }
                catch (InvalidDataException)
                {
                    // A malformed form: only the address limit applies; the page refuses the form itself.
                }
            }

            await next();
        });
        app.UseRateLimiter();
        return app;
    }

    private static async Task<string?> TwoFactorAccountAsync(HttpContext http)
    {
        var pending = await http.AuthenticateAsync(IdentityConstants.TwoFactorUserIdScheme);
        return pending.Principal?.FindFirstValue(ClaimTypes.Name);
    }

    // The sign-in cookie's user, its session checked as authentication will (which reuses this result).
    private static async Task<string?> SignedInAccountAsync(HttpContext http)
    {
        var signedIn = await http.AuthenticateAsync(IdentityConstants.ApplicationScheme);
        var userIdClaim = http.RequestServices.GetRequiredService<IOptions<IdentityOptions>>().Value.ClaimsIdentity.UserIdClaimType;
        return signedIn.Principal?.FindFirstValue(userIdClaim);
    }

    /// <summary>The account name as the limiter counts it: trimmed, upper-case, at most an email's length.</summary>
    public static string? NormalizeAccount(string? email)
    {
        var account = email?.Trim().ToUpperInvariant();
        return string.IsNullOrEmpty(account) ? null : account[..Math.Min(account.Length, 256)];
    }

    /// <summary>
    /// The client's address as the limiter counts it: IPv4 as it is, IPv6 by its /64 network (one household
    /// or server gets a whole /64, so counting single addresses would let it rotate).
    /// </summary>
    public static string ClientAddress(HttpContext http)
    {
        var address = http.Connection.RemoteIpAddress;
        if (address is null)
        {
            return "unknown";
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            var bytes = address.GetAddressBytes();
            Array.Clear(bytes, 8, 8);
            return new IPAddress(bytes) + "/64";
        }

        return address.ToString();
    }

    private static bool IsSignInPost(HttpContext http) =>
        HttpMethods.IsPost(http.Request.Method) && http.GetEndpoint()?.Metadata.GetMetadata<SignInRateLimitedAttribute>() is not null;

    private static RateLimitOptions Limits(HttpContext http) => http.RequestServices.GetRequiredService<IOptions<RateLimitOptions>>().Value;

    private static RateLimitPartition<string> PerMinute(string key, int permits) =>
        RateLimitPartition.GetSlidingWindowLimiter(key, _ => new SlidingWindowRateLimiterOptions
        {
            PermitLimit = permits,
            Window = TimeSpan.FromMinutes(1),
            SegmentsPerWindow = 6,
            QueueLimit = 0,
        });

    private static async ValueTask RejectAsync(OnRejectedContext context, CancellationToken ct)
    {
        var http = context.HttpContext;
        http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(SignInRateLimits))
            .LogWarning("Sign-in post refused by the rate limit: address {Address}, account {Account}.",
                ClientAddress(http), http.Items[AccountKey] as string ?? "(none)");
        http.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        http.Response.Headers.RetryAfter = "60";
        http.Response.ContentType = "text/html; charset=utf-8";
        await http.Response.WriteAsync(TooManyAttemptsPage(), ct);
    }

    // A page of its own (the limiter answers before the app renders anything), in the sign-in pages' look and the request's
    // language (request localization runs before the limiter). The texts are the resource files' own, without markup.
    private static string TooManyAttemptsPage() => $"""
        <!DOCTYPE html>
        <html lang="{(PortalLanguage.Current.IsBangla ? PortalLanguage.Bangla : PortalLanguage.English)}">
        <head>
            <meta charset="utf-8" />
            <meta name="viewport" content="width=device-width, initial-scale=1.0" />
            <title>{Ui.Text("Too many sign-in attempts")} · RechargePortal</title>
            <link rel="stylesheet" href="/_content/MudBlazor/MudBlazor.min.css" />
            <link rel="stylesheet" href="/assets/css/portal.css" />
        </head>
        <body>
            <div class="rp-account">
                <div class="mud-paper mud-elevation-3 rp-account-card">
                    <h1 class="rp-account-heading">{Ui.Text("Too many sign-in attempts")}</h1>
                    <div class="rp-alert rp-alert-error" role="alert">{Ui.Text(TooManyAttempts)}</div>
                    <div class="rp-links"><a href="/Account/Login">{Ui.Text("Back to log in")}</a></div>
                </div>
            </div>
        </body>
        </html>
        """;
}

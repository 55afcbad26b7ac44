using System.Security.Claims;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using RechargePortal.Features.Wallets;
using RechargePortal.Security;

namespace RechargePortal.Features.Api;

public sealed record BalanceResponse(decimal Balance, string Currency);

/// <summary>The reseller API under <c>/api/v1</c>: its keys, its authentication scheme, its rate limit and its endpoints.</summary>
public static class ApiEndpoints
{
    /// <summary>The authorization policy (and rate-limit policy) of every API endpoint: an API key, never the sign-in cookie.</summary>
    public const string Policy = "ApiKey";

    public const string Currency = "BDT";

    public static WebApplicationBuilder AddResellerApi(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<ApiOptions>()
            .Bind(builder.Configuration.GetSection(ApiOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<ApiKeyService>();
        builder.Services.AddAuthentication()
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(Policy, policy => policy
                .AddAuthenticationSchemes(ApiKeyAuthenticationHandler.SchemeName)
                .RequireAuthenticatedUser()
                .RequireRole(Roles.Reseller));
        builder.Services.AddRateLimiter(options => options.AddPolicy<string, ApiKeyRateLimit>(Policy));
        return builder;
    }

    public static WebApplication MapApiV1(this WebApplication app)
    {
        var api = app.MapGroup("/api/v1")
            .RequireAuthorization(Policy)
            .RequireRateLimiting(Policy)
            .DisableAntiforgery();

        api.MapGet("/balance", async (ClaimsPrincipal user, WalletService wallets, CancellationToken ct) =>
        {
            var actor = Actor.From(user);
            return await wallets.FindByUserAsync(actor, actor.UserId, ct) is { } wallet
                ? Results.Ok(new BalanceResponse(wallet.Balance.Poisha * 0.01m, Currency))
                : ApiProblems.NotFound.ToResult();
        });

        // An unknown API address answers the API's way (problem+json, after the key is checked), not with the portal's HTML pages.
        api.MapFallback(() => ApiProblems.NotFound.ToResult());
        return app;
    }

    /// <summary>
    /// A token bucket per key (<c>Api:RequestsPerSecond</c>, <c>Api:Burst</c>). The limiter runs before authentication,
    /// so a key's bucket is found by the key's hash, one to one with the key; a request without a key is left to the 401.
    /// </summary>
    private sealed class ApiKeyRateLimit(IOptions<ApiOptions> options) : IRateLimiterPolicy<string>
    {
        public Func<OnRejectedContext, CancellationToken, ValueTask>? OnRejected { get; } = async (context, _) =>
        {
            var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)) : 1;
            context.HttpContext.Response.Headers.RetryAfter = retryAfter.ToString(System.Globalization.CultureInfo.InvariantCulture);
            await ApiProblems.RateLimited.WriteAsync(context.HttpContext);
        };

        public RateLimitPartition<string> GetPartition(HttpContext http)
        {
            if (ApiKeyAuthenticationHandler.BearerToken(http.Request) is not { } token)
            {
                return RateLimitPartition.GetNoLimiter("");
            }

            var limits = options.Value;
            return RateLimitPartition.GetTokenBucketLimiter(ApiKeySecrets.HashOf(token), _ => new TokenBucketRateLimiterOptions
            {
                TokenLimit = limits.Burst,
                TokensPerPeriod = limits.RequestsPerSecond,
                ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                QueueLimit = 0,
                AutoReplenishment = true,
            });
        }
    }
}

using System.Globalization;
using System.Security.Claims;
using System.Text.Json;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using RechargePortal.Features.Recharges;
using RechargePortal.Jobs;
using RechargePortal.Features.Wallets;
using RechargePortal.Providers;
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

        // Callbacks: their own client (no redirects, the internal-address check where it connects), service and jobs.
        builder.Services.AddHttpClient(CallbackDeliveryService.HttpClientName, client => client.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(services => CallbackDeliveryService.CreateHandler(
                CallbackUrl.InsecureAllowed(services.GetRequiredService<IHostEnvironment>(), services.GetRequiredService<IOptions<ApiOptions>>().Value)))
            // A reseller's callback URL may carry its own token: it never reaches a log.
            .RemoveAllLoggers();
        builder.Services.AddSingleton<CallbackDeliveryService>();
        builder.Services.AddTransient<DeliverApiCallbacksJob>();
        builder.Services.AddHostedService<ApiCallbackScheduler>();

        builder.AddApiDocumentation();
        return builder;
    }

    public static WebApplication MapApiV1(this WebApplication app)
    {
        var api = app.MapGroup("/api/v1")
            .RequireAuthorization(Policy)
            .RequireRateLimiting(Policy)
            .DisableAntiforgery()
            .ProducesApiProblems(ApiProblems.Unauthorized, ApiProblems.AddressNotAllowed, ApiProblems.AccountLocked, ApiProblems.RateLimited);

        api.MapGet("/balance", async (ClaimsPrincipal user, WalletService wallets, CancellationToken ct) =>
        {
            var actor = Actor.From(user);
            return await wallets.FindByUserAsync(actor, actor.UserId, ct) is { } wallet
                ? Results.Ok(new BalanceResponse(wallet.Balance.Poisha * 0.01m, Currency))
                : ApiProblems.NotFound.ToResult();
        })
            .WithName("GetBalance").WithTags("Wallet").WithSummary("The wallet's balance")
            .WithDescription("The key's reseller's wallet balance, in taka with 2 decimals.")
            .Produces<BalanceResponse>().ProducesApiProblems(ApiProblems.NotFound);

        api.MapPost("/recharges", PlaceAsync).WithMetadata(new RequestSizeLimitAttribute(MaxBodyBytes))
            .WithName("PlaceRecharge").WithTags("Recharges").WithSummary("Place a recharge")
            .WithDescription("Holds the amount in the wallet and sends the recharge, under your own `reference`. The same reference with the same "
                + "content answers the recharge placed before (200, nothing charged again, also when the two requests race); with other content, 409. "
                + "`operator` may be left out: it is detected from the number's prefix.")
            .DocumentsJsonBody<ApiRechargeRequest>().Produces<ApiRecharge>(StatusCodes.Status202Accepted).Produces<ApiRecharge>()
            .ProducesApiProblems(ApiProblems.InvalidInput, ApiProblems.ReferenceConflict, ApiProblems.InsufficientBalance, ApiProblems.DailyLimit,
                ApiProblems.AmountRule, ApiProblems.NotPlaced, ApiProblems.RechargeRateLimited, ApiProblems.FailedRechargesLimit);
        api.MapGet("/recharges/{id}", async (string id, ClaimsPrincipal user, RechargeService recharges, CancellationToken ct) =>
            await recharges.FindOwnAsync(Actor.From(user), id, null, ct) is { } found
                ? Results.Ok(ApiRecharge.From(found))
                : ApiProblems.NotFound.ToResult("You have no recharge with this id."))
            .WithName("GetRecharge").WithTags("Recharges").WithSummary("One recharge, by id")
            .WithDescription("The recharge as it is now. `status`: `processing`, then `successful`, `failed` (the amount is refunded) or `review` "
                + "(the operator's answer is being checked; it ends successful or failed).")
            .Produces<ApiRecharge>().ProducesApiProblems(ApiProblems.NotFound);
        api.MapGet("/recharges", ListAsync)
            .WithName("ListRecharges").WithTags("Recharges").WithSummary("One recharge by reference, or a page of recharges")
            .WithDescription("With `reference`: that one recharge (as GET /api/v1/recharges/{id}). Without: a page of your recharges, newest first, "
                + "filtered by Bangladesh day and status.")
            .Produces<ApiRechargePage>().ProducesApiProblems(ApiProblems.InvalidInput, ApiProblems.NotFound);
        api.MapGet("/offers", async (string? @operator, RechargeService recharges, CancellationToken ct) =>
        {
            MobileOperator? op = null;
            if (@operator is not null)
            {
                if (!OperatorCode.TryParse(@operator, out var parsed))
                {
                    return Invalid("operator", "One of GP, BL, RB, AT, TT, or leave it out for every operator.");
                }

                op = parsed;
            }

            return Results.Ok((await recharges.OffersAsync(op, ct)).Select(ApiOffer.From).ToList());
        })
            .WithName("ListOffers").WithTags("Catalogue").WithSummary("Active offer packs")
            .WithDescription("Offer packs you can recharge with `offerPackId` (the amount must be the pack's price).")
            .Produces<List<ApiOffer>>().ProducesApiProblems(ApiProblems.InvalidInput);
        api.MapGet("/operators/detect", (string? number) =>
            MobileNumber.TryNormalize(number, out var normalized, out var error)
                ? MobileNumber.OperatorOf(normalized) is { } op
                    ? Results.Ok(new ApiDetectedOperator(OperatorCode.Of(op), normalized))
                    : Invalid("number", "No operator is known for this prefix.")
                : Invalid("number", error))
            .WithName("DetectOperator").WithTags("Catalogue").WithSummary("The operator of a number")
            .WithDescription("The operator a number's prefix belongs to, and the number in its local form.")
            .Produces<ApiDetectedOperator>().ProducesApiProblems(ApiProblems.InvalidInput);

        // An unknown API address answers the API's way (problem+json, after the key is checked), not with the portal's HTML pages.
        api.MapFallback(() => ApiProblems.NotFound.ToResult()).ExcludeFromDescription();
        app.MapApiDocumentation();
        return app;
    }

    /// <summary>A recharge request is a few hundred bytes; anything near this is not one.</summary>
    private const long MaxBodyBytes = 16 * 1024;

    private const int MaxPageSize = 100;

    /// <summary>Whole seconds, at least one: what a client may wait before trying again.</summary>
    private static void SetRetryAfter(HttpContext http, TimeSpan wait) =>
        http.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);

    private static IResult Invalid(string field, string message) =>
        ApiProblems.InvalidInput.ToResult(null, new Dictionary<string, string[]> { [field] = [message] });

    /// <summary><c>POST /api/v1/recharges</c>: the page's own placement, under the client's reference.</summary>
    private static async Task<IResult> PlaceAsync(HttpContext http, RechargeService recharges, CancellationToken ct)
    {
        ApiRechargeRequest? request;
        try
        {
            request = http.Request.HasJsonContentType()
                ? await http.Request.ReadFromJsonAsync<ApiRechargeRequest>(JsonSerializerOptions.Web, ct)
                : null;
        }
        catch (JsonException e)
        {
            var field = e.Path is { Length: > 2 } path ? path[2..] : "body";
            return Invalid(field, "This is not valid JSON of the right type here (amounts are numbers, the rest strings; offerPackId a number or null).");
        }
        catch (BadHttpRequestException)
        {
            return ApiProblems.InvalidInput.ToResult("The body is too large or could not be read.");
        }

        if (request is null)
        {
            return ApiProblems.InvalidInput.ToResult("Send the recharge as a JSON object with Content-Type: application/json.");
        }

        if (ApiWords.ToForm(request, out var shapeErrors) is not { } form)
        {
            return ApiProblems.InvalidInput.ToResult(null, shapeErrors);
        }

        var actor = Actor.From(http.User);
        var keyId = long.TryParse(http.User.FindFirstValue(ApiKeyAuthenticationHandler.KeyIdClaim), out var id) ? id : (long?)null;
        var placed = await recharges.PlaceByReferenceAsync(actor, request.Reference!, form, keyId, ct);
        switch (placed.Outcome)
        {
            case PlaceOutcome.Created or PlaceOutcome.Existing when placed.Reference is { } reference:
                var view = await recharges.FindOwnAsync(actor, reference, null, ct)
                           ?? throw new InvalidOperationException($"Recharge {reference} was placed but cannot be read back.");
                return placed.Outcome == PlaceOutcome.Created
                    ? Results.Accepted($"/api/v1/recharges/{Uri.EscapeDataString(reference)}", ApiRecharge.From(view))
                    : Results.Ok(ApiRecharge.From(view));
            case PlaceOutcome.Conflict:
                return ApiProblems.ReferenceConflict.ToResult(placed.Error, extensions: new Dictionary<string, object?> { ["existingId"] = placed.Reference });
        }

        return Refusal(http, placed);
    }

    /// <summary>A placement refused: the fields' shape is 400; the money rules 422; the limits 429 with Retry-After; a locked account 403.</summary>
    private static IResult Refusal(HttpContext http, PlaceResult refused)
    {
        var errors = refused.Errors.ToDictionary(e => ApiWords.FieldOf(e.Key), e => new[] { e.Value });
        if (refused.RetryAfter is { } wait)
        {
            SetRetryAfter(http, wait);
        }

        var problem = refused.Refusal switch
        {
            _ when errors.Keys.Any(f => f != "amount") => ApiProblems.InvalidInput,
            PlaceRefusal.RateLimited => ApiProblems.RechargeRateLimited,
            PlaceRefusal.FailedDailyCap => ApiProblems.FailedRechargesLimit,
            PlaceRefusal.InsufficientBalance => ApiProblems.InsufficientBalance,
            PlaceRefusal.DailyLimit => ApiProblems.DailyLimit,
            PlaceRefusal.AmountRule => ApiProblems.AmountRule,
            PlaceRefusal.AccountInactive => ApiProblems.AccountLocked,
            _ when errors.Count > 0 => ApiProblems.InvalidInput,
            _ => ApiProblems.NotPlaced,
        };
        return problem.ToResult(refused.Error ?? string.Join(" ", refused.Errors.Values), errors);
    }

    /// <summary><c>GET /api/v1/recharges</c>: one by <c>reference</c>, or a page of the reseller's recharges, newest first.</summary>
    private static async Task<IResult> ListAsync(
        string? reference, string? from, string? to, string? status, string? page, string? pageSize,
        ClaimsPrincipal user, RechargeService recharges, CancellationToken ct)
    {
        var actor = Actor.From(user);
        if (reference is not null)
        {
            return await recharges.FindOwnAsync(actor, null, reference, ct) is { } found
                ? Results.Ok(ApiRecharge.From(found))
                : ApiProblems.NotFound.ToResult("You have no recharge with this reference.");
        }

        var errors = new Dictionary<string, string[]>();
        var filter = new HistoryFilter { From = ReadDay(from, "from"), To = ReadDay(to, "to") };
        if (status is not null && (filter.Status = ApiWords.HistoryStatusOf(status)) is null)
        {
            errors["status"] = [$"One of {string.Join(", ", ApiWords.Statuses)}."];
        }

        var pageNumber = ReadCount(page, "page", 1, int.MaxValue / MaxPageSize, 1);
        var size = ReadCount(pageSize, "pageSize", 1, MaxPageSize, MaxPageSize);
        if (errors.Count > 0)
        {
            return ApiProblems.InvalidInput.ToResult(null, errors);
        }

        var (rows, total) = await recharges.HistoryAsync(actor, actor.UserId, filter, (pageNumber - 1) * size, size, ct);
        return Results.Ok(new ApiRechargePage(rows.Select(ApiRecharge.From).ToList(), pageNumber, size, total));

        DateOnly? ReadDay(string? text, string field)
        {
            if (text is null)
            {
                return null;
            }

            if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
            {
                return day;
            }

            errors[field] = ["A Bangladesh date as yyyy-MM-dd, e.g. 2026-11-30."];
            return null;
        }

        int ReadCount(string? text, string field, int min, int max, int fallback)
        {
            if (text is null)
            {
                return fallback;
            }

            if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max)
            {
                return n;
            }

            errors[field] = [$"A whole number from {min} to {max}."];
            return fallback;
        }
    }

    /// <summary>
    /// A token bucket per key (<c>Api:RequestsPerSecond</c>, <c>Api:Burst</c>). The limiter runs before authentication,
    /// so a key's bucket is found by the key's hash, one to one with the key; a request without a key is left to the 401.
    /// </summary>
    private sealed class ApiKeyRateLimit(IOptions<ApiOptions> options) : IRateLimiterPolicy<string>
    {
        public Func<OnRejectedContext, CancellationToken, ValueTask>? OnRejected { get; } = async (context, _) =>
        {
            SetRetryAfter(context.HttpContext, context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(1));
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

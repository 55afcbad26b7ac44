namespace RechargePortal.Features.Api;

/// <summary>The API's errors: RFC 7807 problem+json, each with a stable <c>type</c> a client can switch on.</summary>
public static class ApiProblems
{
    public const string TypeBase = "https://rechargeportal.example/problems/";

    public static readonly ApiProblem Unauthorized = new("unauthorized", StatusCodes.Status401Unauthorized,
        "Missing, unknown or revoked API key.", "Send an active key as 'Authorization: Bearer <key>'.");

    public static readonly ApiProblem AddressNotAllowed = new("address-not-allowed", StatusCodes.Status403Forbidden,
        "This address may not use this key.", "The request came from an address outside the key's allow-list.");

    public static readonly ApiProblem AccountLocked = new("account-locked", StatusCodes.Status403Forbidden,
        "The key's account is locked.", "The reseller account of this key is locked or no longer a reseller; ask the portal's admin.");

    public static readonly ApiProblem RateLimited = new("rate-limited", StatusCodes.Status429TooManyRequests,
        "Too many requests.", "This key sent more requests than its rate limit allows; wait for Retry-After seconds.");

    public static readonly ApiProblem NotFound = new("not-found", StatusCodes.Status404NotFound, "Not found.", null);

    public static readonly ApiProblem InvalidInput = new("invalid-input", StatusCodes.Status400BadRequest,
        "The request is not valid.", "See 'errors' for what is wrong with each field.");

    public static readonly ApiProblem ReferenceConflict = new("reference-conflict", StatusCodes.Status409Conflict,
        "This reference already names a different recharge.", null);

    public static readonly ApiProblem InsufficientBalance = new("insufficient-balance", StatusCodes.Status422UnprocessableEntity,
        "The wallet holds less than the amount.", null);

    public static readonly ApiProblem DailyLimit = new("daily-limit", StatusCodes.Status422UnprocessableEntity,
        "Today's recharge limit would be passed.", null);

    public static readonly ApiProblem AmountRule = new("amount-rule", StatusCodes.Status422UnprocessableEntity,
        "The amount is outside this operator's and number type's limits.", null);

    public static readonly ApiProblem NotPlaced = new("not-placed", StatusCodes.Status422UnprocessableEntity,
        "The recharge was not placed. Nothing was charged.", null);

    public static readonly ApiProblem RechargeRateLimited = new("recharge-rate-limited", StatusCodes.Status429TooManyRequests,
        "Too many recharges this minute.", null);

    public static readonly ApiProblem FailedRechargesLimit = new("failed-recharges-limit", StatusCodes.Status429TooManyRequests,
        "Too many failed recharges today.", null);

    /// <summary>Every problem the API answers with, for its documentation.</summary>
    public static readonly IReadOnlyList<ApiProblem> All =
    [
        InvalidInput, Unauthorized, AddressNotAllowed, AccountLocked, NotFound, ReferenceConflict, InsufficientBalance, DailyLimit, AmountRule,
        NotPlaced, RateLimited, RechargeRateLimited, FailedRechargesLimit,
    ];
}

public sealed record ApiProblem(string Name, int Status, string Title, string? Detail)
{
    public string Type => ApiProblems.TypeBase + Name;

    public IResult ToResult() => Results.Problem(type: Type, title: Title, detail: Detail, statusCode: Status);

    /// <summary>This problem with its own words for this request, the fields at fault, and more members (e.g. <c>existingId</c>).</summary>
    public IResult ToResult(string? detail, IDictionary<string, string[]>? errors = null, IDictionary<string, object?>? extensions = null) =>
        errors is { Count: > 0 }
            ? Results.ValidationProblem(errors, detail ?? Detail, statusCode: Status, title: Title, type: Type, extensions: extensions)
            : Results.Problem(type: Type, title: Title, detail: detail ?? Detail, statusCode: Status, extensions: extensions);

    public Task WriteAsync(HttpContext http) => ToResult().ExecuteAsync(http);
}

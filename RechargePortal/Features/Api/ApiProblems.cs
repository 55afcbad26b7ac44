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
}

public sealed record ApiProblem(string Name, int Status, string Title, string? Detail)
{
    public string Type => ApiProblems.TypeBase + Name;

    public IResult ToResult() => Results.Problem(type: Type, title: Title, detail: Detail, statusCode: Status);

    public Task WriteAsync(HttpContext http) => ToResult().ExecuteAsync(http);
}

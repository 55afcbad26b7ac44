using System.Globalization;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using RechargePortal.Data;
using RechargePortal.Security;

namespace RechargePortal.Features.Api;

/// <summary>
/// The "ApiKey" scheme: <c>Authorization: Bearer &lt;key&gt;</c>, found by its hash. Every request re-reads the key and its
/// reseller from the database, so a revoked key or a locked reseller stops at once. The principal acts as the reseller
/// (their id, email, role and current security stamp, so services' <see cref="ActiveUserGuard"/> checks pass) and names the key.
/// </summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory loggers, UrlEncoder encoder,
    IDbContextFactory<PortalDbContext> dbs, TimeProvider clock)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, loggers, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string KeyIdClaim = "rp:api_key_id";

    /// <summary>Last-used is written at most this often per key (not on every request).</summary>
    public static readonly TimeSpan LastUsedResolution = TimeSpan.FromMinutes(1);

    private const int MaxKeyLength = 200;

    private ApiProblem refusal = ApiProblems.Unauthorized;

    /// <summary>The key in the request's Authorization header, when it has a bearer token.</summary>
    public static string? BearerToken(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        const string bearer = "Bearer ";
        if (!header.StartsWith(bearer, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var token = header[bearer.Length..].Trim();
        return token.Length is 0 or > MaxKeyLength ? null : token;
    }

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (BearerToken(Request) is not { } token)
        {
            return AuthenticateResult.NoResult();
        }

        var hash = ApiKeySecrets.HashOf(token);
        await using var db = await dbs.CreateDbContextAsync(Context.RequestAborted);
        var key = await db.Set<ApiKey>().AsNoTracking()
            .Where(k => k.Hash == hash)
            .Select(k => new
            {
                k.Id, k.Hash, k.UserId, k.RevokedAtUtc, k.AllowList, k.LastUsedAtUtc,
                k.User!.Email, k.User.LockoutEnd, k.User.SecurityStamp,
            })
            .SingleOrDefaultAsync(Context.RequestAborted);

        // The lookup is by hash; the comparison that admits the key takes the same time however much of it matches.
        if (key is null || !CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(key.Hash), Encoding.ASCII.GetBytes(hash)))
        {
            return Refuse(ApiProblems.Unauthorized, "unknown key");
        }

        if (key.RevokedAtUtc is not null)
        {
            return Refuse(ApiProblems.Unauthorized, $"revoked key {key.Id}");
        }

        if (!ApiAllowList.FromStored(key.AllowList).Allows(Context.Connection.RemoteIpAddress))
        {
            return Refuse(ApiProblems.AddressNotAllowed, $"key {key.Id} from {Context.Connection.RemoteIpAddress}");
        }

        var now = clock.GetUtcNow();
        var isReseller = await db.UserRoles
            .Join(db.Roles, ur => ur.RoleId, r => r.Id, (ur, r) => new { ur.UserId, r.Name })
            .AnyAsync(x => x.UserId == key.UserId && x.Name == Roles.Reseller, Context.RequestAborted);
        if ((key.LockoutEnd is { } end && end > now) || !isReseller)
        {
            return Refuse(ApiProblems.AccountLocked, $"key {key.Id} of a locked or non-reseller account");
        }

        var nowUtc = now.UtcDateTime;
        if (key.LastUsedAtUtc is not { } last || nowUtc - last >= LastUsedResolution)
        {
            var before = nowUtc - LastUsedResolution;
            await db.Set<ApiKey>()
                .Where(k => k.Id == key.Id && (k.LastUsedAtUtc == null || k.LastUsedAtUtc <= before))
                .ExecuteUpdateAsync(k => k.SetProperty(x => x.LastUsedAtUtc, nowUtc), Context.RequestAborted);
        }

        var identity = new ClaimsIdentity(
            [
                new Claim(ClaimTypes.NameIdentifier, key.UserId),
                new Claim(ClaimTypes.Name, key.Email ?? key.UserId),
                new Claim(ClaimTypes.Email, key.Email ?? ""),
                new Claim(ClaimTypes.Role, Roles.Reseller),
                new Claim(Actor.SecurityStampClaim, key.SecurityStamp ?? ""),
                new Claim(KeyIdClaim, key.Id.ToString(CultureInfo.InvariantCulture)),
            ],
            SchemeName, ClaimTypes.Name, ClaimTypes.Role);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    private AuthenticateResult Refuse(ApiProblem problem, string why)
    {
        refusal = problem;
        Logger.LogInformation("Refused an API request to {Path}: {Why}.", Request.Path.Value, why);
        return AuthenticateResult.Fail(problem.Title);
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        if (refusal.Status == StatusCodes.Status401Unauthorized)
        {
            Response.Headers.WWWAuthenticate = "Bearer";
        }

        return refusal.WriteAsync(Context);
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) => ApiProblems.AccountLocked.WriteAsync(Context);
}

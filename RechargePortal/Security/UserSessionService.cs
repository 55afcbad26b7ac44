using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using RechargePortal.Data;

namespace RechargePortal.Security;

/// <summary>
/// The server's record of who is signed in where (<see cref="UserSession"/>). Sign-in starts a session, sign-out ends it,
/// and every request with the cookie (and the open pages' revalidation) asks whether it is still going: not signed out,
/// not idle longer than <c>Security:IdleMinutes</c> (<c>AdminIdleMinutes</c> for admins), not older than
/// <c>Security:AbsoluteHours</c>. Stateless, so the cookie handler and the circuits can share one.
/// </summary>
public sealed class UserSessionService(
    IDbContextFactory<PortalDbContext> dbs,
    TimeProvider time,
    IOptions<SecurityOptions> security,
    IOptions<IdentityOptions> identity,
    ILogger<UserSessionService> logger)
{
    /// <summary>The session's id in the sign-in cookie's principal (the OpenID Connect name for a session id).</summary>
    public const string SessionIdClaim = "sid";

    /// <summary>Last-seen is written at most this often per session, so a busy page does not write on every request.</summary>
    public static readonly TimeSpan ActivityResolution = TimeSpan.FromMinutes(1);

    // Rows of sessions over for this long are removed at the user's next sign-in, so the table stays small.
    private static readonly TimeSpan Retention = TimeSpan.FromDays(30);

    public static string? SessionIdOf(ClaimsPrincipal principal) => principal.FindFirstValue(SessionIdClaim);

    /// <summary>A new session for a completed sign-in; its id goes into the cookie.</summary>
    public async Task<string> StartAsync(string userId, string? ipAddress, string? userAgent, CancellationToken ct = default)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var session = UserSession.Start(Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)), userId, now, ipAddress, userAgent);
        await using var db = await dbs.CreateDbContextAsync(ct);
        var longOver = now - security.Value.AbsoluteLimit - Retention;
        await db.UserSessions.Where(s => s.UserId == userId && s.CreatedAtUtc < longOver).ExecuteDeleteAsync(ct);
        db.UserSessions.Add(session);
        await db.SaveChangesAsync(ct);
        logger.LogInformation("Session started for {UserId}.", userId);
        return session.Id;
    }

    /// <summary>Whether the principal's session is still going, without counting this as activity (open pages' revalidation and connection).</summary>
    public Task<bool> IsActiveAsync(ClaimsPrincipal principal, CancellationToken ct = default) => CheckAsync(principal, recordActivity: false, ct);

    /// <summary>Whether the principal's session is still going; if so, the person is active now (a request, input on an open page: <see cref="UserActivity"/>).</summary>
    public Task<bool> UseAsync(ClaimsPrincipal principal, CancellationToken ct = default) => CheckAsync(principal, recordActivity: true, ct);

    /// <summary>Ends a session for good: a cookie naming it opens nothing afterwards.</summary>
    public async Task EndAsync(string sessionId, SessionEndReason reason, CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        await EndAsync(db, sessionId, reason, ct);
    }

    private async Task<bool> CheckAsync(ClaimsPrincipal principal, bool recordActivity, CancellationToken ct)
    {
        var sessionId = SessionIdOf(principal);
        var userId = principal.FindFirstValue(identity.Value.ClaimsIdentity.UserIdClaimType);
        if (sessionId is null || userId is null)
        {
            // A cookie from before sessions were recorded, or not the portal's: sign in again.
            return false;
        }

        await using var db = await dbs.CreateDbContextAsync(ct);
        var session = await db.UserSessions.AsNoTracking().SingleOrDefaultAsync(s => s.Id == sessionId, ct);
        if (session is null || session.UserId != userId)
        {
            return false;
        }

        var now = time.GetUtcNow().UtcDateTime;
        var options = security.Value;
        if (session.EndReasonAt(now, options.IdleLimit(principal.IsInRole(Roles.Admin)), options.AbsoluteLimit) is { } reason)
        {
            if (session.EndedAtUtc is null)
            {
                await EndAsync(db, sessionId, reason, ct);
            }

            return false;
        }

        if (recordActivity && now - session.LastSeenAtUtc >= ActivityResolution)
        {
            await db.UserSessions.Where(s => s.Id == sessionId && s.EndedAtUtc == null && s.LastSeenAtUtc < now)
                .ExecuteUpdateAsync(s => s.SetProperty(x => x.LastSeenAtUtc, now), ct);
        }

        return true;
    }

    private async Task EndAsync(PortalDbContext db, string sessionId, SessionEndReason reason, CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var ended = await db.UserSessions.Where(s => s.Id == sessionId && s.EndedAtUtc == null)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.EndedAtUtc, now).SetProperty(x => x.EndReason, reason), ct);
        if (ended > 0)
        {
            logger.LogInformation("Session {SessionPrefix}… ended: {Reason}.", sessionId[..8], reason);
        }
    }
}

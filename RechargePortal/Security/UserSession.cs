using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using RechargePortal.Data;

namespace RechargePortal.Security;

/// <summary>
/// One sign-in, from the moment it succeeds until sign-out, idleness or its absolute lifetime ends it. The sign-in
/// cookie names it (<see cref="UserSessionService.SessionIdClaim"/>); a cookie whose session has ended opens nothing,
/// even a copy of it taken before sign-out.
/// </summary>
public sealed class UserSession
{
    public const int IdLength = 32;
    public const int UserAgentMaxLength = 256;
    public const int IpAddressMaxLength = 64;

    /// <summary>128 random bits in hex: the cookie carries it, so it must not be guessable.</summary>
    public string Id { get; private set; } = "";
    public string UserId { get; private set; } = "";
    public DateTime CreatedAtUtc { get; private set; }
    /// <summary>The last request or click, to within <see cref="UserSessionService.ActivityResolution"/> (not written on every request).</summary>
    public DateTime LastSeenAtUtc { get; private set; }
    public DateTime? EndedAtUtc { get; private set; }
    public SessionEndReason? EndReason { get; private set; }
    /// <summary>Where the sign-in came from (the client address after trusted proxies) and with what browser, for a person reviewing sessions.</summary>
    public string? IpAddress { get; private set; }
    public string? UserAgent { get; private set; }

    private UserSession()
    {
    }

    public static UserSession Start(string id, string userId, DateTime nowUtc, string? ipAddress, string? userAgent) => new()
    {
        Id = id,
        UserId = userId,
        CreatedAtUtc = nowUtc,
        LastSeenAtUtc = nowUtc,
        IpAddress = Truncate(ipAddress, IpAddressMaxLength),
        UserAgent = Truncate(userAgent, UserAgentMaxLength),
    };

    /// <summary>Why this session is over at <paramref name="nowUtc"/>, or null while it may still be used.</summary>
    public SessionEndReason? EndReasonAt(DateTime nowUtc, TimeSpan idleLimit, TimeSpan absoluteLimit)
    {
        if (EndedAtUtc is not null)
        {
            return EndReason ?? SessionEndReason.SignedOut;
        }

        if (nowUtc - CreatedAtUtc >= absoluteLimit)
        {
            return SessionEndReason.AbsoluteLifetime;
        }

        return nowUtc - LastSeenAtUtc >= idleLimit ? SessionEndReason.Idle : null;
    }

    private static string? Truncate(string? text, int max) => text is null || text.Length <= max ? text : text[..max];
}

public enum SessionEndReason
{
    SignedOut,
    Idle,
    AbsoluteLifetime,
}

internal sealed class UserSessionConfiguration : IEntityTypeConfiguration<UserSession>
{
    public void Configure(EntityTypeBuilder<UserSession> session)
    {
        session.ToTable("UserSessions");
        session.Property(s => s.Id).HasMaxLength(UserSession.IdLength);
        session.Property(s => s.EndReason).HasConversion<string>().HasMaxLength(32);
        session.Property(s => s.IpAddress).HasMaxLength(UserSession.IpAddressMaxLength);
        session.Property(s => s.UserAgent).HasMaxLength(UserSession.UserAgentMaxLength);
        session.HasIndex(s => new { s.UserId, s.CreatedAtUtc });
        session.HasOne<PortalUser>().WithMany().HasForeignKey(s => s.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}

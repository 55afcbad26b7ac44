using Microsoft.EntityFrameworkCore;
using RechargePortal.Data;

namespace RechargePortal.Security;

/// <summary>
/// Re-checks, against the database, that the person acting still may act: the account exists,
/// is not locked, and its security stamp is the one their session was issued with. Every
/// admin and money action calls it inside its own transaction, so a lock takes effect at once.
/// </summary>
public sealed class ActiveUserGuard(TimeProvider time)
{
    public async Task<bool> IsActiveAsync(PortalDbContext db, Actor actor, CancellationToken ct = default)
    {
        var user = await db.Users.AsNoTracking()
            .Where(u => u.Id == actor.UserId)
            .Select(u => new { u.LockoutEnd, u.SecurityStamp })
            .SingleOrDefaultAsync(ct);
        if (user is null || (user.LockoutEnd is { } end && end > time.GetUtcNow()))
        {
            return false;
        }

        return actor.SecurityStamp is null || actor.SecurityStamp == user.SecurityStamp;
    }

    public async Task<bool> IsActiveInRoleAsync(PortalDbContext db, Actor actor, string role, CancellationToken ct = default)
    {
        if (!await IsActiveAsync(db, actor, ct))
        {
            return false;
        }

        return await db.UserRoles
            .Join(db.Roles, ur => ur.RoleId, r => r.Id, (ur, r) => new { ur.UserId, r.Name })
            .AnyAsync(x => x.UserId == actor.UserId && x.Name == role, ct);
    }

    /// <summary>The same check in a context of its own, for actions that do not open a transaction first (a read at a provider).</summary>
    public async Task<bool> IsActiveInRoleAsync(IDbContextFactory<PortalDbContext> dbs, Actor actor, string role, CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        return await IsActiveInRoleAsync(db, actor, role, ct);
    }
}

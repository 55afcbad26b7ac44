using Microsoft.EntityFrameworkCore;
using RechargePortal.Data;

namespace RechargePortal.Security;

/// <summary>
/// Re-checks, against the database, that the person acting still may act: the account exists,
/// is not locked, and its security stamp is the one their session was issued with. Every
/// admin and money action calls it inside its own transaction, so a lock takes effect at once;
/// every read of other people's data calls a <c>Demand...</c> method, which refuses by throwing <see cref="AccessRefusedException"/>.
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

    public Task<bool> IsActiveInRoleAsync(PortalDbContext db, Actor actor, string role, CancellationToken ct = default) =>
        IsActiveInAnyRoleAsync(db, actor, [role], ct);

    public async Task<bool> IsActiveInAnyRoleAsync(PortalDbContext db, Actor actor, IReadOnlyCollection<string> roles, CancellationToken ct = default)
    {
        if (!await IsActiveAsync(db, actor, ct))
        {
            return false;
        }

        return await db.UserRoles
            .Join(db.Roles, ur => ur.RoleId, r => r.Id, (ur, r) => new { ur.UserId, r.Name })
            .AnyAsync(x => x.UserId == actor.UserId && roles.Contains(x.Name!), ct);
    }

    /// <summary>The same check in a context of its own, for actions that do not open a transaction first (a read at a provider).</summary>
    public async Task<bool> IsActiveInRoleAsync(IDbContextFactory<PortalDbContext> dbs, Actor actor, string role, CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        return await IsActiveInRoleAsync(db, actor, role, ct);
    }

    // ---- Reads: a refusal is an AccessRefusedException, never data ----

    /// <summary>Who reads everyone's data (reports, the audit log, every wallet, the call log, the review queue).</summary>
    public static readonly IReadOnlyList<string> Readers = [Roles.Admin, Roles.Auditor];

    /// <summary>An active admin or auditor reads everyone's <paramref name="what"/>; anyone else is refused.</summary>
    public async Task DemandReaderAsync(PortalDbContext db, Actor actor, string what, CancellationToken ct = default)
    {
        if (!await IsActiveInAnyRoleAsync(db, actor, Readers, ct))
        {
            throw new AccessRefusedException(actor, what);
        }
    }

    public async Task DemandReaderAsync(IDbContextFactory<PortalDbContext> dbs, Actor actor, string what, CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        await DemandReaderAsync(db, actor, what, ct);
    }

    /// <summary>
    /// One reseller's <paramref name="what"/> (wallet, statement, recharges), owned by <paramref name="ownerId"/>: the active
    /// reseller themself or a reseller above them in the tree (read-only: never a sibling's or an ancestor's), or an active
    /// admin or auditor. An unknown owner (null) is readers-only, so a reseller learns nothing of it.
    /// </summary>
    public async Task DemandOwnerOrReaderAsync(PortalDbContext db, Actor actor, string? ownerId, string what, CancellationToken ct = default)
    {
        var ownerOrAncestor = ownerId is not null
            && (ownerId == actor.UserId || await Features.Resellers.ResellerTree.IsAncestorAsync(db, actor.UserId, ownerId, ct));
        IReadOnlyCollection<string> roles = ownerOrAncestor ? [Roles.Reseller, .. Readers] : Readers;
        if (!await IsActiveInAnyRoleAsync(db, actor, roles, ct))
        {
            throw new AccessRefusedException(actor, what);
        }
    }

    /// <summary>True when the actor is an active admin or auditor (reads see everything, as staff see it).</summary>
    public Task<bool> IsReaderAsync(PortalDbContext db, Actor actor, CancellationToken ct = default) =>
        IsActiveInAnyRoleAsync(db, actor, Readers, ct);
}

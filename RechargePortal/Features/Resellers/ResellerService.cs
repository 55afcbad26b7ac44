using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using RechargePortal.Components.Shared;
using RechargePortal.Data;
using RechargePortal.Features.Recharges;
using RechargePortal.Features.Wallets;
using RechargePortal.Security;

namespace RechargePortal.Features.Resellers;

/// <summary>One reseller in a parent's subtree, as <c>/my-resellers</c> shows it.</summary>
public sealed record ResellerNode(
    string UserId, string? ParentId, int Depth, string Level, string Email, string FullName, long WalletId, Money Balance, Money TodaySales,
    bool IsLocked, bool CanCreateSubResellers, string? PlanName);

/// <summary>The signed-in reseller's own place in the tree.</summary>
public sealed record ResellerSelf(string UserId, int Depth, string Level, long WalletId, Money Balance, bool CanCreateSubResellers, bool MayHaveChildren);

/// <summary>
/// A reseller's view of the tree below them: read-only rows for the whole subtree (never a sibling or an ancestor).
/// Account acts on those rows are <see cref="Users.UserAdminService"/>'s; money moves are <see cref="WalletService"/>'s.
/// </summary>
public sealed class ResellerService(IDbContextFactory<PortalDbContext> dbs, ActiveUserGuard guard, IOptions<ResellerOptions> options, TimeProvider time)
{
    private ResellerOptions Options => options.Value;

    public async Task<ResellerSelf> SelfAsync(Actor actor, CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        await DemandResellerAsync(db, actor, ct);
        var me = await db.Wallets.AsNoTracking().Where(w => w.UserId == actor.UserId)
            .Select(w => new { w.Id, w.BalancePoisha, w.User!.CanCreateSubResellers }).SingleAsync(ct);
        var depth = await ResellerTree.DepthAsync(db, actor.UserId, ct);
        return new ResellerSelf(actor.UserId, depth, Options.ShownLevelName(depth), me.Id, new Money(me.BalancePoisha), me.CanCreateSubResellers, depth < Options.MaxDepth);
    }

    /// <summary>Everyone below the actor, parents before their children, each level ordered by email.</summary>
    public async Task<IReadOnlyList<ResellerNode>> SubtreeAsync(Actor actor, CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        await DemandResellerAsync(db, actor, ct);
        var below = await ResellerTree.DescendantsAsync(db, actor.UserId, ct);
        if (below.Count == 0)
        {
            return [];
        }

        var ids = below.Select(b => b.Id).ToList();
        var today = DhakaTime.Today(time);
        var rows = await db.Wallets.AsNoTracking().Where(w => ids.Contains(w.UserId))
            .Select(w => new
            {
                w.UserId,
                w.Id,
                w.BalancePoisha,
                w.User!.Email,
                w.User.FullName,
                w.User.LockoutEnd,
                w.User.CanCreateSubResellers,
                w.User.ParentId,
                Plan = db.CommissionPlans.Where(p => p.Id == w.CommissionPlanId).Select(p => p.Name).FirstOrDefault(),
                Sales = db.Set<Recharge>().Where(r => r.ResellerId == w.UserId && r.BusinessDay == today && r.Status == RechargeStatus.Succeeded)
                    .Sum(r => (long?)r.AmountPoisha) ?? 0,
            })
            .ToListAsync(ct);
        var myDepth = await ResellerTree.DepthAsync(db, actor.UserId, ct);
        var now = time.GetUtcNow();
        var byParent = rows.ToLookup(r => r.ParentId);
        var ordered = new List<ResellerNode>();
        Add(actor.UserId, myDepth + 1);
        return ordered;

        void Add(string parentId, int depth)
        {
            foreach (var r in byParent[parentId].OrderBy(r => r.Email, StringComparer.OrdinalIgnoreCase))
            {
                ordered.Add(new ResellerNode(
                    r.UserId, r.ParentId, depth, Options.ShownLevelName(depth), r.Email ?? "", r.FullName, r.Id, new Money(r.BalancePoisha), new Money(r.Sales),
                    r.LockoutEnd > now, r.CanCreateSubResellers, r.Plan));
                Add(r.UserId, depth + 1);
            }
        }
    }

    private async Task DemandResellerAsync(PortalDbContext db, Actor actor, CancellationToken ct)
    {
        if (!await guard.IsActiveInRoleAsync(db, actor, Roles.Reseller, ct))
        {
            throw new AccessRefusedException(actor, "a reseller tree");
        }
    }
}

using Microsoft.EntityFrameworkCore;
using RechargePortal.Data;
using RechargePortal.Features.Resellers;
using RechargePortal.Localization;
using RechargePortal.Providers;

namespace RechargePortal.Features.Commissions;

/// <summary>One reseller of a chain, with the plan their wallet earns by (their own, else the default).</summary>
public sealed record ChainLink(string UserId, long WalletId, string Email, CommissionPlan Plan);

/// <summary>
/// Commission down the reseller tree. A reseller's effective rate for an operator and number type is its plan's rate,
/// capped by every effective rate above it: a child never earns more than its parent, even after a parent's rate was
/// lowered below a child's plan. Saving a plan or an assignment that would put a child above its parent is refused
/// (<see cref="CommissionService"/>); the cap covers what is left (a lowered parent, a moved subtree, a new default plan).
/// </summary>
public static class CommissionTree
{
    /// <summary>The reseller and their ancestors, the reseller first and the top-level reseller last.</summary>
    public static async Task<IReadOnlyList<ChainLink>> ChainAsync(PortalDbContext db, string resellerId, CancellationToken ct = default)
    {
        List<string> ids = [resellerId, .. await ResellerTree.AncestorsAsync(db, resellerId, ct)];
        var wallets = await db.Wallets.AsNoTracking().Where(w => ids.Contains(w.UserId))
            .Select(w => new { w.UserId, w.Id, w.CommissionPlanId, w.User!.Email }).ToListAsync(ct);
        var planIds = wallets.Select(w => w.CommissionPlanId).ToList();
        var plans = await db.CommissionPlans.AsNoTracking().Include(p => p.Rates)
            .Where(p => p.IsDefault || planIds.Contains(p.Id)).ToListAsync(ct);
        var fallback = plans.FirstOrDefault(p => p.IsDefault) ?? CommissionPlan.Create("None", PackCommissionMode.PlanRate, DateTime.UnixEpoch);
        return ids.Select(id => wallets.SingleOrDefault(w => w.UserId == id))
            .Where(w => w is not null)
            .Select(w => new ChainLink(w!.UserId, w.Id, w.Email ?? "", plans.FirstOrDefault(p => p.Id == w.CommissionPlanId) ?? fallback))
            .ToList();
    }

    /// <summary>Each link's effective rate, in chain order; <paramref name="rateOf"/> may stand in for a rate about to be saved.</summary>
    public static IReadOnlyList<CommissionRateValue> EffectiveRates(
        IReadOnlyList<ChainLink> chain, MobileOperator op, NumberType type, Func<ChainLink, CommissionRateValue>? rateOf = null)
    {
        var rates = new CommissionRateValue[chain.Count];
        var cap = int.MaxValue;
        for (var i = chain.Count - 1; i >= 0; i--)
        {
            cap = Math.Min(cap, (rateOf?.Invoke(chain[i]) ?? chain[i].Plan.RateFor(op, type)).BasisPoints);
            rates[i] = new CommissionRateValue(cap);
        }

        return rates;
    }

    /// <summary>What each link earns on a successful recharge of <paramref name="amount"/> placed by the chain's first link.</summary>
    public static IReadOnlyList<Wallets.Money> Shares(
        IReadOnlyList<ChainLink> chain, MobileOperator op, NumberType type, Wallets.Money amount, Wallets.Money? vendorPackCommission)
    {
        var pack = vendorPackCommission is { } c && chain[0].Plan.PackMode == PackCommissionMode.VendorPackCommission ? c : (Wallets.Money?)null;
        return CommissionCalculator.Split(amount, EffectiveRates(chain, op, type), pack);
    }

    /// <summary>
    /// Why <paramref name="plan"/> cannot be the plan of a reseller under <paramref name="parentId"/>: each operator and
    /// number type where it pays more than the parent's effective rate. Empty when it fits (or there is no parent).
    /// </summary>
    public static async Task<IReadOnlyList<string>> AboveParentAsync(PortalDbContext db, string? parentId, CommissionPlan plan, CancellationToken ct = default)
    {
        if (parentId is null)
        {
            return [];
        }

        var chain = await ChainAsync(db, parentId, ct);
        var problems = new List<string>();
        foreach (var op in Enum.GetValues<MobileOperator>())
        {
            foreach (var type in Enum.GetValues<NumberType>())
            {
                var parentRate = EffectiveRates(chain, op, type)[0];
                if (plan.RateFor(op, type).BasisPoints > parentRate.BasisPoints)
                {
                    problems.Add(Ui.Text("{0} {1}: {2} is above the parent's {3}", op, Ui.Text(type.ToString()), Display.Digits(plan.RateFor(op, type).ToString()), Display.Digits(parentRate.ToString())));
                }
            }
        }

        return problems;
    }
}

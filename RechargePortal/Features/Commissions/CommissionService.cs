using System.Globalization;
using Microsoft.EntityFrameworkCore;
using RechargePortal.Data;
using RechargePortal.Features.Audit;
using RechargePortal.Features.Wallets;
using RechargePortal.Localization;
using RechargePortal.Providers;
using RechargePortal.Security;

namespace RechargePortal.Features.Commissions;

public sealed record PlanSummary(long Id, string Name, bool IsDefault, PackCommissionMode PackMode,
    IReadOnlyDictionary<(MobileOperator, NumberType), CommissionRateValue> Rates, IReadOnlyList<string> Resellers);

/// <summary>
/// Commission plans: their rates, the default, and which reseller uses which. Every change is an <see cref="AdminActions"/>
/// act with a step-up: it moves what every recharge earns.
/// </summary>
public sealed class CommissionService(IDbContextFactory<PortalDbContext> factory, AdminActions actions, TimeProvider time)
{
    public const string DefaultPlanName = "Standard";

    public async Task<IReadOnlyList<PlanSummary>> ListAsync(CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var plans = await db.CommissionPlans.AsNoTracking().Include(p => p.Rates).OrderByDescending(p => p.IsDefault).ThenBy(p => p.Name).ToListAsync(ct);
        var wallets = await db.Wallets.AsNoTracking().Select(w => new { w.CommissionPlanId, w.User!.Email }).ToListAsync(ct);
        var defaultId = plans.FirstOrDefault(p => p.IsDefault)?.Id;
        return plans.Select(p => new PlanSummary(
                p.Id, p.Name, p.IsDefault, p.PackMode,
                p.Rates.ToDictionary(r => (r.Operator, r.NumberType), r => r.Rate),
                wallets.Where(w => (w.CommissionPlanId ?? defaultId) == p.Id).Select(w => w.Email ?? "").Order().ToList()))
            .ToList();
    }

    /// <summary>The plan a reseller earns by: their own, else the default. Used to show what a recharge earns.</summary>
    public async Task<CommissionPlan> PlanForResellerAsync(string resellerId, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var planId = await db.Wallets.Where(w => w.UserId == resellerId).Select(w => w.CommissionPlanId).SingleOrDefaultAsync(ct);
        return await db.CommissionPlans.AsNoTracking().Include(p => p.Rates)
                   .Where(p => planId == null ? p.IsDefault : p.Id == planId).FirstOrDefaultAsync(ct)
               ?? CommissionPlan.Create("None", PackCommissionMode.PlanRate, time.GetUtcNow().UtcDateTime);
    }

    /// <summary>
    /// What a recharge earns the reseller placing it, at their effective rate (capped by every rate above them), or their
    /// share of an offer pack's vendor commission. The ancestors' margins are paid on success (<see cref="CommissionTree"/>).
    /// </summary>
    public async Task<Money> EarnsAsync(string resellerId, MobileOperator op, NumberType type, Money amount, Money? vendorPackCommission, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var chain = await CommissionTree.ChainAsync(db, resellerId, ct);
        return chain.Count == 0
            ? CommissionCalculator.For(await PlanForResellerAsync(resellerId, ct), op, type, amount, vendorPackCommission)
            : CommissionTree.Shares(chain, op, type, amount, vendorPackCommission)[0];
    }

    /// <summary>The plans a reseller may give the resellers below them: none pays more than the reseller's own effective rates.</summary>
    public async Task<IReadOnlyList<PlanSummary>> PlansForChildrenAsync(Actor parent, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var fits = new HashSet<long>();
        foreach (var plan in await db.CommissionPlans.AsNoTracking().Include(p => p.Rates).ToListAsync(ct))
        {
            if ((await CommissionTree.AboveParentAsync(db, parent.UserId, plan, ct)).Count == 0)
            {
                fits.Add(plan.Id);
            }
        }

        return (await ListAsync(ct)).Where(p => fits.Contains(p.Id)).Select(p => p with { Resellers = [] }).ToList();
    }

    public Task<AdminResult> CreatePlanAsync(Actor admin, string name, PackCommissionMode packMode, CancellationToken ct = default)
    {
        name = (name ?? "").Trim();
        if (name.Length is 0 or > 100)
        {
            return Task.FromResult(AdminResult.FieldFail("Name", Ui.Text("Enter a name of up to 100 characters.")));
        }

        return actions.RunAsync(admin, async action =>
        {
            if (await action.Db.CommissionPlans.AnyAsync(p => p.Name == name, ct))
            {
                return AdminResult.FieldFail("Name", Ui.Text("A plan with this name exists."));
            }

            var plan = CommissionPlan.Create(name, packMode, action.NowUtc);
            action.Db.CommissionPlans.Add(plan);
            await action.Db.SaveChangesAsync(ct);
            Audit(action, AuditActions.CommissionPlanCreated, plan, $"packs earn {packMode}");
            return AdminResult.Ok;
        }, needsStepUp: true, ct: ct);
    }

    /// <summary>One rate; a refusal is on the field <c>Rate</c>.</summary>
    public async Task<AdminResult> SetRateAsync(Actor admin, long planId, MobileOperator op, NumberType type, string? rateText, CancellationToken ct = default)
    {
        var result = await SetRatesAsync(admin, planId, new Dictionary<(MobileOperator, NumberType), string?> { [(op, type)] = rateText }, ct);
        return result.ErrorFor(RateField(op, type)) is { } error ? AdminResult.FieldFail("Rate", error) : result;
    }

    /// <summary>
    /// A plan's edited rates, all or none, in one step-up: a refusal names each bad rate on its field
    /// (<see cref="RateField"/>). Audited per rate that changed.
    /// </summary>
    public Task<AdminResult> SetRatesAsync(Actor admin, long planId, IReadOnlyDictionary<(MobileOperator Op, NumberType Type), string?> rates, CancellationToken ct = default)
    {
        var parsed = new Dictionary<(MobileOperator Op, NumberType Type), CommissionRateValue>();
        var errors = new Dictionary<string, string>();
        foreach (var ((op, type), text) in rates)
        {
            if (CommissionRateValue.TryParse(text, out var rate, out var error))
            {
                parsed[(op, type)] = rate;
            }
            else
            {
                errors[RateField(op, type)] = error;
            }
        }

        if (errors.Count > 0)
        {
            return Task.FromResult(AdminResult.FieldFail(errors));
        }

        return OnPlanAsync(admin, planId, async (action, plan) =>
        {
            var users = await UsersOfPlanAsync(action.Db, plan, ct);
            var refused = new Dictionary<string, string>();
            var capped = new SortedSet<string>(StringComparer.OrdinalIgnoreCase);
            foreach (var ((op, type), rate) in parsed)
            {
                var before = plan.RateFor(op, type);
                if (rate.BasisPoints > before.BasisPoints
                    && await ParentBelowAsync(action.Db, users, plan.Id, op, type, rate, ct) is { } parent)
                {
                    refused[RateField(op, type)] = Ui.Text("{0} is above what the parent of {1} earns ({2}): a child never earns more than its parent.",
                        Display.Digits(rate.ToString()), parent.ChildEmail, Display.Digits(parent.ParentRate.ToString()));
                }
                else if (rate.BasisPoints < before.BasisPoints)
                {
                    capped.UnionWith(await ChildrenAboveAsync(action.Db, users, op, type, rate, ct));
                }
            }

            if (refused.Count > 0)
            {
                return AdminResult.FieldFail(refused);
            }

            var changed = 0;
            foreach (var ((op, type), rate) in parsed)
            {
                var before = plan.RateFor(op, type);
                if (before == rate)
                {
                    continue;
                }

                plan.SetRate(op, type, rate);
                Audit(action, AuditActions.CommissionPlanChanged, plan, $"{op} {type}: {before} → {rate}");
                changed++;
            }

            if (changed == 0)
            {
                return AdminResult.Unchanged(Ui.Text("No rate was changed."));
            }

            return AdminResult.Done(capped.Count == 0
                ? Ui.Text("Saved {0} rate(s) of {1}.", Display.Number(changed), plan.Name)
                : Ui.Text("Saved {0} rate(s) of {1}. Warning: these resellers now earn at most their parent's lowered rate: {2}.", Display.Number(changed), plan.Name, string.Join(", ", capped)));
        }, ct);
    }

    /// <summary>The resellers whose wallet earns by <paramref name="plan"/> (theirs, or the default for those without one).</summary>
    private static async Task<IReadOnlyList<(string UserId, string Email)>> UsersOfPlanAsync(PortalDbContext db, CommissionPlan plan, CancellationToken ct) =>
        (await db.Wallets.AsNoTracking()
            .Where(w => w.CommissionPlanId == plan.Id || (plan.IsDefault && w.CommissionPlanId == null))
            .Select(w => new { w.UserId, w.User!.Email }).ToListAsync(ct))
        .Select(w => (w.UserId, w.Email ?? "")).ToList();

    /// <summary>The first reseller on the plan whose parent would earn less than <paramref name="rate"/> (with the plan at that rate).</summary>
    private static async Task<(string ChildEmail, CommissionRateValue ParentRate)?> ParentBelowAsync(
        PortalDbContext db, IReadOnlyList<(string UserId, string Email)> users, long planId, MobileOperator op, NumberType type, CommissionRateValue rate, CancellationToken ct)
    {
        foreach (var (userId, email) in users)
        {
            var chain = await CommissionTree.ChainAsync(db, userId, ct);
            if (chain.Count < 2)
            {
                continue;
            }

            var parentRate = CommissionTree.EffectiveRates(chain.Skip(1).ToList(), op, type, l => l.Plan.Id == planId ? rate : l.Plan.RateFor(op, type))[0];
            if (parentRate.BasisPoints < rate.BasisPoints)
            {
                return (email, parentRate);
            }
        }

        return null;
    }

    /// <summary>The children of the plan's resellers whose own plan pays more than <paramref name="rate"/>: capped from now on.</summary>
    private static async Task<IReadOnlyList<string>> ChildrenAboveAsync(
        PortalDbContext db, IReadOnlyList<(string UserId, string Email)> users, MobileOperator op, NumberType type, CommissionRateValue rate, CancellationToken ct)
    {
        var parents = users.Select(u => u.UserId).ToList();
        var above = new List<string>();
        var children = await db.Users.AsNoTracking().Where(u => u.ParentId != null && parents.Contains(u.ParentId)).Select(u => u.Id).ToListAsync(ct);
        foreach (var child in children)
        {
            var link = (await CommissionTree.ChainAsync(db, child, ct))[0];
            if (link.Plan.RateFor(op, type).BasisPoints > rate.BasisPoints)
            {
                above.Add(link.Email);
            }
        }

        return above;
    }

    /// <summary>The field a rate's refusal is reported on by <see cref="SetRatesAsync"/>.</summary>
    public static string RateField(MobileOperator op, NumberType type) => $"{op}:{type}";

    public Task<AdminResult> SetPackModeAsync(Actor admin, long planId, PackCommissionMode mode, CancellationToken ct = default) =>
        OnPlanAsync(admin, planId, (action, plan) =>
        {
            plan.PackMode = mode;
            Audit(action, AuditActions.CommissionPlanChanged, plan, $"packs earn {mode}");
            return Task.FromResult(AdminResult.Ok);
        }, ct);

    public Task<AdminResult> MakeDefaultAsync(Actor admin, long planId, CancellationToken ct = default) =>
        OnPlanAsync(admin, planId, async (action, plan) =>
        {
            await action.Db.CommissionPlans.Where(p => p.IsDefault && p.Id != planId).ExecuteUpdateAsync(s => s.SetProperty(p => p.IsDefault, false), ct);
            plan.IsDefault = true;
            Audit(action, AuditActions.CommissionPlanChanged, plan, "made the default plan");
            return AdminResult.Ok;
        }, ct);

    /// <summary>Puts a reseller on a plan; null puts them back on the default.</summary>
    public Task<AdminResult> AssignAsync(Actor admin, long walletId, long? planId, CancellationToken ct = default) =>
        actions.RunAsync(admin, async action =>
        {
            var wallet = await action.Db.Wallets.Include(w => w.User).SingleOrDefaultAsync(w => w.Id == walletId, ct);
            if (wallet is null)
            {
                return AdminResult.Fail(Ui.Text("That wallet no longer exists."));
            }

            var plan = planId is null ? null : await action.Db.CommissionPlans.Include(p => p.Rates).SingleOrDefaultAsync(p => p.Id == planId, ct);
            if (planId is not null && plan is null)
            {
                return AdminResult.FieldFail("Plan", Ui.Text("That plan no longer exists."));
            }

            var earning = plan ?? await action.Db.CommissionPlans.AsNoTracking().Include(p => p.Rates).FirstOrDefaultAsync(p => p.IsDefault, ct);
            if (earning is not null && await CommissionTree.AboveParentAsync(action.Db, wallet.User?.ParentId, earning, ct) is { Count: > 0 } above)
            {
                return AdminResult.FieldFail("Plan", Ui.Text("A child never earns more than its parent: {0}.", string.Join("; ", above)));
            }

            wallet.CommissionPlanId = planId;
            action.Audit(AuditActions.CommissionPlanAssigned, AuditTargets.Wallet, walletId.ToString(CultureInfo.InvariantCulture), wallet.User?.Email,
                plan is null ? "default plan" : plan.Name);
            return AdminResult.Ok;
        }, needsStepUp: true, ct: ct);

    private Task<AdminResult> OnPlanAsync(Actor admin, long planId, Func<AdminActionContext, CommissionPlan, Task<AdminResult>> act, CancellationToken ct) =>
        actions.RunAsync(admin, async action =>
        {
            var plan = await action.Db.CommissionPlans.Include(p => p.Rates).SingleOrDefaultAsync(p => p.Id == planId, ct);
            return plan is null ? AdminResult.Fail(Ui.Text("That plan no longer exists.")) : await act(action, plan);
        }, needsStepUp: true, ct: ct);

    private static void Audit(AdminActionContext action, string what, CommissionPlan plan, string details) =>
        action.Audit(what, AuditTargets.CommissionPlan, plan.Id.ToString(CultureInfo.InvariantCulture), plan.Name, details);

    /// <summary>Creates the default plan on a new database (rates at 0 % until an admin sets them).</summary>
    public static async Task EnsureDefaultPlanAsync(PortalDbContext db, DateTime nowUtc, CancellationToken ct)
    {
        if (!await db.CommissionPlans.AnyAsync(ct))
        {
            var plan = CommissionPlan.Create(DefaultPlanName, PackCommissionMode.VendorPackCommission, nowUtc);
            plan.IsDefault = true;
            db.CommissionPlans.Add(plan);
            await db.SaveChangesAsync(ct);
        }
    }

    /// <summary>What a recharge earns under a reseller's plan, for the recharge form and the pipeline.</summary>
    public static Money Earns(CommissionPlan plan, MobileOperator op, NumberType type, Money amount, Money? vendorPackCommission = null) =>
        CommissionCalculator.For(plan, op, type, amount, vendorPackCommission);
}

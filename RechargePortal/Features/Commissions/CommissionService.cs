using System.Globalization;
using Microsoft.EntityFrameworkCore;
using RechargePortal.Data;
using RechargePortal.Features.Audit;
using RechargePortal.Features.Wallets;
using RechargePortal.Providers;
using RechargePortal.Security;

namespace RechargePortal.Features.Commissions;

public sealed record PlanSummary(long Id, string Name, bool IsDefault, PackCommissionMode PackMode,
    IReadOnlyDictionary<(MobileOperator, NumberType), CommissionRateValue> Rates, IReadOnlyList<string> Resellers);

public sealed record CommissionResult(bool Succeeded, string? Error = null, string? Field = null)
{
    public static readonly CommissionResult Ok = new(true);
}

/// <summary>Commission plans: their rates, the default, and which reseller uses which. Admin acts are audited.</summary>
public sealed class CommissionService(IDbContextFactory<PortalDbContext> factory, ActiveUserGuard guard, TimeProvider time)
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

    public Task<CommissionResult> CreatePlanAsync(Actor admin, string name, PackCommissionMode packMode, CancellationToken ct = default)
    {
        name = (name ?? "").Trim();
        if (name.Length is 0 or > 100)
        {
            return Task.FromResult(new CommissionResult(false, "Enter a name of up to 100 characters.", "Name"));
        }

        return AsAdminAsync(admin, async db =>
        {
            if (await db.CommissionPlans.AnyAsync(p => p.Name == name, ct))
            {
                return new CommissionResult(false, "A plan with this name exists.", "Name");
            }

            var plan = CommissionPlan.Create(name, packMode, time.GetUtcNow().UtcDateTime);
            db.CommissionPlans.Add(plan);
            await db.SaveChangesAsync(ct);
            Audit(db, admin, AuditActions.CommissionPlanCreated, plan, $"packs earn {packMode}");
            return CommissionResult.Ok;
        }, ct);
    }

    public Task<CommissionResult> SetRateAsync(Actor admin, long planId, MobileOperator op, NumberType type, string? rateText, CancellationToken ct = default)
    {
        if (!CommissionRateValue.TryParse(rateText, out var rate, out var error))
        {
            return Task.FromResult(new CommissionResult(false, error, "Rate"));
        }

        return OnPlanAsync(admin, planId, (db, plan) =>
        {
            var before = plan.RateFor(op, type);
            plan.SetRate(op, type, rate);
            Audit(db, admin, AuditActions.CommissionPlanChanged, plan, $"{op} {type}: {before} → {rate}");
            return Task.FromResult(CommissionResult.Ok);
        }, ct);
    }

    public Task<CommissionResult> SetPackModeAsync(Actor admin, long planId, PackCommissionMode mode, CancellationToken ct = default) =>
        OnPlanAsync(admin, planId, (db, plan) =>
        {
            plan.PackMode = mode;
            Audit(db, admin, AuditActions.CommissionPlanChanged, plan, $"packs earn {mode}");
            return Task.FromResult(CommissionResult.Ok);
        }, ct);

    public Task<CommissionResult> MakeDefaultAsync(Actor admin, long planId, CancellationToken ct = default) =>
        OnPlanAsync(admin, planId, async (db, plan) =>
        {
            await db.CommissionPlans.Where(p => p.IsDefault && p.Id != planId).ExecuteUpdateAsync(s => s.SetProperty(p => p.IsDefault, false), ct);
            plan.IsDefault = true;
            Audit(db, admin, AuditActions.CommissionPlanChanged, plan, "made the default plan");
            return CommissionResult.Ok;
        }, ct);

    /// <summary>Puts a reseller on a plan; null puts them back on the default.</summary>
    public Task<CommissionResult> AssignAsync(Actor admin, long walletId, long? planId, CancellationToken ct = default) =>
        AsAdminAsync(admin, async db =>
        {
            var wallet = await db.Wallets.Include(w => w.User).SingleOrDefaultAsync(w => w.Id == walletId, ct);
            if (wallet is null)
            {
                return new CommissionResult(false, "That wallet no longer exists.");
            }

            var plan = planId is null ? null : await db.CommissionPlans.SingleOrDefaultAsync(p => p.Id == planId, ct);
            if (planId is not null && plan is null)
            {
                return new CommissionResult(false, "That plan no longer exists.", "Plan");
            }

            wallet.CommissionPlanId = planId;
            db.AuditEntries.Add(AuditEntry.Create(
                time.GetUtcNow().UtcDateTime, admin.UserId, admin.Email, AuditActions.CommissionPlanAssigned,
                AuditTargets.Wallet, walletId.ToString(CultureInfo.InvariantCulture), wallet.User?.Email,
                plan is null ? "default plan" : plan.Name));
            return CommissionResult.Ok;
        }, ct);

    private Task<CommissionResult> OnPlanAsync(Actor admin, long planId, Func<PortalDbContext, CommissionPlan, Task<CommissionResult>> act, CancellationToken ct) =>
        AsAdminAsync(admin, async db =>
        {
            var plan = await db.CommissionPlans.Include(p => p.Rates).SingleOrDefaultAsync(p => p.Id == planId, ct);
            return plan is null ? new CommissionResult(false, "That plan no longer exists.") : await act(db, plan);
        }, ct);

    private async Task<CommissionResult> AsAdminAsync(Actor admin, Func<PortalDbContext, Task<CommissionResult>> act, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        if (!await guard.IsActiveInRoleAsync(db, admin, Roles.Admin, ct))
        {
            return new CommissionResult(false, "Your session no longer allows this action. Sign in again.");
        }

        var result = await act(db);
        if (result.Succeeded)
        {
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
        }

        return result;
    }

    private void Audit(PortalDbContext db, Actor admin, string action, CommissionPlan plan, string details) =>
        db.AuditEntries.Add(AuditEntry.Create(
            time.GetUtcNow().UtcDateTime, admin.UserId, admin.Email, action, AuditTargets.CommissionPlan,
            plan.Id.ToString(CultureInfo.InvariantCulture), plan.Name, details));

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

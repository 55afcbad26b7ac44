using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using RechargePortal.Providers;

namespace RechargePortal.Features.Commissions;

/// <summary>How an offer pack earns: at the plan's rate, or the vendor's own commission for that pack.</summary>
public enum PackCommissionMode
{
    PlanRate,
    VendorPackCommission,
}

/// <summary>A set of commission rates, per operator and number type, that resellers are assigned to.</summary>
public sealed class CommissionPlan
{
    public long Id { get; private set; }
    public string Name { get; set; } = "";
    /// <summary>The plan of every reseller without one of their own; exactly one plan is the default.</summary>
    public bool IsDefault { get; set; }
    public PackCommissionMode PackMode { get; set; }
    public DateTime CreatedAtUtc { get; private set; }
    public List<CommissionRate> Rates { get; private set; } = [];

    private CommissionPlan()
    {
    }

    public static CommissionPlan Create(string name, PackCommissionMode packMode, DateTime nowUtc) =>
        new() { Name = name, PackMode = packMode, CreatedAtUtc = nowUtc };

    /// <summary>The rate for an operator and number type; 0 where the plan sets none.</summary>
    public CommissionRateValue RateFor(MobileOperator op, NumberType type) =>
        Rates.FirstOrDefault(r => r.Operator == op && r.NumberType == type)?.Rate ?? CommissionRateValue.Zero;

    public void SetRate(MobileOperator op, NumberType type, CommissionRateValue rate)
    {
        var existing = Rates.FirstOrDefault(r => r.Operator == op && r.NumberType == type);
        if (existing is null)
        {
            Rates.Add(new CommissionRate { Operator = op, NumberType = type, BasisPoints = rate.BasisPoints });
        }
        else
        {
            existing.BasisPoints = rate.BasisPoints;
        }
    }
}

public sealed class CommissionRate
{
    public long Id { get; private set; }
    public long PlanId { get; private set; }
    public MobileOperator Operator { get; set; }
    public NumberType NumberType { get; set; }
    /// <summary>Hundredths of a percent: 2.75 % = 275.</summary>
    public int BasisPoints { get; set; }

    public CommissionRateValue Rate => new(BasisPoints);
}

internal sealed class CommissionPlanConfiguration : IEntityTypeConfiguration<CommissionPlan>
{
    public void Configure(EntityTypeBuilder<CommissionPlan> plan)
    {
        plan.ToTable("CommissionPlans");
        plan.Property(p => p.Name).HasMaxLength(100);
        plan.HasIndex(p => p.Name).IsUnique();
        plan.Property(p => p.PackMode).HasConversion<string>().HasMaxLength(32);
        plan.HasMany(p => p.Rates).WithOne().HasForeignKey(r => r.PlanId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class CommissionRateConfiguration : IEntityTypeConfiguration<CommissionRate>
{
    public void Configure(EntityTypeBuilder<CommissionRate> rate)
    {
        rate.ToTable("CommissionRates", t => t.HasCheckConstraint("CK_CommissionRates_Range", "BasisPoints >= 0 AND BasisPoints <= 10000"));
        rate.Property(r => r.Operator).HasConversion<string>().HasMaxLength(32);
        rate.Property(r => r.NumberType).HasConversion<string>().HasMaxLength(32);
        rate.HasIndex(r => new { r.PlanId, r.Operator, r.NumberType }).IsUnique();
        rate.Ignore(r => r.Rate);
    }
}

using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace RechargePortal.Providers.Routing;

/// <summary>One step of an operator's route: the provider tried at <see cref="Position"/> (0 first).</summary>
public sealed class ProviderRoute
{
    public long Id { get; private set; }
    public MobileOperator Operator { get; private set; }
    public int Position { get; private set; }
    public string Provider { get; private set; } = "";

    private ProviderRoute()
    {
    }

    public static ProviderRoute Create(MobileOperator op, int position, string provider) =>
        new() { Operator = op, Position = position, Provider = provider };
}

internal sealed class ProviderRouteConfiguration : IEntityTypeConfiguration<ProviderRoute>
{
    public void Configure(EntityTypeBuilder<ProviderRoute> route)
    {
        route.ToTable("ProviderRoutes");
        route.Property(r => r.Operator).HasConversion<string>().HasMaxLength(16);
        route.Property(r => r.Provider).HasMaxLength(64);
        route.HasIndex(r => new { r.Operator, r.Provider }).IsUnique();
        route.HasIndex(r => new { r.Operator, r.Position }).IsUnique();
    }
}

using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using RechargePortal.Data;

namespace RechargePortal.Providers;

/// <summary>What the portal knows about one configured provider: paused or not, its last balance. Credentials live in configuration only.</summary>
public sealed class ProviderState
{
    public string Name { get; private set; } = "";
    /// <summary>A paused provider gets no new recharges and is skipped by the scheduled jobs.</summary>
    public bool Paused { get; private set; }
    public long? LastBalancePoisha { get; private set; }
    /// <summary>When <see cref="LastBalancePoisha"/> was last read from the provider.</summary>
    public DateTime? LastBalanceAtUtc { get; private set; }
    public DateTime? OfferPacksRefreshedAtUtc { get; private set; }
    /// <summary>Packs the last refresh did not offer, and why (a vendor commission below zero or not below the price).</summary>
    public string? OfferPacksRefused { get; private set; }

    private ProviderState()
    {
    }

    public static ProviderState For(string name) => new() { Name = name };

    public void SetPaused(bool paused) => Paused = paused;

    /// <summary>Records a balance read; true when it differs from the last one (worth a history row).</summary>
    public bool RecordBalance(long poisha, DateTime atUtc)
    {
        var changed = LastBalancePoisha != poisha;
        LastBalancePoisha = poisha;
        LastBalanceAtUtc = atUtc;
        return changed;
    }

    public void RecordOfferPacksRefreshed(DateTime atUtc, string? refused)
    {
        OfferPacksRefreshedAtUtc = atUtc;
        OfferPacksRefused = refused is { Length: > 1000 } ? refused[..1000] : refused;
    }
}

/// <summary>A provider balance as read at a moment; a row only when it changed since the previous read.</summary>
public sealed class ProviderBalanceSnapshot : IAppendOnly
{
    public long Id { get; private set; }
    public string Provider { get; private set; } = "";
    public DateTime AtUtc { get; private set; }
    public long BalancePoisha { get; private set; }

    private ProviderBalanceSnapshot()
    {
    }

    public static ProviderBalanceSnapshot Create(string provider, DateTime atUtc, long balancePoisha) =>
        new() { Provider = provider, AtUtc = atUtc, BalancePoisha = balancePoisha };
}

internal sealed class ProviderStateConfiguration : IEntityTypeConfiguration<ProviderState>
{
    public void Configure(EntityTypeBuilder<ProviderState> state)
    {
        state.ToTable("ProviderStates");
        state.HasKey(s => s.Name);
        state.Property(s => s.Name).HasMaxLength(64);
        state.Property(s => s.OfferPacksRefused).HasMaxLength(1000);
    }
}

internal sealed class ProviderBalanceSnapshotConfiguration : IEntityTypeConfiguration<ProviderBalanceSnapshot>
{
    public void Configure(EntityTypeBuilder<ProviderBalanceSnapshot> snapshot)
    {
        snapshot.ToTable("ProviderBalanceHistory");
        snapshot.Property(s => s.Provider).HasMaxLength(64);
        snapshot.HasIndex(s => new { s.Provider, s.AtUtc });
    }
}

using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace RechargePortal.Features.Recharges;

public enum ContradictionResolution
{
    /// <summary>An admin moved the money the provider's later answer calls for (one Adjustment entry).</summary>
    Corrected,
    /// <summary>An admin judged the later answer wrong: no money moved.</summary>
    Dismissed,
}

/// <summary>
/// A provider's answer that contradicts a recharge's final state: a success reported for a refunded
/// recharge, or a failure (reversal) for a delivered one. The recharge stays as it is (final states
/// never change); a person decides, and a correction is an explicit, audited admin action.
/// </summary>
public sealed class RechargeContradiction
{
    public long Id { get; private set; }
    public long RechargeId { get; private set; }
    public string Provider { get; private set; } = "";
    public string UpstreamReference { get; private set; } = "";
    /// <summary>What our books say: <see cref="RechargeStatus.Succeeded"/> or <see cref="RechargeStatus.Failed"/>.</summary>
    public RechargeStatus BooksSay { get; private set; }
    /// <summary>What the provider now says, in words (its operator id or reason included).</summary>
    public string ProviderSays { get; private set; } = "";
    /// <summary>True when the provider now says it was delivered.</summary>
    public bool ProviderSaysDelivered { get; private set; }
    public DateTime AtUtc { get; private set; }
    public ContradictionResolution? Resolution { get; private set; }
    public DateTime? ResolvedAtUtc { get; private set; }
    public string? ResolvedByEmail { get; private set; }
    public string? ResolutionNote { get; private set; }

    public bool IsOpen => Resolution is null;

    private RechargeContradiction()
    {
    }

    public static RechargeContradiction Record(Recharge r, RechargeAttempt asked, bool providerSaysDelivered, string providerSays, DateTime nowUtc)
    {
        if (!r.IsFinal || providerSaysDelivered == (r.Status == RechargeStatus.Succeeded))
        {
            throw new InvalidOperationException($"Recharge {r.Reference} is {r.Status}: that answer does not contradict it.");
        }

        return new()
        {
            RechargeId = r.Id,
            Provider = asked.Provider,
            UpstreamReference = asked.UpstreamReference,
            BooksSay = r.Status,
            ProviderSays = providerSays.Length <= 500 ? providerSays : providerSays[..500],
            ProviderSaysDelivered = providerSaysDelivered,
            AtUtc = nowUtc,
        };
    }

    public void Resolve(ContradictionResolution resolution, string adminEmail, string note, DateTime nowUtc)
    {
        if (!IsOpen)
        {
            throw new InvalidOperationException("This contradiction was already resolved.");
        }

        Resolution = resolution;
        ResolvedByEmail = adminEmail;
        ResolutionNote = note.Length <= Recharge.MaxNoteLength ? note : note[..Recharge.MaxNoteLength];
        ResolvedAtUtc = nowUtc;
    }
}

internal sealed class RechargeContradictionConfiguration : IEntityTypeConfiguration<RechargeContradiction>
{
    public void Configure(EntityTypeBuilder<RechargeContradiction> c)
    {
        c.ToTable("RechargeContradictions");
        c.Property(x => x.Provider).HasMaxLength(64);
        c.Property(x => x.UpstreamReference).HasMaxLength(64);
        c.Property(x => x.BooksSay).HasConversion<string>().HasMaxLength(16);
        c.Property(x => x.ProviderSays).HasMaxLength(500);
        c.Property(x => x.Resolution).HasConversion<string>().HasMaxLength(16);
        c.Property(x => x.ResolvedByEmail).HasMaxLength(256);
        c.Property(x => x.ResolutionNote).HasMaxLength(Recharge.MaxNoteLength);
        c.HasOne<Recharge>().WithMany().HasForeignKey(x => x.RechargeId).OnDelete(DeleteBehavior.Restrict);
        // One open contradiction per recharge: the same late answer again adds nothing.
        c.HasIndex(x => x.RechargeId, "IX_RechargeContradictions_Open").IsUnique().HasFilter("Resolution IS NULL");
        c.HasIndex(x => x.RechargeId);
        c.Ignore(x => x.IsOpen);
    }
}

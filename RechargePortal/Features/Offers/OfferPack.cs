using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using RechargePortal.Localization;
using RechargePortal.Providers;

namespace RechargePortal.Features.Offers;

/// <summary>
/// An offer (drive) pack a provider sells. Bought by a plain recharge of exactly <see cref="PricePoisha"/>:
/// such an amount activates the pack instead of adding balance. Identified by provider, operator,
/// number type and price (the vendor gives packs no id; a price names one pack per operator and type).
/// </summary>
public sealed class OfferPack
{
    public long Id { get; private set; }
    public string Provider { get; private set; } = "";
    public MobileOperator Operator { get; private set; }
    public NumberType NumberType { get; private set; }
    public OfferType OfferType { get; private set; }
    public long PricePoisha { get; private set; }
    /// <summary>What the vendor pays us per sale of this pack.</summary>
    public long CommissionPoisha { get; private set; }
    public string? Minutes { get; private set; }
    public string? Internet { get; private set; }
    public string? Sms { get; private set; }
    public string? CallRate { get; private set; }
    public string? Validity { get; private set; }
    public string? Details { get; private set; }
    public bool IsActive { get; private set; }
    public DateTime FirstSeenAtUtc { get; private set; }
    /// <summary>When the vendor's description of the pack last changed here (not touched by a refresh that finds it unchanged).</summary>
    public DateTime UpdatedAtUtc { get; private set; }

    private OfferPack()
    {
    }

    public static OfferPack From(string provider, OfferPackInfo info, DateTime nowUtc)
    {
        var pack = new OfferPack
        {
            Provider = provider,
            Operator = info.Operator,
            NumberType = info.NumberType,
            PricePoisha = info.PricePoisha,
            FirstSeenAtUtc = nowUtc,
        };
        pack.Apply(info, nowUtc);
        return pack;
    }

    /// <summary>Takes the vendor's current description; true when anything changed.</summary>
    public bool Apply(OfferPackInfo info, DateTime nowUtc)
    {
        var same = OfferType == info.OfferType && CommissionPoisha == info.CommissionPoisha && Minutes == info.Minutes
            && Internet == info.Internet && Sms == info.Sms && CallRate == info.CallRate && Validity == info.Validity
            && Details == info.Details && IsActive == info.Active && UpdatedAtUtc != default;
        if (same)
        {
            return false;
        }

        OfferType = info.OfferType;
        CommissionPoisha = info.CommissionPoisha;
        Minutes = info.Minutes;
        Internet = info.Internet;
        Sms = info.Sms;
        CallRate = info.CallRate;
        Validity = info.Validity;
        Details = info.Details;
        IsActive = info.Active;
        UpdatedAtUtc = nowUtc;
        return true;
    }

    /// <summary>The vendor no longer lists it; true when that is news.</summary>
    public bool Deactivate(DateTime nowUtc)
    {
        if (!IsActive)
        {
            return false;
        }

        IsActive = false;
        UpdatedAtUtc = nowUtc;
        return true;
    }

    /// <summary>
    /// Whether a vendor's pack can be offered: a commission below zero, or not below the price
    /// (the vendor would pay us the whole pack or more), is a vendor's mistake, not a deal.
    /// </summary>
    public static bool CommissionIsSane(OfferPackInfo info) => info.CommissionPoisha >= 0 && info.CommissionPoisha < info.PricePoisha;

    /// <summary>"5 GB · 300 Min · 100 SMS".</summary>
    public string Contents => string.Join(" · ", new[] { Internet, Minutes, Sms, CallRate }.Where(s => !string.IsNullOrWhiteSpace(s)));

    /// <summary>"IN pack: 5 GB, 7 Days": what a recharge of its price buys, as the recharge records it.</summary>
    public string Describe() => $"{OfferType} pack: {(Contents.Length > 0 ? Contents : Details ?? "offer")}{(Validity is null ? "" : $", {Validity}")}";

    /// <summary>
    /// A <see cref="Describe"/> text as recharges keep it (English, in the database and the API) worded for the reader:
    /// the offer type and "pack" in their language, the vendor's own words as they are. Any other text comes back unchanged.
    /// </summary>
    public static string ShownAs(string described)
    {
        const string Marker = " pack: ";
        var at = described.IndexOf(Marker, StringComparison.Ordinal);
        if (at <= 0 || !Enum.TryParse<OfferType>(described[..at], out var type) || type.ToString() != described[..at])
        {
            return described;
        }

        var rest = described[(at + Marker.Length)..];
        if (rest == "offer" || rest.StartsWith("offer, ", StringComparison.Ordinal))
        {
            rest = Ui.Text("offer") + rest["offer".Length..];
        }

        return Ui.Text("{0} pack: {1}", Ui.Text(type.ToString()), rest);
    }
}

internal sealed class OfferPackConfiguration : IEntityTypeConfiguration<OfferPack>
{
    public void Configure(EntityTypeBuilder<OfferPack> pack)
    {
        pack.ToTable("OfferPacks", t => t.HasCheckConstraint("CK_OfferPacks_Commission", "CommissionPoisha >= 0 AND CommissionPoisha <= PricePoisha"));
        pack.Property(p => p.Provider).HasMaxLength(64);
        pack.Property(p => p.Operator).HasConversion<string>().HasMaxLength(16);
        pack.Property(p => p.NumberType).HasConversion<string>().HasMaxLength(16);
        pack.Property(p => p.OfferType).HasConversion<string>().HasMaxLength(16);
        pack.Property(p => p.Minutes).HasMaxLength(64);
        pack.Property(p => p.Internet).HasMaxLength(64);
        pack.Property(p => p.Sms).HasMaxLength(64);
        pack.Property(p => p.CallRate).HasMaxLength(64);
        pack.Property(p => p.Validity).HasMaxLength(64);
        pack.Property(p => p.Details).HasMaxLength(500);
        pack.Ignore(p => p.Contents);
        pack.HasIndex(p => new { p.Provider, p.Operator, p.NumberType, p.PricePoisha }).IsUnique();
        pack.HasIndex(p => new { p.IsActive, p.Operator });
    }
}

namespace RechargePortal.Providers;

/// <summary>The mobile operators of Bangladesh. Skitto is a Grameenphone brand: see <see cref="NumberType.Skitto"/>.</summary>
public enum MobileOperator
{
    Grameenphone,
    Banglalink,
    Robi,
    Airtel,
    Teletalk,
}

/// <summary>The two-letter codes Bangladeshi panels and operators' own transaction ids use: GP, BL, RB, AT, TT.</summary>
public static class OperatorCode
{
    public static string Of(MobileOperator op) => op switch
    {
        MobileOperator.Grameenphone => "GP",
        MobileOperator.Banglalink => "BL",
        MobileOperator.Robi => "RB",
        MobileOperator.Airtel => "AT",
        MobileOperator.Teletalk => "TT",
        _ => throw new ArgumentOutOfRangeException(nameof(op), op, null),
    };

    /// <summary>Reads a code in any letter case; false for anything else.</summary>
    public static bool TryParse(string? code, out MobileOperator op)
    {
        foreach (var candidate in Enum.GetValues<MobileOperator>())
        {
            if (string.Equals(Of(candidate), code, StringComparison.OrdinalIgnoreCase))
            {
                op = candidate;
                return true;
            }
        }

        op = default;
        return false;
    }
}

public enum NumberType
{
    Prepaid,
    Postpaid,
    /// <summary>Grameenphone's Skitto brand.</summary>
    Skitto,
    /// <summary>Grameenphone PowerLoad / G.Store / Amar Offer.</summary>
    PowerLoad,
}

/// <summary>One recharge to send upstream. <paramref name="Reference"/> is ours, unique per attempt.</summary>
public sealed record RechargeRequest(MobileOperator Operator, NumberType NumberType, string Number, long AmountPoisha, string Reference);

/// <summary>What a submission did. Never a vendor string: the adapter decides.</summary>
public abstract record SubmitResult
{
    /// <summary>Accepted for processing, not delivered: the status query tells the end.</summary>
    public sealed record Accepted(string? UpstreamTrxId) : SubmitResult;

    /// <summary>Refused before anything was done. <paramref name="TriedElsewhereIsSafe"/>: another provider may be tried.</summary>
    public sealed record Rejected(string Reason, bool TriedElsewhereIsSafe) : SubmitResult;

    /// <summary>The request may or may not have been acted on (timeout, dropped connection, 5xx, garbled body).</summary>
    public sealed record Unknown(string Why) : SubmitResult;
}

public abstract record StatusResult
{
    public sealed record Pending : StatusResult;

    public sealed record Succeeded(string? OperatorTrxId) : StatusResult;

    public sealed record Failed(string Reason) : StatusResult;

    /// <summary>The provider has no recharge with this reference.</summary>
    public sealed record NotFound : StatusResult;

    public sealed record Unknown(string Why) : StatusResult;
}

public abstract record BalanceResult
{
    public sealed record Known(long BalancePoisha) : BalanceResult;

    public sealed record Unknown(string Why) : BalanceResult;
}

/// <summary>A drive/offer pack as the vendor lists it. Amounts in poisha; "-" (none) becomes null.</summary>
public sealed record OfferPackInfo(
    MobileOperator Operator,
    NumberType NumberType,
    OfferType OfferType,
    long PricePoisha,
    long CommissionPoisha,
    string? Minutes,
    string? Internet,
    string? Sms,
    string? CallRate,
    string? Validity,
    string? Details,
    bool Active);

public enum OfferType
{
    Internet,
    Bundle,
    Minutes,
    Other,
}

public abstract record OfferPacksResult
{
    public sealed record Listed(IReadOnlyList<OfferPackInfo> Packs) : OfferPacksResult;

    public sealed record Unknown(string Why) : OfferPacksResult;

    /// <summary>The vendor has no offer-pack list.</summary>
    public sealed record NotSupported : OfferPacksResult;
}

/// <summary>
/// One upstream account. Adapters speak the vendor's wire and answer in domain results; they never
/// throw on a garbled reply, a timeout or a dropped connection, and never retry a submission.
/// </summary>
public interface IRechargeProvider
{
    /// <summary>The configuration section's name, e.g. <c>Ecare</c>.</summary>
    string Name { get; }

    ProviderKind Kind { get; }

    /// <summary>Scheme and host only, never credentials.</summary>
    string Host { get; }

    bool IsSandbox { get; }

    /// <summary>Talks to its vendor over plain http (the providers page warns).</summary>
    bool IsPlainHttp { get; }

    bool SupportsOfferPacks { get; }

    /// <summary>In poisha; below it the portal warns.</summary>
    long LowBalanceThresholdPoisha { get; }

    Task<SubmitResult> SubmitAsync(RechargeRequest request, CancellationToken ct = default);

    Task<StatusResult> QueryStatusAsync(string reference, CancellationToken ct = default);

    Task<BalanceResult> QueryBalanceAsync(CancellationToken ct = default);

    Task<OfferPacksResult> ListOfferPacksAsync(CancellationToken ct = default);
}

public enum ProviderKind
{
    Ecare,
    Flexi,
}

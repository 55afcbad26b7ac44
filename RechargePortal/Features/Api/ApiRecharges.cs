using System.Globalization;
using System.Text.Json;
using RechargePortal.Features.Offers;
using RechargePortal.Features.Recharges;
using RechargePortal.Features.Wallets;
using RechargePortal.Providers;

namespace RechargePortal.Features.Api;

/// <summary>The body of <c>POST /api/v1/recharges</c>.</summary>
public sealed class ApiRechargeRequest
{
    /// <summary>The client's own id for this recharge: 1–64 of <c>[A-Za-z0-9._:-]</c>, unique per reseller. The same reference again is the same recharge.</summary>
    public string? Reference { get; set; }

    /// <summary>The mobile number: <c>01712345678</c>, <c>+8801712345678</c> or <c>8801712345678</c>.</summary>
    public string? Number { get; set; }

    /// <summary>Whole taka, as a JSON number (a numeric string such as <c>"50"</c> is read too: PHP clients often send them).</summary>
    public decimal? Amount { get; set; }

    /// <summary><c>prepaid</c> (default), <c>postpaid</c>, <c>skitto</c> or <c>powerload</c>.</summary>
    public string? NumberType { get; set; }

    /// <summary><c>GP</c>, <c>BL</c>, <c>RB</c>, <c>AT</c> or <c>TT</c>; omitted: detected from the number's prefix.</summary>
    public string? Operator { get; set; }

    /// <summary>An offer pack from <c>GET /api/v1/offers</c>; <see cref="Amount"/> must be its price.</summary>
    public long? OfferPackId { get; set; }
}

/// <summary>A recharge as the API shows it (and as a callback carries it).</summary>
public sealed record ApiRecharge(
    string Id, string? Reference, string Number, string Operator, string NumberType, long Amount, decimal Commission, string Status,
    string? OperatorTrxId, string? Reason, decimal? BalanceAfter, DateTimeOffset CreatedAt, DateTimeOffset? FinishedAt)
{
    public static ApiRecharge From(RechargeView r) => new(
        r.Reference, r.ClientReference, r.Number, OperatorCode.Of(r.Operator), ApiWords.Of(r.NumberType), r.Amount.Poisha / 100,
        ApiWords.Taka(r.Commission), ApiWords.Of(r.Status), r.OperatorTrxId,
        r.Status is RechargeStatus.Failed or RechargeStatus.NeedsReview ? r.StatusReason : null,
        r.BalanceAfter is { } after ? ApiWords.Taka(after) : null,
        new DateTimeOffset(DateTime.SpecifyKind(r.CreatedAtUtc, DateTimeKind.Utc)),
        r.CompletedAtUtc is { } done ? new DateTimeOffset(DateTime.SpecifyKind(done, DateTimeKind.Utc)) : null);
}

public sealed record ApiRechargePage(IReadOnlyList<ApiRecharge> Items, int Page, int PageSize, int Total);

public sealed record ApiOffer(long Id, string Operator, string NumberType, string Title, decimal Price, string? Validity)
{
    public static ApiOffer From(OfferPack p) =>
        new(p.Id, OperatorCode.Of(p.Operator), ApiWords.Of(p.NumberType), p.Describe(), ApiWords.Taka(new Money(p.PricePoisha)), p.Validity);
}

public sealed record ApiDetectedOperator(string Operator, string Number);

/// <summary>The API's words for the portal's types (lower-case, stable: clients switch on them) and its reading of a request.</summary>
public static class ApiWords
{
    public const string Processing = "processing";
    public const string Successful = "successful";
    public const string Failed = "failed";
    public const string Review = "review";

    public static readonly IReadOnlyList<string> Statuses = [Processing, Successful, Failed, Review];

    public static readonly IReadOnlyList<string> NumberTypes = [.. Enum.GetValues<NumberType>().Select(Of)];

    public static string Of(RechargeStatus status) => status switch
    {
        RechargeStatus.Succeeded => Successful,
        RechargeStatus.Failed => Failed,
        RechargeStatus.NeedsReview => Review,
        _ => Processing,
    };

    public static string Of(NumberType type) => type.ToString().ToLowerInvariant();

    /// <summary>The status filter of the recharge history that an API status word means.</summary>
    public static string? HistoryStatusOf(string word) => word switch
    {
        Successful => RechargeStatusText.For(RechargeStatus.Succeeded),
        Failed => RechargeStatusText.For(RechargeStatus.Failed),
        Review => RechargeStatusText.For(RechargeStatus.NeedsReview),
        Processing => RechargeStatusText.For(RechargeStatus.Processing),
        _ => null,
    };

    /// <summary>Money as a JSON number of taka with two decimals (<c>1234.50</c>).</summary>
    public static decimal Taka(Money money) => money.Poisha * 0.01m;

    /// <summary>The API's field name for a form field the recharge service reported.</summary>
    public static string FieldOf(string formField) => formField switch
    {
        RechargeFields.Reference => "reference",
        RechargeFields.Number => "number",
        RechargeFields.Operator => "operator",
        RechargeFields.NumberType => "numberType",
        RechargeFields.Amount => "amount",
        RechargeFields.OfferPackId => "offerPackId",
        _ => JsonNamingPolicy.CamelCase.ConvertName(formField),
    };

    /// <summary>
    /// Reads a request into the recharge form the portal's own page fills, or says per field what is wrong with its
    /// shape. Whether the number, amount and pack make a recharge is the recharge service's to say, not this.
    /// </summary>
    public static RechargeForm? ToForm(ApiRechargeRequest request, out Dictionary<string, string[]> errors)
    {
        errors = [];
        if (RechargeRules.CheckClientReference(request.Reference) is { } badReference)
        {
            errors["reference"] = [badReference];
        }

        if (string.IsNullOrWhiteSpace(request.Number))
        {
            errors["number"] = ["Give the mobile number, e.g. 01712345678."];
        }

        if (request.Amount is not { } amount)
        {
            errors["amount"] = ["Give the amount in whole taka, e.g. 50."];
        }
        else if (amount <= 0 || amount != decimal.Truncate(amount) || amount > 1_000_000)
        {
            errors["amount"] = ["The amount is whole taka, above zero (e.g. 50)."];
        }

        var type = NumberType.Prepaid;
        if (request.NumberType is { } typeWord && !TryReadNumberType(typeWord, out type))
        {
            errors["numberType"] = [$"One of {string.Join(", ", NumberTypes)}."];
        }

        MobileOperator? op = null;
        if (request.Operator is { } code)
        {
            if (OperatorCode.TryParse(code, out var parsed))
            {
                op = parsed;
            }
            else
            {
                errors["operator"] = ["One of GP, BL, RB, AT, TT, or leave it out to detect it from the number."];
            }
        }

        if (errors.Count > 0)
        {
            return null;
        }

        return new RechargeForm
        {
            Number = request.Number!,
            Operator = op,
            NumberType = type,
            Amount = request.Amount!.Value.ToString("0", CultureInfo.InvariantCulture),
            OfferPackId = request.OfferPackId,
        };
    }

    private static bool TryReadNumberType(string word, out NumberType type)
    {
        var index = NumberTypes.ToList().FindIndex(w => string.Equals(w, word, StringComparison.OrdinalIgnoreCase));
        type = index >= 0 ? Enum.GetValues<NumberType>()[index] : default;
        return index >= 0;
    }
}

using RechargePortal.Features.Recharges;
using RechargePortal.Features.Wallets;
using RechargePortal.Providers;

namespace RechargePortal.Features.Reports;

/// <summary>The transactions report's sortable columns.</summary>
public enum TransactionSort
{
    Time,
    Amount,
    Commission,
    Number,
    Operator,
    Status,
    Provider,
}

/// <summary>One recharge as the reports show it. <see cref="Commission"/> is what it earned: zero unless it succeeded.</summary>
public sealed record TransactionRow(
    long Id, string Reference, DateTime CreatedAtUtc, string ResellerEmail, string ResellerName, string Number,
    MobileOperator Operator, NumberType NumberType, Money Amount, Money Commission, RechargeStatus Status,
    string? Provider, string? OperatorTrxId, string? OfferPack, DateTime? CompletedAtUtc)
{
    public string StatusText => RechargeStatusText.For(Status);
}

/// <summary>
/// Counts and sums over a set of recharges. Sales are the successful amount; commission is what
/// successful recharges earned. The success rate counts finished recharges only (successful or
/// failed): one still processing or in review has not succeeded or failed yet.
/// </summary>
public sealed record ReportTotals(int Count, int Succeeded, int Failed, Money Amount, Money Sales, Money Commission)
{
    public static readonly ReportTotals None = new(0, 0, 0, Money.Zero, Money.Zero, Money.Zero);

    public int Pending => Count - Succeeded - Failed;

    /// <summary>0–1, or null when nothing has finished.</summary>
    public double? SuccessRate => Succeeded + Failed == 0 ? null : (double)Succeeded / (Succeeded + Failed);

    public string SuccessRateText => SuccessRate is { } rate ? rate.ToString("0.0%", System.Globalization.CultureInfo.InvariantCulture) : "—";
}

/// <summary>One line of a summary table: a day, an operator, a provider or a reseller.</summary>
public sealed record SummaryRow(string Key, string Label, ReportTotals Totals);

public sealed record SummaryReport(
    DateOnly From, DateOnly To, ReportTotals Overall,
    IReadOnlyList<SummaryRow> ByDay, IReadOnlyList<SummaryRow> ByOperator, IReadOnlyList<SummaryRow> ByProvider, IReadOnlyList<SummaryRow> ByReseller);

/// <summary>
/// One provider on one Bangladesh day: what the portal recorded as successful through it, against
/// how far its balance with that provider fell between the last readings before the day began and
/// before it ended. Null balances: no reading that early.
/// </summary>
public sealed record ReconciliationRow(string Provider, DateOnly Day, int Succeeded, Money Sales, Money? Opening, Money? Closing, bool DayInProgress)
{
    /// <summary>How much the provider's balance went down over the day (negative: it went up, e.g. a top-up).</summary>
    public Money? BalanceFell => Opening is { } open && Closing is { } close ? open - close : null;

    /// <summary>Balance fall minus recorded sales: positive = the provider took more than the portal recorded.</summary>
    public Money? Difference => BalanceFell is { } fell ? fell - Sales : null;

    public bool Matches => Difference is { Poisha: 0 };
}

/// <summary>A reseller to filter by.</summary>
public sealed record ResellerOption(string Id, string Email, string FullName)
{
    public string Label => string.IsNullOrWhiteSpace(FullName) ? Email : $"{FullName} ({Email})";
}

/// <summary>
/// What one wallet earned on one successful recharge: the placer's commission, or an ancestor's margin (its rate less its
/// child's on the path). <see cref="Level"/> is the level's name (Distributor, Dealer...).
/// </summary>
public sealed record CommissionShare(int Depth, string Level, string Email, Money Amount, bool IsPlacer);

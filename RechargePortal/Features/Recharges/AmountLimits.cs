using RechargePortal.Features.Wallets;
using RechargePortal.Localization;
using RechargePortal.Providers;

namespace RechargePortal.Features.Recharges;

/// <summary>The amount limits for one operator and number type, after every matching rule.</summary>
public sealed record AmountLimits(Money Min, Money Max, bool WholeTaka)
{
    /// <summary>Null when allowed, else a message fit to show beside the Amount field.</summary>
    public string? Check(Money amount)
    {
        if (WholeTaka && amount.Poisha % 100 != 0)
        {
            return Ui.Text("Recharge whole taka only, no poisha.");
        }

        if (amount < Min || amount > Max)
        {
            return Ui.Text("Enter {0} to {1} for this operator and number type.",
                Display.Digits(Min.ToString().Replace(".00", "", StringComparison.Ordinal)), Display.Digits(Max.ToString().Replace(".00", "", StringComparison.Ordinal)));
        }

        return null;
    }

    /// <summary>
    /// Resolves the rules for one operator and type: every matching rule applies, least specific
    /// first, so "Grameenphone: Min 30" overrides the general minimum but keeps the general maximum.
    /// </summary>
    public static AmountLimits For(IEnumerable<AmountRule> rules, MobileOperator op, NumberType type)
    {
        long min = 1, max = 5_000;
        var whole = true;
        foreach (var rule in rules.Where(r => (r.Operator is null || r.Operator == op) && (r.NumberType is null || r.NumberType == type))
                     .OrderBy(r => r.Specificity))
        {
            min = rule.Min ?? min;
            max = rule.Max ?? max;
            whole = rule.WholeTaka ?? whole;
        }

        return new AmountLimits(Money.FromTaka(min), Money.FromTaka(Math.Max(min, max)), whole);
    }
}

using System.Globalization;
using System.Text.RegularExpressions;
using RechargePortal.Localization;

namespace RechargePortal.Features.Wallets;

/// <summary>
/// An amount of Bangladeshi taka held as whole poisha (1 ৳ = 100 poisha). Formats as <c>৳1,234.50</c>;
/// <see cref="TryParse"/> reads what a person types, strictly.
/// </summary>
public readonly partial record struct Money(long Poisha) : IComparable<Money>
{
    /// <summary>No single amount a person types may exceed ৳10 crore: larger is a typo, not a top-up.</summary>
    public static readonly Money MaxInput = FromTaka(100_000_000);

    public static readonly Money Zero = new(0);

    public static Money FromTaka(long taka) => new(checked(taka * 100));

    public bool IsPositive => Poisha > 0;

    public static Money operator +(Money a, Money b) => new(checked(a.Poisha + b.Poisha));

    public static Money operator -(Money a, Money b) => new(checked(a.Poisha - b.Poisha));

    public static Money operator -(Money a) => new(checked(-a.Poisha));

    public static bool operator <(Money a, Money b) => a.Poisha < b.Poisha;

    public static bool operator >(Money a, Money b) => a.Poisha > b.Poisha;

    public static bool operator <=(Money a, Money b) => a.Poisha <= b.Poisha;

    public static bool operator >=(Money a, Money b) => a.Poisha >= b.Poisha;

    public int CompareTo(Money other) => Poisha.CompareTo(other.Poisha);

    /// <summary><c>৳1,234.50</c>, <c>-৳20.00</c>.</summary>
    public override string ToString()
    {
        var abs = Math.Abs((decimal)Poisha) / 100m;
        var text = "৳" + abs.ToString("#,##0.00", CultureInfo.InvariantCulture);
        return Poisha < 0 ? "-" + text : text;
    }

    /// <summary>The plain number for CSV and form fields: <c>1234.50</c>, <c>-20.00</c>.</summary>
    public string ToPlain() => ((decimal)Poisha / 100m).ToString("0.00", CultureInfo.InvariantCulture);

    /// <summary>
    /// Reads a positive amount as a person types it: <c>500</c>, <c>1,234.5</c>, <c>৳ 1234.50</c>.
    /// Refuses signs, letters, more than two decimals, misplaced thousands separators, zero and
    /// anything above <see cref="MaxInput"/>, with a message fit to show beside the field.
    /// </summary>
    public static bool TryParse(string? input, out Money money, out string error)
    {
        money = Zero;
        // Typed in Bengali digits (৫০) or Latin ones (50): the same amount.
        var text = Localization.BanglaDigits.ToLatin((input ?? "").Trim());
        if (text.StartsWith('৳'))
        {
            text = text[1..].TrimStart();
        }

        if (text.Length == 0)
        {
            error = Ui.Text("Enter an amount.");
            return false;
        }

        if (text.StartsWith('-'))
        {
            error = Ui.Text("Enter a positive amount.");
            return false;
        }

        var match = AmountPattern().Match(text);
        if (!match.Success)
        {
            error = DecimalsPattern().IsMatch(text)
                ? Ui.Text("Use at most two decimals (poisha).")
                : Display.Digits(Ui.Text("Enter an amount in taka, e.g. 1500 or 1,500.50."));
            return false;
        }

        var whole = match.Groups["whole"].Value.Replace(",", "", StringComparison.Ordinal);
        var fraction = match.Groups["fraction"].Value.PadRight(2, '0');
        if (whole.TrimStart('0').Length > 9)
        {
            error = Ui.Text("That is more than the largest amount allowed ({0}).", Display.Money(MaxInput));
            return false;
        }

        var poisha = long.Parse(whole, CultureInfo.InvariantCulture) * 100 + long.Parse(fraction, CultureInfo.InvariantCulture);
        if (poisha == 0)
        {
            error = Ui.Text("The amount must be more than zero.");
            return false;
        }

        if (poisha > MaxInput.Poisha)
        {
            error = Ui.Text("That is more than the largest amount allowed ({0}).", Display.Money(MaxInput));
            return false;
        }

        money = new Money(poisha);
        error = "";
        return true;
    }

    // 1234 | 1,234 | 12,34,567 (lakh grouping, common in Bangladesh) | with .5 or .50
    [GeneratedRegex(@"^(?<whole>\d{1,3}(?:,\d{3})+|\d{1,2}(?:,\d{2})*,\d{3}|\d+)(?:\.(?<fraction>\d{1,2}))?$", RegexOptions.CultureInvariant)]
    private static partial Regex AmountPattern();

    [GeneratedRegex(@"^[\d,]+\.\d{3,}$", RegexOptions.CultureInvariant)]
    private static partial Regex DecimalsPattern();
}

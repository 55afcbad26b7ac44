using System.Globalization;

namespace RechargePortal.Providers;

/// <summary>Reads vendors' money text into poisha and formats poisha as taka. No floating point anywhere.</summary>
public static class Taka
{
    private static readonly CultureInfo Culture = CultureInfo.InvariantCulture;

    /// <summary>
    /// "3,500.00" → 350000, "102" → 10200, "Tk 93.55" → 9355. Refuses more than two decimals, and
    /// anything that is not a plain number (no exponent, no hex).
    /// </summary>
    public static bool TryParsePoisha(string? text, out long poisha)
    {
        poisha = 0;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var cleaned = text.Trim();
        foreach (var prefix in new[] { "৳", "Tk.", "Tk", "BDT" })
        {
            if (cleaned.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            {
                cleaned = cleaned[prefix.Length..].TrimStart();
            }
        }

        if (!decimal.TryParse(cleaned, NumberStyles.AllowThousands | NumberStyles.AllowDecimalPoint | NumberStyles.AllowLeadingSign, Culture, out var taka))
        {
            return false;
        }

        var scaled = taka * 100;
        if (scaled != decimal.Truncate(scaled) || scaled > long.MaxValue || scaled < long.MinValue)
        {
            return false;
        }

        poisha = (long)scaled;
        return true;
    }

    /// <summary>350000 → "৳3,500.00".</summary>
    public static string Format(long poisha) => new Features.Wallets.Money(poisha).ToString();

    /// <summary>Whole taka as the vendors want it in a request ("20"); null when the amount has poisha.</summary>
    public static string? WholeTakaText(long poisha) =>
        poisha > 0 && poisha % 100 == 0 ? (poisha / 100).ToString(Culture) : null;
}

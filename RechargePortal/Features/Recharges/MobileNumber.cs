using RechargePortal.Localization;
using RechargePortal.Providers;

namespace RechargePortal.Features.Recharges;

/// <summary>
/// A Bangladeshi mobile number in its 11-digit local form (<c>01[3-9]</c> + 8 digits), the form
/// both upstream APIs want. People type <c>+8801…</c>, <c>8801…</c>, spaces and dashes.
/// </summary>
public static class MobileNumber
{
    /// <summary>Normalises what a person typed, or says why it is not a mobile number.</summary>
    public static bool TryNormalize(string? input, out string number, out string error)
    {
        number = "";
        // Typed in Bengali digits (০১৭১২৩৪৫৬৭৮) or Latin ones: the same number.
        var text = Localization.BanglaDigits.ToLatin((input ?? "").Trim());
        if (text.Length == 0)
        {
            error = Ui.Text("Enter the mobile number.");
            return false;
        }

        var plus = text.StartsWith('+');
        var digits = new System.Text.StringBuilder(text.Length);
        foreach (var c in plus ? text[1..] : text)
        {
            if (c is >= '0' and <= '9')
            {
                digits.Append(c);
            }
            else if (c is not (' ' or '-' or '(' or ')' or '.'))
            {
                error = Shown(Ui.Text("Use digits only, e.g. 01712345678."));
                return false;
            }
        }

        var d = digits.ToString();
        if (d.StartsWith("880", StringComparison.Ordinal) && d.Length == 13)
        {
            d = d[2..];
        }
        else if (plus)
        {
            error = Shown(Ui.Text("Only Bangladeshi numbers (+880) can be recharged."));
            return false;
        }

        if (d.Length != 11 || !d.StartsWith("01", StringComparison.Ordinal))
        {
            error = Shown(Ui.Text("A mobile number has 11 digits and starts with 01, e.g. 01712345678."));
            return false;
        }

        if (OperatorOf(d) is null)
        {
            error = Shown(Ui.Text("{0} is not a mobile operator's prefix (013 to 019).", d[..3]));
            return false;
        }

        number = d;
        error = "";
        return true;
    }

    /// <summary>The operator a prefix was issued to. Numbers can be ported, so this is a default the user may override.</summary>
    public static MobileOperator? OperatorOf(string normalized) =>
        normalized.Length < 3 ? null : normalized[..3] switch
        {
            "013" or "017" => MobileOperator.Grameenphone,
            "014" or "019" => MobileOperator.Banglalink,
            "015" => MobileOperator.Teletalk,
            "016" => MobileOperator.Airtel,
            "018" => MobileOperator.Robi,
            _ => null,
        };

    /// <summary>A message's example digits as the reader reads them (Bengali digits on Bangla pages).</summary>
    private static string Shown(string text) => Localization.Display.Digits(text);

    /// <summary><c>01712-345678</c>: easier to read back to a customer.</summary>
    public static string Display(string normalized) =>
        normalized.Length == 11 ? $"{normalized[..5]}-{normalized[5..]}" : normalized;
}

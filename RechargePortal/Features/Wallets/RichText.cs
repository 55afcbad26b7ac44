using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Components;

namespace RechargePortal.Features.Wallets;

/// <summary>
/// A translated sentence with markup in it: the sentence's <c>{0}</c>, <c>{1}</c>… are filled with fragments (a bold amount,
/// a bold email), so Bangla can put them where its word order wants them and no text becomes HTML.
/// </summary>
public static partial class RichText
{
    public static RenderFragment Of(string format, params RenderFragment[] parts) => builder =>
    {
        var at = 0;
        foreach (Match placeholder in Placeholder().Matches(format))
        {
            var index = int.Parse(placeholder.Groups[1].ValueSpan, System.Globalization.CultureInfo.InvariantCulture);
            builder.OpenRegion(0);
            builder.AddContent(1, format[at..placeholder.Index]);
            builder.AddContent(2, index < parts.Length ? parts[index] : null);
            builder.CloseRegion();
            at = placeholder.Index + placeholder.Length;
        }

        builder.AddContent(3, format[at..]);
    };

    [GeneratedRegex(@"\{(\d)\}", RegexOptions.CultureInvariant)]
    private static partial Regex Placeholder();
}

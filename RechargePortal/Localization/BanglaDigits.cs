namespace RechargePortal.Localization;

/// <summary>Bengali digits (০–৯, U+09E6–U+09EF) to and from Latin ones: inputs take either, Bangla pages may show them.</summary>
public static class BanglaDigits
{
    private const char BengaliZero = '\u09E6';

    public static string ToBengali(string text) => Map(text, '0', '9', BengaliZero);

    /// <summary>Every Bengali digit as its Latin one; everything else as it was (so parsing rules stay the domain's).</summary>
    public static string ToLatin(string text) => Map(text, BengaliZero, (char)(BengaliZero + 9), '0');

    public static string? ToLatinOrNull(string? text) => text is null ? null : ToLatin(text);

    private static string Map(string text, char from, char to, char zero)
    {
        if (!text.AsSpan().ContainsAnyInRange(from, to))
        {
            return text;
        }

        return string.Create(text.Length, text, (span, source) =>
        {
            for (var i = 0; i < source.Length; i++)
            {
                var c = source[i];
                span[i] = c >= from && c <= to ? (char)(zero + (c - from)) : c;
            }
        });
    }
}

using System.Globalization;

namespace RechargePortal.Components.Shared;

/// <summary>CSV cells as spreadsheets read them safely: quoted when needed, never run as a formula.</summary>
public static class Csv
{
    /// <summary>The byte-order mark Excel needs to read UTF-8 (৳, Bangla names) correctly.</summary>
    public static ReadOnlySpan<byte> Utf8Bom => [0xEF, 0xBB, 0xBF];

    public static string Row(params string[] cells) => string.Join(',', cells.Select(Escape));

    public static string Escape(string value)
    {
        // A cell a spreadsheet would run as a formula is shown as text instead.
        var formulaLike = (value.Length > 0 && "=+@\t\r".Contains(value[0]))
            || (value.StartsWith('-') && !decimal.TryParse(value, CultureInfo.InvariantCulture, out _));
        if (formulaLike)
        {
            value = "'" + value;
        }

        return value.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
    }

    /// <summary>Bangladesh time in the form spreadsheets sort and parse.</summary>
    public static string DhakaDateTime(DateTime? utc) =>
        utc is { } value ? DhakaTime.FromUtc(value).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) : "";
}

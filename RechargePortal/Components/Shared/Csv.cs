using System.Globalization;
using RechargePortal.Features.Wallets;

namespace RechargePortal.Components.Shared;

/// <summary>CSV cells as spreadsheets read them safely: quoted when needed, text never run as a formula.</summary>
public static class Csv
{
    /// <summary>The byte-order mark Excel needs to read UTF-8 (৳, Bangla names) correctly.</summary>
    public static ReadOnlySpan<byte> Utf8Bom => [0xEF, 0xBB, 0xBF];

    public static string Row(params CsvCell[] cells) => string.Join(',', cells.Select(Escape));

    public static string Escape(CsvCell cell)
    {
        var value = cell.Value;
        // Text a spreadsheet would run as a formula (=, +, - or @ after any blanks; a leading tab or CR) is
        // shown as text. Numbers the portal formats itself (a negative amount) are left as numbers.
        if (!cell.IsNumber && LooksLikeFormula(value))
        {
            value = "'" + value;
        }

        return value.AsSpan().IndexOfAny(MustQuote) >= 0
            ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\""
            : value;
    }

    /// <summary>Bangladesh time in the form spreadsheets sort and parse.</summary>
    public static string DhakaDateTime(DateTime? utc) =>
        utc is { } value ? DhakaTime.FromUtc(value).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) : "";

    // ';' too: spreadsheets in many locales split on it.
    private static readonly System.Buffers.SearchValues<char> MustQuote = System.Buffers.SearchValues.Create(",;\"\r\n");

    private static bool LooksLikeFormula(string value)
    {
        if (value.Length == 0)
        {
            return false;
        }

        if (value[0] is '\t' or '\r')
        {
            return true;
        }

        var start = value.AsSpan().TrimStart();
        return start.Length > 0 && start[0] is '=' or '+' or '-' or '@';
    }
}

/// <summary>
/// One CSV cell: text (anything a person typed or a provider sent; a plain string converts to it), or an
/// amount the portal formatted itself, which stays a number even when it is negative.
/// </summary>
public readonly struct CsvCell
{
    private CsvCell(string value, bool isNumber)
    {
        Value = value;
        IsNumber = isNumber;
    }

    public string Value { get; }

    public bool IsNumber { get; }

    public static CsvCell Text(string? value) => new(value ?? "", isNumber: false);

    public static CsvCell Number(Money amount) => new(amount.ToPlain(), isNumber: true);

    public static implicit operator CsvCell(string? value) => Text(value);
}

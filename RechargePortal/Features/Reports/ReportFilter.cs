using System.Globalization;
using Microsoft.AspNetCore.WebUtilities;
using RechargePortal.Features.Recharges;
using RechargePortal.Localization;
using RechargePortal.Providers;

namespace RechargePortal.Features.Reports;

/// <summary>
/// What an auditor narrows the transactions report to. Days are Bangladesh calendar days,
/// both ends included. The same filter drives the page, its totals line and the CSV export,
/// and travels as a query string so the export gets exactly what the page shows.
/// </summary>
public sealed class ReportFilter
{
    /// <summary>A report spans at most this many days: beyond it a typo (year 2062) would scan everything.</summary>
    public const int MaxDays = 400;

    public DateOnly From { get; set; }
    public DateOnly To { get; set; }
    public string? ResellerId { get; set; }
    /// <summary>A reseller whose whole subtree (them and everyone below) the report covers.</summary>
    public string? SubtreeOf { get; set; }
    public MobileOperator? Operator { get; set; }
    public NumberType? NumberType { get; set; }
    public string? Provider { get; set; }
    /// <summary>One of <see cref="RechargeStatusText.Shown"/>.</summary>
    public string? Status { get; set; }
    /// <summary>Digits anywhere in the number; <c>+880</c>/<c>880</c> is dropped.</summary>
    public string? Number { get; set; }

    public static ReportFilter ForDays(DateOnly from, DateOnly to) => new() { From = from, To = to };

    public ReportFilter Copy() => (ReportFilter)MemberwiseClone();

    /// <summary>Errors by field name (<c>From</c>, <c>To</c>, <c>Status</c>, <c>Number</c>); empty when the filter can run.</summary>
    public IReadOnlyDictionary<string, string> Validate()
    {
        var errors = new Dictionary<string, string>();
        if (From == default)
        {
            errors[nameof(From)] = Ui.Text("Choose the first day.");
        }

        if (To == default)
        {
            errors[nameof(To)] = Ui.Text("Choose the last day.");
        }
        else if (From != default && To < From)
        {
            errors[nameof(To)] = Ui.Text("The last day is before the first day.");
        }
        else if (From != default && To.DayNumber - From.DayNumber + 1 > MaxDays)
        {
            errors[nameof(To)] = Ui.Text("A report covers at most {0} days.", Display.Number(MaxDays));
        }

        if (Status is { Length: > 0 } && !RechargeStatusText.Shown.Contains(Status))
        {
            errors[nameof(Status)] = Ui.Text("Unknown status.");
        }

        if (Number is { Length: > 0 } && NumberDigits.Length == 0)
        {
            errors[nameof(Number)] = Ui.Text("Type digits of the number.");
        }

        return errors;
    }

    /// <summary>The digits to look for, without the country code.</summary>
    public string NumberDigits
    {
        get
        {
            var digits = new string(Localization.BanglaDigits.ToLatin(Number ?? "").Where(char.IsAsciiDigit).ToArray());
            return digits.StartsWith("880", StringComparison.Ordinal) && digits.Length > 3 ? digits[2..] : digits;
        }
    }

    public string ToQueryString()
    {
        var query = new Dictionary<string, string?>
        {
            ["from"] = From.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            ["to"] = To.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            ["reseller"] = ResellerId,
            ["subtree"] = SubtreeOf,
            ["operator"] = Operator?.ToString(),
            ["type"] = NumberType?.ToString(),
            ["provider"] = Provider,
            ["status"] = Status,
            ["number"] = Number,
        };
        return QueryHelpers.AddQueryString("", query.Where(kv => !string.IsNullOrEmpty(kv.Value)));
    }

    /// <summary>Reads <see cref="ToQueryString"/>'s form; null with a message when a value is not one the page offers.</summary>
    public static ReportFilter? Parse(IQueryCollection query, out string? error)
    {
        error = null;
        var filter = new ReportFilter
        {
            ResellerId = Text(query, "reseller"),
            SubtreeOf = Text(query, "subtree"),
            Provider = Text(query, "provider"),
            Status = Text(query, "status"),
            Number = Text(query, "number"),
        };
        if (!DateOnly.TryParseExact(query["from"], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var from)
            || !DateOnly.TryParseExact(query["to"], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var to))
        {
            error = Ui.Text("from and to are required, as yyyy-MM-dd.");
            return null;
        }

        filter.From = from;
        filter.To = to;
        if (Text(query, "operator") is { } op)
        {
            if (!Enum.TryParse<MobileOperator>(op, ignoreCase: false, out var parsed) || !Enum.IsDefined(parsed))
            {
                error = Ui.Text("Unknown operator '{0}'.", op);
                return null;
            }

            filter.Operator = parsed;
        }

        if (Text(query, "type") is { } type)
        {
            if (!Enum.TryParse<NumberType>(type, ignoreCase: false, out var parsed) || !Enum.IsDefined(parsed))
            {
                error = Ui.Text("Unknown number type '{0}'.", type);
                return null;
            }

            filter.NumberType = parsed;
        }

        if (filter.Validate() is { Count: > 0 } errors)
        {
            error = string.Join(" ", errors.Values);
            return null;
        }

        return filter;
    }

    private static string? Text(IQueryCollection query, string key) =>
        query[key].ToString() is { Length: > 0 } value ? value.Trim() : null;
}

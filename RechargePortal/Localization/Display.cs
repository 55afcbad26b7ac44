using System.Globalization;
using RechargePortal.Components.Shared;
using RechargePortal.Features.Wallets;

namespace RechargePortal.Localization;

/// <summary>
/// Figures as a person reads them in the current language: English keeps the portal's fixed formats
/// (<c>৳1,234.50</c>, <c>1 Dec 2026, 14:30</c>); Bangla uses the Bangla month names and, unless the person chose
/// Latin digits, Bengali digits (<c>৳১,২৩৪.৫০</c>). Machine output (API, CSV) never comes through here.
/// </summary>
public static class Display
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>The culture dates are written in: Bangla when chosen, otherwise the invariant one (English month names).</summary>
    public static CultureInfo Culture => PortalLanguage.IsBangla(CultureInfo.CurrentCulture) ? CultureInfo.CurrentCulture : Invariant;

    public static bool BengaliDigits => PortalLanguage.UsesBengaliDigits(CultureInfo.CurrentCulture);

    /// <summary>Latin digits in <paramref name="text"/> as the person reads them.</summary>
    public static string Digits(string text) => BengaliDigits ? BanglaDigits.ToBengali(text) : text;

    public static string Money(Money amount, bool signed = false) =>
        Digits(signed && amount.Poisha > 0 ? "+" + amount : amount.ToString());

    public static string Number(long value) => Digits(value.ToString("N0", Invariant));

    public static string Number(double value, string format) => Digits(value.ToString(format, Invariant));

    public static string Percent(double fraction, int decimals = 1) =>
        Digits(fraction.ToString("P" + decimals.ToString(Invariant), Invariant).Replace(" %", "%", StringComparison.Ordinal));

    /// <summary>A UTC instant in Bangladesh time, <c>1 Dec 2026, 14:30</c>.</summary>
    public static string DateTime(DateTime? utc, string empty = "—") =>
        utc is { } value ? Format(DhakaTime.FromUtc(value), "d MMM yyyy, HH:mm") : empty;

    /// <summary>A Bangladesh-time value (already converted) in <paramref name="format"/>.</summary>
    public static string Format(DateTime local, string format) => Digits(local.ToString(format, Culture));

    public static string Format(DateOnly day, string format) => Digits(day.ToString(format, Culture));
}

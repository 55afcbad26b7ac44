using RechargePortal.Features.Wallets;

namespace RechargePortal.Features.Reports.Pages;

/// <summary>Turning report money and names into what the charts draw.</summary>
internal static class ReportCharts
{
    /// <summary>Charts plot doubles: taka, for the axis and tooltips only (the tables show the exact <see cref="Money"/>).</summary>
    public static double Taka(Money money) => money.Poisha / 100.0;

    public static string TakaAxis(double value) => "৳" + Localization.Display.Number(value, "#,##0");

    /// <summary>The name alone: "Full Name (email)" does not fit under a bar.</summary>
    public static string ShortLabel(string label) =>
        label.IndexOf(" (", StringComparison.Ordinal) is > 0 and var cut ? label[..cut] : label;
}

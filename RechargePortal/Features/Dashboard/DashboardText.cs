using RechargePortal.Features.Reports;
using RechargePortal.Localization;

namespace RechargePortal.Features.Dashboard;

/// <summary>Small wordings the dashboards share.</summary>
public static class DashboardText
{
    public static string Count(int n) => Display.Number(n);

    /// <summary><paramref name="one"/> (a key such as <c>1 recharge placed</c>) for one, else <paramref name="many"/> (<c>{0} recharges placed</c>) with the count.</summary>
    public static string Plural(int n, string one, string many) => n == 1 ? Display.Digits(Ui.Text(one)) : Ui.Text(many, Count(n));

    /// <summary>A success rate (0–1) as a percentage with one decimal, or a dash when nothing has finished.</summary>
    public static string Rate(double? rate) => rate is { } r ? Display.Percent(r) : "—";

    /// <summary>A report page's link for the given Bangladesh days.</summary>
    public static string ReportHref(string path, DateOnly from, DateOnly to) => path + ReportFilter.ForDays(from, to).ToQueryString();

    public static string Day(DateOnly day) => Display.Format(day, "d MMM");

    public static DateOnly FirstOfMonth(DateOnly day) => new(day.Year, day.Month, 1);
}

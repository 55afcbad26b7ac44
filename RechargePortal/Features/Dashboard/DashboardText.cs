using System.Globalization;
using RechargePortal.Features.Reports;

namespace RechargePortal.Features.Dashboard;

/// <summary>Small wordings the dashboards share.</summary>
public static class DashboardText
{
    public static string Count(int n) => n.ToString("N0", CultureInfo.InvariantCulture);

    public static string Plural(int n, string one, string many) => n == 1 ? $"1 {one}" : $"{Count(n)} {many}";

    /// <summary>A report page's link for the given Bangladesh days.</summary>
    public static string ReportHref(string path, DateOnly from, DateOnly to) => path + ReportFilter.ForDays(from, to).ToQueryString();

    public static string Day(DateOnly day) => day.ToString("d MMM", CultureInfo.InvariantCulture);

    public static DateOnly FirstOfMonth(DateOnly day) => new(day.Year, day.Month, 1);
}

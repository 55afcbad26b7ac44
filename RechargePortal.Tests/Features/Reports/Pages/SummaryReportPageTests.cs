using AngleSharp.Dom;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using RechargePortal.Features.Recharges;
using RechargePortal.Features.Reports.Pages;
using RechargePortal.Providers;
using RechargePortal.Security;
using RechargePortal.Tests.TestSupport;
using static RechargePortal.Tests.TestSupport.ReportData;

namespace RechargePortal.Tests.Features.Reports.Pages;

/// <summary>The daily summary against the real report service and known recharges.</summary>
public sealed class SummaryReportPageTests(ReportsAppFixture fixture) : IClassFixture<ReportsAppFixture>, IAsyncLifetime
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    private readonly BunitContext ctx = fixture.NewContext();

    public Task InitializeAsync() => fixture.SignInNewAsync(ctx, Roles.Auditor);

    public async Task DisposeAsync() => await ctx.DisposeAsync();

    private IRenderedComponent<SummaryReport> Render(string from, string to)
    {
        ctx.Services.GetRequiredService<NavigationManager>().NavigateTo($"/reports/summary?from={from}&to={to}");
        return ctx.Render<SummaryReport>();
    }

    /// <summary>The cells of the row for <paramref name="key"/> in a section, as the page shows them.</summary>
    private static string[] Row(IRenderedComponent<SummaryReport> page, string section, string key) =>
        page.Find($"[data-testid={section}] td[data-key='{key}']").ParentElement!.QuerySelectorAll("td").Select(td => td.TextContent.Trim()).ToArray();

    [Fact]
    public async Task The_summary_shows_overall_figures_and_each_section_for_the_chosen_days_only()
    {
        var a = await fixture.ResellerAsync();
        var b = await fixture.ResellerAsync();
        await fixture.AddAsync(
            Recharge(a.UserId, a.WalletId, Dhaka(2026, 2, 2, 10), 100, RechargeStatus.Succeeded, MobileOperator.Grameenphone, provider: "Ecare", commissionPoisha: 250),
            Recharge(a.UserId, a.WalletId, Dhaka(2026, 2, 2, 11), 50, RechargeStatus.Failed, MobileOperator.Robi, provider: "Flexi", commissionPoisha: 100),
            Recharge(a.UserId, a.WalletId, Dhaka(2026, 2, 3, 9), 200, RechargeStatus.Succeeded, MobileOperator.Robi, provider: "Flexi", commissionPoisha: 400),
            Recharge(b.UserId, b.WalletId, Dhaka(2026, 2, 3, 12), 300, RechargeStatus.Succeeded, MobileOperator.Grameenphone, provider: "Ecare", commissionPoisha: 750),
            Recharge(b.UserId, b.WalletId, Dhaka(2026, 2, 3, 23, 59), 20, RechargeStatus.NeedsReview, MobileOperator.Banglalink, provider: "Ecare", commissionPoisha: 40),
            // Outside the days asked for: 00:10 on 4 February in Bangladesh is still 3 February in UTC.
            Recharge(b.UserId, b.WalletId, Dhaka(2026, 2, 4, 0, 10), 1_000, RechargeStatus.Succeeded, MobileOperator.Grameenphone, provider: "Ecare", commissionPoisha: 2_500));

        var page = Render("2026-02-02", "2026-02-03");

        page.WaitForAssertion(() => Assert.NotNull(page.Find("[data-testid=summary-overall]")), Wait);
        Assert.Equal("5", page.Find("[data-testid=overall-count]").TextContent.Trim());
        Assert.Equal("৳670.00", page.Find("[data-testid=overall-amount]").TextContent.Trim());
        Assert.Equal("৳600.00", page.Find("[data-testid=overall-sales]").TextContent.Trim());
        Assert.Equal("৳14.00", page.Find("[data-testid=overall-commission]").TextContent.Trim());
        Assert.Equal("75.0%", page.Find("[data-testid=overall-rate]").TextContent.Trim());

        // Key, recharges, successful, success rate, amount, sales, commission.
        Assert.Equal(["Mon 2 Feb", "2", "1", "50.0%", "৳150.00", "৳100.00", "৳2.50"], Row(page, "summary-by-day", "2026-02-02"));
        Assert.Equal(["Tue 3 Feb", "3", "2", "100.0%", "৳520.00", "৳500.00", "৳11.50"], Row(page, "summary-by-day", "2026-02-03"));
        Assert.Equal(["Grameenphone", "2", "2", "100.0%", "৳400.00", "৳400.00", "৳10.00"], Row(page, "summary-by-operator", "Grameenphone"));
        Assert.Equal(["Robi", "2", "1", "50.0%", "৳250.00", "৳200.00", "৳4.00"], Row(page, "summary-by-operator", "Robi"));
        Assert.Equal(["Banglalink", "1", "0", "—", "৳20.00", "৳0.00", "৳0.00"], Row(page, "summary-by-operator", "Banglalink"));
        Assert.Equal(["Ecare", "3", "2", "100.0%", "৳420.00", "৳400.00", "৳10.00"], Row(page, "summary-by-provider", "Ecare"));
        Assert.Equal(["Flexi", "2", "1", "50.0%", "৳250.00", "৳200.00", "৳4.00"], Row(page, "summary-by-provider", "Flexi"));
        Assert.Equal(["3", "2", "66.7%", "৳350.00", "৳300.00", "৳6.50"], Row(page, "summary-by-reseller", a.UserId)[1..]);
        Assert.Contains(a.Email, Row(page, "summary-by-reseller", a.UserId)[0]);
        Assert.Equal(["2", "1", "100.0%", "৳320.00", "৳300.00", "৳7.50"], Row(page, "summary-by-reseller", b.UserId)[1..]);

        // Each section draws its chart beside its table.
        foreach (var section in new[] { "summary-by-day", "summary-by-operator", "summary-by-provider", "summary-by-reseller" })
        {
            Assert.NotNull(page.Find($"[data-testid={section}] .rp-sum-chart .mud-chart"));
        }
    }

    [Fact]
    public void Days_without_recharges_show_a_friendly_empty_state_and_no_chart()
    {
        var page = Render("2026-01-05", "2026-01-11");

        page.WaitForAssertion(() => Assert.NotNull(page.Find("[data-testid=summary-empty]")), Wait);
        Assert.Contains("No recharges in this period", page.Markup);
        Assert.Contains("5 Jan 2026 to 11 Jan 2026", page.Find("[data-testid=summary-empty]").TextContent);
        Assert.Empty(page.FindAll(".mud-chart"));
    }

    [Fact]
    public void A_last_day_before_the_first_is_shown_beside_the_To_field_and_nothing_is_summed()
    {
        var page = Render("2026-02-10", "2026-02-01");

        page.WaitForAssertion(() => Assert.Contains("The last day is before the first day.", page.Markup), Wait);
        var to = page.FindAll(".mud-input-control").Single(c => c.QuerySelector("label")?.TextContent.Trim() == "To");
        Assert.Contains("The last day is before the first day.", to.TextContent);
        Assert.Contains("mud-input-error", to.InnerHtml);
        Assert.Empty(page.FindAll("[data-testid=summary-overall]"));
    }

    [Fact]
    public void Without_dates_the_summary_covers_this_Bangladesh_month_to_today()
    {
        var page = ctx.Render<SummaryReport>();

        page.WaitForAssertion(() => Assert.Contains("1 Mar 2026 to 18 Mar 2026", page.Markup), Wait);
    }
}

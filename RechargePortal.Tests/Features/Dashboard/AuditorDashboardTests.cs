using Bunit;
using RechargePortal.Features.Dashboard.Pages;
using RechargePortal.Features.Recharges;
using RechargePortal.Providers;
using RechargePortal.Security;
using RechargePortal.Tests.Features.Reports;
using static RechargePortal.Tests.TestSupport.ReportData;

namespace RechargePortal.Tests.Features.Dashboard;

/// <summary>The auditor's dashboard: headline figures, each linked to the report behind it.</summary>
public sealed class AuditorDashboardTests(ReportsAppFixture fixture) : IClassFixture<ReportsAppFixture>, IAsyncLifetime
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    private readonly BunitContext ctx = fixture.NewContext();

    public Task InitializeAsync() => fixture.SignInNewAsync(ctx, Roles.Auditor);

    public async Task DisposeAsync() => await ctx.DisposeAsync();

    private static string Text(IRenderedComponent<AuditorDashboard> page, string testId) => page.Find($"[data-testid={testId}]").TextContent.Trim();

    private static string? Link(IRenderedComponent<AuditorDashboard> page, string testId) => page.Find($"[data-testid={testId}-caption]").GetAttribute("href");

    [Fact]
    public async Task The_headline_figures_are_todays_this_months_and_the_last_weeks_reconciliation_with_links_to_the_reports()
    {
        var a = await fixture.ResellerAsync();
        var b = await fixture.ResellerAsync();
        await fixture.AddAsync(
            // Today, through Flexi (never read, so no reconciliation difference of its own).
            Recharge(a.UserId, a.WalletId, Dhaka(2026, 3, 18, 9), 100, RechargeStatus.Succeeded, provider: "Flexi", commissionPoisha: 250),
            Recharge(b.UserId, b.WalletId, Dhaka(2026, 3, 18, 10), 300, RechargeStatus.Succeeded, provider: "Flexi", commissionPoisha: 750),
            Recharge(b.UserId, b.WalletId, Dhaka(2026, 3, 18, 11), 50, RechargeStatus.Failed, provider: "Flexi"),
            // Earlier this month, and the last day of February (not this month).
            Recharge(a.UserId, a.WalletId, Dhaka(2026, 3, 1, 0, 30), 1_000, RechargeStatus.Succeeded, provider: "Flexi", commissionPoisha: 2_500),
            Recharge(a.UserId, a.WalletId, Dhaka(2026, 2, 28, 23, 30), 5_000, RechargeStatus.Succeeded, provider: "Flexi", commissionPoisha: 12_500));
        // Ecare's balance: unchanged every day but the 14th, when ৳100 left it with no recharge recorded.
        await fixture.AddReadingsAsync(
            ProviderBalanceSnapshot.Create("Ecare", Dhaka(2026, 3, 11, 23), 1_000_000),
            ProviderBalanceSnapshot.Create("Ecare", Dhaka(2026, 3, 14, 12), 990_000),
            ProviderBalanceSnapshot.Create("Ecare", Dhaka(2026, 3, 18, 14), 990_000));

        var page = ctx.Render<AuditorDashboard>();

        // The tiles load one by one: wait until the last of them has its figure.
        page.WaitForAssertion(() =>
        {
            Assert.Equal("৳400.00", Text(page, "tile-sales-value"));
            Assert.Equal("৳1,400.00", Text(page, "tile-month-value"));
            Assert.Equal("1 difference", Text(page, "tile-reconciliation-value"));
            Assert.Equal("৳2,000.00", Text(page, "tile-wallets-value"));
        }, Wait);
        Assert.Equal("2 successful recharges", Text(page, "tile-sales-detail"));
        Assert.Equal("/reports/transactions?from=2026-03-18&to=2026-03-18", Link(page, "tile-sales"));
        Assert.Equal("66.7%", Text(page, "tile-rate-value"));
        Assert.Equal("Today, of 3 finished", Text(page, "tile-rate-detail"));
        Assert.Equal("/reports/summary?from=2026-03-18&to=2026-03-18", Link(page, "tile-rate"));
        Assert.Equal("৳1,400.00", Text(page, "tile-month-value"));
        Assert.Equal("Sales since 1 Mar · commission ৳35.00", Text(page, "tile-month-detail"));
        Assert.Equal("/reports/summary", Link(page, "tile-month"));
        Assert.Equal("1 difference", Text(page, "tile-reconciliation-value"));
        Assert.Equal("/reports/reconciliation", Link(page, "tile-reconciliation"));
        Assert.Equal("৳2,000.00", Text(page, "tile-wallets-value"));

        var buttons = page.FindAll("a.mud-button-root").Select(b => (b.TextContent.Trim(), b.GetAttribute("href"))).ToList();
        Assert.Equal(
            [("Transactions", "/reports/transactions"), ("Daily summary", "/reports/summary"), ("Reconciliation", "/reports/reconciliation"),
             ("Wallets and statements", "/auditor/wallets"), ("Audit log", "/audit")],
            buttons);
        Assert.DoesNotContain("will be linked here", page.Markup);
    }
}

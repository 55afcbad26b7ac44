using Bunit;
using Microsoft.Extensions.DependencyInjection;
using RechargePortal.Features.Dashboard.Pages;
using RechargePortal.Features.Recharges;
using RechargePortal.Providers;
using RechargePortal.Security;
using RechargePortal.Tests.Features.Reports;
using static RechargePortal.Tests.TestSupport.ReportData;

namespace RechargePortal.Tests.Features.Dashboard;

/// <summary>A reseller's dashboard: today's own figures and latest recharges, never another reseller's, kept live.</summary>
public sealed class ResellerDashboardTests(ReportsAppFixture fixture) : IClassFixture<ReportsAppFixture>, IAsyncLifetime
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    private readonly BunitContext ctx = fixture.NewContext();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await ctx.DisposeAsync();

    private static string Text(IRenderedComponent<ResellerDashboard> page, string testId) => page.Find($"[data-testid={testId}]").TextContent.Trim();

    [Fact]
    public async Task Today_shows_the_resellers_own_sales_commission_and_success_rate_and_updates_when_a_recharge_changes()
    {
        var me = await fixture.ResellerAsync();
        var other = await fixture.ResellerAsync();
        var mine = new[]
        {
            Recharge(me.UserId, me.WalletId, Dhaka(2026, 3, 18, 9), 100, RechargeStatus.Succeeded, commissionPoisha: 250, number: "01711111111"),
            Recharge(me.UserId, me.WalletId, Dhaka(2026, 3, 18, 10), 200, RechargeStatus.Succeeded, MobileOperator.Robi, commissionPoisha: 500, number: "01811111111"),
            Recharge(me.UserId, me.WalletId, Dhaka(2026, 3, 18, 11), 50, RechargeStatus.Failed, commissionPoisha: 125, number: "01711111112"),
            Recharge(me.UserId, me.WalletId, Dhaka(2026, 3, 18, 14, 50), 20, RechargeStatus.Processing, commissionPoisha: 50, number: "01711111113"),
            // Yesterday in Bangladesh (23:30 on the 17th): not today's.
            Recharge(me.UserId, me.WalletId, Dhaka(2026, 3, 17, 23, 30), 500, RechargeStatus.Succeeded, commissionPoisha: 1_250, number: "01711111114"),
        };
        var theirs = Recharge(other.UserId, other.WalletId, Dhaka(2026, 3, 18, 12), 1_000, RechargeStatus.Succeeded, commissionPoisha: 2_500, number: "01911111111");
        await fixture.AddAsync([.. mine, theirs]);
        ReportsAppFixture.SignIn(ctx, me.UserId, me.Email, Roles.Reseller);

        var page = ctx.Render<ResellerDashboard>();

        // The tiles and the list load one after the other (and a live refresh may render between them): wait for both.
        page.WaitForAssertion(() =>
        {
            Assert.Equal("৳300.00", Text(page, "tile-sales-value"));
            Assert.Equal(mine.Length, page.FindAll("[data-testid=latest-recharge]").Count);
        }, Wait);
        Assert.Equal("2 successful recharges", Text(page, "tile-sales-caption"));
        Assert.Equal("৳7.50", Text(page, "tile-commission-value"));
        Assert.Equal("66.7%", Text(page, "tile-rate-value"));
        Assert.Equal("of 3 finished · 1 not finished yet", Text(page, "tile-rate-caption"));
        Assert.Equal("৳1,000.00", Text(page, "tile-balance-value"));

        var latest = page.FindAll("[data-testid=latest-recharge]").Select(li => li.GetAttribute("data-reference") ?? "").ToList();
        Assert.Equal(mine.OrderByDescending(r => r.Id).Select(r => r.Reference).ToList(), latest);
        Assert.DoesNotContain(theirs.Reference, latest);
        Assert.Contains("01711-111113", page.Find($"[data-reference={mine[3].Reference}]").TextContent);
        Assert.Contains("Processing", page.Find($"[data-reference={mine[3].Reference}]").TextContent);
        Assert.Equal("/recharges", page.Find("[data-testid=latest-recharges] a[href='/recharges']").GetAttribute("href"));

        // A recharge of this reseller's finishes while the page is open: the figures follow without a reload.
        var notifier = ctx.Services.GetRequiredService<RechargeNotifier>();
        var later = Recharge(me.UserId, me.WalletId, Dhaka(2026, 3, 18, 14, 55), 400, RechargeStatus.Succeeded, commissionPoisha: 1_000, number: "01711111115");
        await fixture.AddAsync(later);
        notifier.Notify(new RechargeChange(later.Id, me.UserId, RechargeStatus.Succeeded));

        page.WaitForAssertion(() =>
        {
            Assert.Equal("৳700.00", Text(page, "tile-sales-value"));
            Assert.Equal(later.Reference, page.Find("[data-testid=latest-recharge]").GetAttribute("data-reference"));
        }, Wait);
        Assert.Equal("৳17.50", Text(page, "tile-commission-value"));
        Assert.Equal("75.0%", Text(page, "tile-rate-value"));
    }

    [Fact]
    public async Task A_reseller_without_recharges_sees_zero_figures_and_an_empty_list_not_an_error()
    {
        var me = await fixture.ResellerAsync();
        ReportsAppFixture.SignIn(ctx, me.UserId, me.Email, Roles.Reseller);

        var page = ctx.Render<ResellerDashboard>();

        page.WaitForAssertion(() => Assert.Equal("৳0.00", Text(page, "tile-sales-value")), Wait);
        Assert.Equal("—", Text(page, "tile-rate-value"));
        Assert.Equal("of 0 finished", Text(page, "tile-rate-caption"));
        Assert.Contains("No recharge yet", Text(page, "latest-recharges"));
    }
}

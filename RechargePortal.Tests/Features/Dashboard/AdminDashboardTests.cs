using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using RechargePortal.Features.Dashboard.Pages;
using RechargePortal.Features.Recharges;
using RechargePortal.Features.Wallets;
using RechargePortal.Security;
using RechargePortal.Tests.Features.Reports;
using static RechargePortal.Tests.TestSupport.ReportData;

namespace RechargePortal.Tests.Features.Dashboard;

/// <summary>The admin's dashboard: today's volume over every reseller, what is in flight and in review, kept live.</summary>
public sealed class AdminDashboardTests(ReportsAppFixture fixture) : IClassFixture<ReportsAppFixture>, IAsyncLifetime
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    private readonly BunitContext ctx = fixture.NewContext();

    public async Task InitializeAsync()
    {
        var admin = await fixture.App.AdminActorAsync();
        ReportsAppFixture.SignIn(ctx, admin.UserId, admin.Email, Roles.Admin);
    }

    public async Task DisposeAsync() => await ctx.DisposeAsync();

    private static string Text(IRenderedComponent<AdminDashboard> page, string testId) => page.Find($"[data-testid={testId}]").TextContent.Trim();

    [Fact]
    public async Task Todays_volume_processing_and_review_counts_cover_every_reseller_and_follow_new_recharges()
    {
        var a = await fixture.ResellerAsync();
        var b = await fixture.ResellerAsync();
        await fixture.AddAsync(
            Recharge(a.UserId, a.WalletId, Dhaka(2026, 3, 18, 9), 100, RechargeStatus.Succeeded, commissionPoisha: 250),
            Recharge(a.UserId, a.WalletId, Dhaka(2026, 3, 18, 10), 50, RechargeStatus.Failed),
            Recharge(a.UserId, a.WalletId, Dhaka(2026, 3, 18, 14, 59), 20, RechargeStatus.Processing),
            Recharge(b.UserId, b.WalletId, Dhaka(2026, 3, 18, 0, 5), 300, RechargeStatus.Succeeded, commissionPoisha: 750),
            Recharge(b.UserId, b.WalletId, Dhaka(2026, 3, 18, 8), 40, RechargeStatus.NeedsReview),
            Recharge(b.UserId, b.WalletId, Dhaka(2026, 3, 17, 23, 55), 999, RechargeStatus.Succeeded));

        var page = ctx.Render<AdminDashboard>();

        page.WaitForAssertion(() => Assert.Equal("৳510.00", Text(page, "tile-volume-value")), Wait);
        Assert.Equal("5 recharges placed", Text(page, "tile-volume-detail"));
        Assert.Equal("Sales ৳400.00 · 66.7% successful", Text(page, "tile-volume-caption"));
        Assert.Equal("/reports/summary?from=2026-03-18&to=2026-03-18", page.Find("[data-testid=tile-volume-caption]").GetAttribute("href"));
        // The tiles load one by one: on a slower database the counts come after the volume.
        page.WaitForAssertion(() => Assert.Equal("1", Text(page, "tile-processing-value")), Wait);
        page.WaitForAssertion(() => Assert.Equal("1", Text(page, "tile-review-value")), Wait);
        Assert.DoesNotContain("Today's recharges appear here", page.Markup);
        var reports = page.Find("[data-testid=report-links]");
        Assert.Equal(["/reports/transactions", "/reports/summary", "/reports/reconciliation"], reports.QuerySelectorAll("a").Select(l => l.GetAttribute("href") ?? "").ToArray());

        var sent = Recharge(b.UserId, b.WalletId, Dhaka(2026, 3, 18, 15), 500, RechargeStatus.Processing);
        await fixture.AddAsync(sent);
        ctx.Services.GetRequiredService<RechargeNotifier>().Notify(new RechargeChange(sent.Id, b.UserId, RechargeStatus.Processing));

        page.WaitForAssertion(() => Assert.Equal("2", Text(page, "tile-processing-value")), Wait);
        Assert.Equal("৳1,010.00", Text(page, "tile-volume-value"));
        Assert.Equal("6 recharges placed", Text(page, "tile-volume-detail"));
    }

    [Fact]
    public async Task Open_contradictions_are_counted_on_the_review_tile_until_settled()
    {
        var a = await fixture.ResellerAsync();
        // Another day than the volume test's: the fixture's database is shared by the class.
        var refunded = Recharge(a.UserId, a.WalletId, Dhaka(2026, 3, 10, 11), 80, RechargeStatus.Failed);
        var delivered = Recharge(a.UserId, a.WalletId, Dhaka(2026, 3, 10, 12), 60, RechargeStatus.Succeeded, commissionPoisha: 150);
        await fixture.AddAsync(refunded, delivered);
        var reviews = ctx.Services.GetRequiredService<ReviewQueueService>();
        var before = await reviews.OpenContradictionsAsync();
        await using (var db = await fixture.App.DbAsync())
        {
            db.AddRange(
                RechargeContradiction.Record(refunded, refunded.Attempts.Single(), providerSaysDelivered: true, "SUCCESS", ReportsAppFixture.NowUtc),
                RechargeContradiction.Record(delivered, delivered.Attempts.Single(), providerSaysDelivered: false, "FAILED", ReportsAppFixture.NowUtc));
            await db.SaveChangesAsync();
        }

        var page = ctx.Render<AdminDashboard>();

        page.WaitForAssertion(() => Assert.Equal($"{before + 2} contradictions to settle", Text(page, "tile-review-detail")), Wait);

        await using (var db = await fixture.App.DbAsync())
        {
            var settled = await db.Set<RechargeContradiction>().SingleAsync(c => c.RechargeId == delivered.Id);
            Assert.True((await reviews.ResolveContradictionAsync(await fixture.App.AdminActorAsync(), settled.Id, correct: false, "Operator confirms delivery")).Succeeded);
        }

        var again = ctx.Render<AdminDashboard>();
        again.WaitForAssertion(() => Assert.Equal(before + 1 == 1 ? "1 contradiction to settle" : $"{before + 1} contradictions to settle", Text(again, "tile-review-detail")), Wait);
    }

    [Fact]
    public async Task A_ledger_audit_that_finds_a_wallet_off_its_entries_is_shown_above_the_figures()
    {
        var a = await fixture.ResellerAsync();
        var audit = fixture.App.Services.GetRequiredService<LedgerAuditService>();
        await using (var db = await fixture.App.DbAsync())
        {
            await db.Database.ExecuteSqlInterpolatedAsync($"""UPDATE "Wallets" SET "BalancePoisha" = "BalancePoisha" + 1 WHERE "Id" = {a.WalletId}""");
        }

        try
        {
            await audit.RunAsync();

            var page = ctx.Render<AdminDashboard>();

            page.WaitForAssertion(() => Assert.Contains($"wallet {a.WalletId}", Text(page, "ledger-audit-alert")), Wait);
            Assert.Contains("Money may be miscounted", Text(page, "ledger-audit-alert"));
        }
        finally
        {
            await using (var db = await fixture.App.DbAsync())
            {
                await db.Database.ExecuteSqlInterpolatedAsync($"""UPDATE "Wallets" SET "BalancePoisha" = "BalancePoisha" - 1 WHERE "Id" = {a.WalletId}""");
            }

            Assert.True((await audit.RunAsync()).Clean);
        }
    }
}

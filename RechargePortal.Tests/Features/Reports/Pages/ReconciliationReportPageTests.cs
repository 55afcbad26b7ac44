using AngleSharp.Dom;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using RechargePortal.Features.Recharges;
using RechargePortal.Features.Reports.Pages;
using RechargePortal.Providers;
using RechargePortal.Security;
using static RechargePortal.Tests.TestSupport.ReportData;

namespace RechargePortal.Tests.Features.Reports.Pages;

/// <summary>The reconciliation page against the real report service, known recharges and known balance readings.</summary>
public sealed class ReconciliationReportPageTests(ReportsAppFixture fixture) : IClassFixture<ReportsAppFixture>, IAsyncLifetime
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    private readonly BunitContext ctx = fixture.NewContext();

    public Task InitializeAsync() => fixture.SignInNewAsync(ctx, Roles.Auditor);

    public async Task DisposeAsync() => await ctx.DisposeAsync();

    private IRenderedComponent<ReconciliationReport> Render(string? from = null, string? to = null)
    {
        if (from is not null)
        {
            ctx.Services.GetRequiredService<NavigationManager>().NavigateTo($"/reports/reconciliation?from={from}&to={to}");
        }

        return ctx.Render<ReconciliationReport>();
    }

    private static IElement Row(IRenderedComponent<ReconciliationReport> page, string provider, string day) =>
        page.Find($"[data-testid=reconciliation-{provider}] td[data-day='{day}']").ParentElement!;

    private static string Cell(IElement row, string label) =>
        row.QuerySelectorAll("td").Single(td => td.GetAttribute("data-label") == label).TextContent.Trim();

    [Fact]
    public async Task A_day_whose_balance_fell_by_more_than_recorded_sales_is_flagged_and_a_day_that_adds_up_matches()
    {
        var r = await fixture.ResellerAsync();
        await fixture.AddAsync(
            Recharge(r.UserId, r.WalletId, Dhaka(2026, 2, 10, 9), 100, RechargeStatus.Succeeded, provider: "Ecare"),
            Recharge(r.UserId, r.WalletId, Dhaka(2026, 2, 10, 12), 200, RechargeStatus.Succeeded, provider: "Ecare"),
            Recharge(r.UserId, r.WalletId, Dhaka(2026, 2, 10, 13), 50, RechargeStatus.Failed, provider: "Ecare"),
            Recharge(r.UserId, r.WalletId, Dhaka(2026, 2, 10, 14), 70, RechargeStatus.Succeeded, provider: "Flexi"),
            Recharge(r.UserId, r.WalletId, Dhaka(2026, 2, 11, 10), 150, RechargeStatus.Succeeded, provider: "Ecare"));
        await fixture.AddReadingsAsync(
            ProviderBalanceSnapshot.Create("Ecare", Dhaka(2026, 2, 9, 23), 1_000_000),
            ProviderBalanceSnapshot.Create("Ecare", Dhaka(2026, 2, 10, 22), 970_000),
            ProviderBalanceSnapshot.Create("Ecare", Dhaka(2026, 2, 11, 21), 950_000));

        var page = Render("2026-02-10", "2026-02-11");

        page.WaitForAssertion(() => Assert.NotNull(page.Find("[data-testid=reconciliation-Ecare]")), Wait);
        var matching = Row(page, "Ecare", "2026-02-10");
        Assert.Equal("2", Cell(matching, "Successful"));
        Assert.Equal("৳300.00", Cell(matching, "Recorded sales"));
        Assert.Equal("৳10,000.00", Cell(matching, "Opening"));
        Assert.Equal("৳9,700.00", Cell(matching, "Closing"));
        Assert.Equal("৳300.00", Cell(matching, "Balance fell by"));
        Assert.Equal("Matches", Cell(matching, "Difference"));
        Assert.NotNull(matching.QuerySelector("[data-state=matches]"));

        // ৳200 left the provider balance, the portal recorded ৳150 of successful recharges.
        var differing = Row(page, "Ecare", "2026-02-11");
        Assert.Equal("৳150.00", Cell(differing, "Recorded sales"));
        Assert.Equal("৳200.00", Cell(differing, "Balance fell by"));
        Assert.Equal("+৳50.00", Cell(differing, "Difference"));
        var chip = differing.QuerySelector("[data-state=differs]")!;
        Assert.Contains("mud-chip-color-error", chip.ClassName);
        Assert.Contains("1 day with a difference", page.Find("[data-testid=reconciliation-Ecare]").TextContent);

        // Flexi was never read: its sales are there, the balance columns say so.
        var unread = Row(page, "Flexi", "2026-02-10");
        Assert.Equal("৳70.00", Cell(unread, "Recorded sales"));
        Assert.Equal("No balance reading", Cell(unread, "Difference"));

        Assert.Contains("a top-up at the provider", page.Find("[data-testid=reconciliation-explained]").TextContent);
    }

    [Fact]
    public void Without_dates_the_page_covers_the_last_7_Bangladesh_days_and_marks_today_as_so_far()
    {
        var page = Render();

        page.WaitForAssertion(() => Assert.NotNull(page.Find("[data-testid=reconciliation-Ecare]")), Wait);
        var days = page.FindAll("[data-testid=reconciliation-Ecare] td[data-day]").Select(td => td.GetAttribute("data-day") ?? "").ToList();
        Assert.Equal(Enumerable.Range(12, 7).Select(d => $"2026-03-{d}").ToList(), days);
        Assert.Contains("so far", Row(page, "Ecare", "2026-03-18").TextContent);
        Assert.DoesNotContain("so far", Row(page, "Ecare", "2026-03-17").TextContent);
    }

    [Fact]
    public async Task Choosing_a_provider_shows_only_its_days()
    {
        var popovers = ctx.Render<MudPopoverProvider>();
        var page = Render("2026-01-05", "2026-01-06");
        page.WaitForAssertion(() => Assert.NotNull(page.Find("[data-testid=reconciliation-Flexi]")), Wait);
        Assert.NotEmpty(page.FindAll("[data-testid=reconciliation-Ecare]"));

        var select = page.FindAll(".mud-input-control").Single(c => c.QuerySelector("label")?.TextContent.Trim() == "Provider");
        await select.QuerySelector(".mud-select-input, .mud-input-slot")!.MouseDownAsync(new());
        popovers.WaitForAssertion(() => Assert.NotEmpty(popovers.FindAll(".mud-list-item")), Wait);
        await popovers.FindAll(".mud-list-item").Single(i => i.TextContent.Trim() == "Flexi").ClickAsync(new());

        page.WaitForAssertion(() => Assert.Empty(page.FindAll("[data-testid=reconciliation-Ecare]")), Wait);
        Assert.NotNull(page.Find("[data-testid=reconciliation-Flexi]"));
    }
}

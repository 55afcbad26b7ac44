using AngleSharp.Dom;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using MudBlazor;
using MudBlazor.Services;
using RechargePortal.Features.Recharges;
using RechargePortal.Features.Reports;
using RechargePortal.Features.Reports.Pages;
using RechargePortal.Features.Wallets;
using RechargePortal.Providers;
using RechargePortal.Security;
using RechargePortal.Tests.TestSupport;

namespace RechargePortal.Tests.Features.Reports.Pages;

/// <summary>
/// /reports/transactions against the real report service and database: each test seeds its own
/// reseller's recharges in March 2025 and filters by that reseller, so the tests do not see each other.
/// </summary>
public sealed class TransactionsReportPageTests(PortalAppFactory app) : IClassFixture<PortalAppFactory>, IAsyncLifetime
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    // Held, not inherited: MudBlazor's services only dispose asynchronously.
    private readonly BunitContext ctx = new();

    // "Now" for the page: 1 July 2025, 01:00 in Bangladesh (still 30 June in UTC).
    private readonly FakeTimeProvider time = new(new DateTimeOffset(2025, 6, 30, 19, 0, 0, TimeSpan.Zero));

    private string resellerId = "";
    private Known known = null!;

    private sealed record Known(string A, string B, string C, string D, string F, string April);

    public async Task InitializeAsync()
    {
        ctx.JSInterop.Mode = JSRuntimeMode.Loose;
        ctx.Services.AddMudServices();
        ctx.Services.AddLocalization();
        ctx.Services.AddSingleton(app.Services.GetRequiredService<ReportService>());
        ctx.Services.AddSingleton<TimeProvider>(time);
        var auditor = await app.NewActorAsync(Roles.Auditor);
        ReportsAppFixture.SignIn(ctx, auditor.UserId, auditor.Email, Roles.Auditor);

        long walletId;
        (resellerId, walletId) = await app.CreateFundedResellerAsync(Money.Zero);
        var a = ReportData.Recharge(resellerId, walletId, ReportData.Dhaka(2025, 3, 3, 10), 100, RechargeStatus.Succeeded,
            MobileOperator.Grameenphone, NumberType.Prepaid, "Ecare", commissionPoisha: 250, number: "01712345678");
        var b = ReportData.Recharge(resellerId, walletId, ReportData.Dhaka(2025, 3, 5, 12, 30), 50, RechargeStatus.Failed,
            MobileOperator.Robi, NumberType.Prepaid, "Flexi", commissionPoisha: 125, number: "01812345678");
        var c = ReportData.Recharge(resellerId, walletId, ReportData.Dhaka(2025, 3, 7, 9, 15), 1250, RechargeStatus.Succeeded,
            MobileOperator.Robi, NumberType.Postpaid, "Flexi", commissionPoisha: 3125, number: "01898765432");
        var d = ReportData.Recharge(resellerId, walletId, ReportData.Dhaka(2025, 3, 9, 20), 20, RechargeStatus.NeedsReview,
            MobileOperator.Banglalink, NumberType.Prepaid, "Ecare", commissionPoisha: 50, number: "01912345678");
        // 23:50 on 31 March in Bangladesh is still March there (17:50 UTC); 00:10 on 1 April is April (still 31 March in UTC).
        var f = ReportData.Recharge(resellerId, walletId, ReportData.Dhaka(2025, 3, 31, 23, 50), 10, RechargeStatus.Succeeded,
            MobileOperator.Airtel, NumberType.Prepaid, "Ecare", commissionPoisha: 20, number: "01612345678");
        var april = ReportData.Recharge(resellerId, walletId, ReportData.Dhaka(2025, 4, 1, 0, 10), 500, RechargeStatus.Succeeded,
            MobileOperator.Robi, NumberType.Prepaid, "Ecare", commissionPoisha: 1000, number: "01811111111");
        await using var db = await app.DbAsync();
        await ReportData.AddAsync(db, a, b, c, d, f, april);
        known = new Known(a.Reference, b.Reference, c.Reference, d.Reference, f.Reference, april.Reference);
    }

    public async Task DisposeAsync() => await ctx.DisposeAsync();

    private string March => $"/reports/transactions?from=2025-03-01&to=2025-03-31&reseller={resellerId}";

    private IRenderedComponent<TransactionsReport> Open(string uri)
    {
        ctx.Render<MudPopoverProvider>();
        ctx.Services.GetRequiredService<NavigationManager>().NavigateTo(uri);
        return ctx.Render<TransactionsReport>();
    }

    private static List<string> References(IRenderedComponent<TransactionsReport> page) =>
        page.FindAll("[data-testid=tx-reference]").Select(e => e.TextContent.Trim()).ToList();

    private static string Totals(IRenderedComponent<TransactionsReport> page) => page.Find("[data-testid=report-totals]").TextContent.Trim();

    private static IElement FieldOf(IRenderedComponent<TransactionsReport> page, string label) =>
        page.FindAll(".mud-input-control").Single(c => c.QuerySelector("label")?.TextContent.Trim() == label);

    private static Task ChooseAsync(IRenderedComponent<TransactionsReport> page, string label, string value) =>
        page.InvokeAsync(() => page.FindComponents<MudSelect<string>>().Single(s => s.Instance.Label == label).Instance.ValueChanged.InvokeAsync(value));

    private static Task PickDateAsync(IRenderedComponent<TransactionsReport> page, string label, DateTime? date) =>
        page.InvokeAsync(() => page.FindComponents<MudDatePicker>().Single(p => p.Instance.Label == label).Instance.DateChanged.InvokeAsync(date));

    private string Uri => ctx.Services.GetRequiredService<NavigationManager>().Uri;

    [Fact]
    public async Task A_reseller_sees_a_sales_report_of_their_own_with_their_earnings_and_no_provider()
    {
        await using var own = new BunitContext();
        own.JSInterop.Mode = JSRuntimeMode.Loose;
        own.Services.AddMudServices();
        own.Services.AddLocalization();
        own.Services.AddSingleton(app.Services.GetRequiredService<ReportService>());
        own.Services.AddSingleton<TimeProvider>(time);
        string email;
        await using (var db = await app.DbAsync())
        {
            email = db.Users.Single(u => u.Id == resellerId).Email!;
        }

        ReportsAppFixture.SignIn(own, resellerId, email, Roles.Reseller);
        own.Render<MudPopoverProvider>();
        own.Services.GetRequiredService<NavigationManager>().NavigateTo("/reports/transactions?from=2025-03-01&to=2025-03-31");
        var page = own.Render<TransactionsReport>();

        page.WaitForAssertion(() => Assert.Equal([known.F, known.D, known.C, known.B, known.A], References(page)), Wait);
        Assert.Equal("Sales report", page.Find("h1").TextContent.Trim());
        // What the reseller earned is what their wallet was paid (these rows were written without ledger entries: nothing).
        Assert.Equal(
            "5 recharges · Amount ৳1,430.00 · Sales ৳1,360.00 (successful) · My commission ৳0.00 · Success rate 75.0%",
            Totals(page));
        Assert.DoesNotContain("Flexi", page.Find("[data-testid=transactions]").TextContent);
        Assert.DoesNotContain("Ecare", page.Find("[data-testid=transactions]").TextContent);
        Assert.Empty(page.FindAll("[data-testid=filter-provider]"));
        Assert.Contains("My commission", page.Find("thead").TextContent);
    }

    [Fact]
    public void A_link_shows_that_resellers_recharges_of_the_Bangladesh_month_newest_first_with_totals_over_the_filter()
    {
        var page = Open(March);

        page.WaitForAssertion(() => Assert.Equal([known.F, known.D, known.C, known.B, known.A], References(page)), Wait);
        Assert.Equal(
            "5 recharges · Amount ৳1,430.00 · Sales ৳1,360.00 (successful) · Commission ৳33.95 · Success rate 75.0%",
            Totals(page));
        var newest = page.FindAll("tbody tr")[0].TextContent;
        Assert.Contains("31 Mar 2025, 23:50", newest);
        Assert.Contains("01612-345678", newest);
        Assert.Contains("Airtel", newest);
        Assert.Contains("Successful", newest);
        var robi = page.FindAll("tbody tr").Single(r => r.TextContent.Contains(known.C)).TextContent;
        Assert.Contains("01898-765432", robi);
        Assert.Contains("Postpaid", robi);
        Assert.Contains("৳1,250.00", robi);
        Assert.Contains("৳31.25", robi);
        Assert.Contains("Flexi", robi);
        // The failed one earned nothing, whatever its plan said.
        Assert.Contains("৳0.00", page.FindAll("tbody tr").Single(r => r.TextContent.Contains(known.B)).TextContent);
        Assert.DoesNotContain(known.April, page.Markup);
        Assert.Equal(
            TransactionsCsv.Href(new ReportFilter { From = new(2025, 3, 1), To = new(2025, 3, 31), ResellerId = resellerId }),
            page.Find("[data-testid=export-csv]").GetAttribute("href"));
    }

    [Fact]
    public async Task Choosing_an_operator_and_a_status_narrows_rows_totals_address_and_export_link()
    {
        var page = Open(March);
        page.WaitForAssertion(() => Assert.Equal(5, References(page).Count), Wait);

        await ChooseAsync(page, "Operator", "Robi");
        page.WaitForAssertion(() => Assert.Equal([known.C, known.B], References(page)), Wait);
        Assert.Equal("2 recharges · Amount ৳1,300.00 · Sales ৳1,250.00 (successful) · Commission ৳31.25 · Success rate 50.0%", Totals(page));

        await ChooseAsync(page, "Status", "Successful");
        page.WaitForAssertion(() => Assert.Equal([known.C], References(page)), Wait);
        Assert.Equal("1 recharge · Amount ৳1,250.00 · Sales ৳1,250.00 (successful) · Commission ৳31.25 · Success rate 100.0%", Totals(page));

        var expected = new ReportFilter
        {
            From = new(2025, 3, 1), To = new(2025, 3, 31), ResellerId = resellerId, Operator = MobileOperator.Robi, Status = "Successful",
        };
        Assert.EndsWith("/reports/transactions" + expected.ToQueryString(), Uri);
        Assert.Equal(TransactionsCsv.Href(expected), page.Find("[data-testid=export-csv]").GetAttribute("href"));
    }

    [Fact]
    public async Task A_number_search_finds_the_recharges_to_matching_numbers()
    {
        var page = Open(March);
        page.WaitForAssertion(() => Assert.Equal(5, References(page).Count), Wait);

        await page.InvokeAsync(() => page.FindComponents<MudTextField<string>>().Single(t => t.Instance.Label == "Search number")
            .Instance.ValueChanged.InvokeAsync("+880 1812"));

        page.WaitForAssertion(() => Assert.Equal([known.B], References(page)), Wait);
        Assert.StartsWith("1 recharge · Amount ৳50.00", Totals(page));
    }

    [Fact]
    public async Task To_before_From_shows_the_error_beside_To_and_keeps_the_last_valid_result()
    {
        var page = Open(March);
        page.WaitForAssertion(() => Assert.Equal(5, References(page).Count), Wait);
        var totals = Totals(page);
        var address = Uri;

        await PickDateAsync(page, "To", new DateTime(2025, 2, 20));

        page.WaitForAssertion(() => Assert.Contains("The last day is before the first day.", FieldOf(page, "To").TextContent), Wait);
        Assert.Contains("mud-input-error", FieldOf(page, "To").InnerHtml);
        Assert.Equal([known.F, known.D, known.C, known.B, known.A], References(page));
        Assert.Equal(totals, Totals(page));
        Assert.Equal(address, Uri);

        await PickDateAsync(page, "From", new DateTime(2024, 1, 1));
        await PickDateAsync(page, "To", new DateTime(2025, 3, 5));
        page.WaitForAssertion(() => Assert.Contains("A report covers at most 400 days.", FieldOf(page, "To").TextContent), Wait);
        Assert.Equal(totals, Totals(page));
        Assert.Equal(address, Uri);

        await PickDateAsync(page, "From", new DateTime(2025, 3, 1));
        page.WaitForAssertion(() => Assert.Equal([known.B, known.A], References(page)), Wait);
        Assert.DoesNotContain("mud-input-error", FieldOf(page, "To").InnerHtml);
    }

    [Fact]
    public async Task Sorting_by_amount_is_done_by_the_server_over_the_whole_filter()
    {
        var page = Open(March);
        page.WaitForAssertion(() => Assert.Equal(5, References(page).Count), Wait);

        await page.FindAll("th .mud-table-sort-label").Single(l => l.TextContent.Trim() == "Amount").ClickAsync(new());

        page.WaitForAssertion(() => Assert.Equal([known.F, known.D, known.B, known.A, known.C], References(page)), Wait);
    }

    [Fact]
    public async Task Totals_count_every_page_and_a_new_filter_starts_again_on_page_one()
    {
        var (userId, walletId) = await app.CreateFundedResellerAsync(Money.Zero);
        var many = Enumerable.Range(0, 27).Select(i => ReportData.Recharge(
            userId, walletId, ReportData.Dhaka(2025, 3, 1 + (i % 28), 8 + (i % 10)), 10 + i,
            i % 3 == 0 ? RechargeStatus.Failed : RechargeStatus.Succeeded, i % 2 == 0 ? MobileOperator.Robi : MobileOperator.Teletalk)).ToArray();
        await using (var db = await app.DbAsync())
        {
            await ReportData.AddAsync(db, many);
        }

        var page = Open($"/reports/transactions?from=2025-03-01&to=2025-03-31&reseller={userId}");

        page.WaitForAssertion(() => Assert.Equal(25, References(page).Count), Wait);
        Assert.StartsWith("27 recharges · Amount ৳621.00 ·", Totals(page)); // 10 + 11 + … + 36
        Assert.Contains("1-25 of 27", page.Find(".mud-table-pagination").TextContent);

        await page.Find("button[aria-label='Next page']").ClickAsync(new());
        page.WaitForAssertion(() => Assert.Equal(2, References(page).Count), Wait);
        Assert.StartsWith("27 recharges ·", Totals(page));

        await ChooseAsync(page, "Operator", "Robi");
        page.WaitForAssertion(() => Assert.Equal(14, References(page).Count), Wait);
        Assert.Contains("1-14 of 14", page.Find(".mud-table-pagination").TextContent);
        Assert.StartsWith("14 recharges ·", Totals(page));
    }

    [Fact]
    public void Without_a_filter_in_the_address_it_shows_this_Bangladesh_month_up_to_today()
    {
        // 19:00 UTC on 30 June is 01:00 on 1 July in Bangladesh.
        var page = Open("/reports/transactions");

        page.WaitForAssertion(() => Assert.StartsWith("Transactions", page.Find("h1").TextContent), Wait);
        Assert.Equal("01 Jul 2025", FieldOf(page, "From").QuerySelector("input")!.GetAttribute("value"));
        Assert.Equal("01 Jul 2025", FieldOf(page, "To").QuerySelector("input")!.GetAttribute("value"));
        Assert.Equal("/reports/transactions.csv?from=2025-07-01&to=2025-07-01", page.Find("[data-testid=export-csv]").GetAttribute("href"));
        Assert.Contains("All resellers", FieldOf(page, "Reseller").TextContent);
    }

    [Fact]
    public void A_link_with_an_unknown_operator_says_so_and_shows_this_month()
    {
        var page = Open($"/reports/transactions?from=2025-03-01&to=2025-03-31&operator=Nokia");

        page.WaitForAssertion(() => Assert.Contains("Unknown operator 'Nokia'.", page.Find("[data-testid=link-error]").TextContent), Wait);
        Assert.Equal("/reports/transactions.csv?from=2025-07-01&to=2025-07-01", page.Find("[data-testid=export-csv]").GetAttribute("href"));
    }
}

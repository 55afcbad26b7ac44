using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using RechargePortal.Features.Recharges;
using RechargePortal.Features.Reports;
using RechargePortal.Features.Wallets;
using RechargePortal.Providers;
using RechargePortal.Security;
using RechargePortal.Tests.TestSupport;

namespace RechargePortal.Tests.Features.Reports;

/// <summary>
/// The report queries on a real SQLite database with known recharges. Each test uses its own
/// month (the shared app holds every test's rows), so whole-range totals stay exact.
/// </summary>
public sealed class ReportServiceTests(PortalAppFactory app) : IClassFixture<PortalAppFactory>
{
    private Actor? auditor;

    private ReportService Reports => app.Services.GetRequiredService<ReportService>();

    /// <summary>The figures are read as an auditor reads them (the service refuses anyone not an active admin or auditor).</summary>
    private async Task<Actor> AuditorAsync() => auditor ??= await app.NewActorAsync(Roles.Auditor);

    private static ReportFilter Month(int year, int month) =>
        ReportFilter.ForDays(new DateOnly(year, month, 1), new DateOnly(year, month, DateTime.DaysInMonth(year, month)));

    private async Task<(string Id, long WalletId)> ResellerAsync() => await app.CreateFundedResellerAsync(Money.Zero);

    [Fact]
    public async Task Filters_narrow_the_rows_and_the_totals_cover_the_whole_filter_not_the_page()
    {
        var (a, walletA) = await ResellerAsync();
        var (b, walletB) = await ResellerAsync();
        var day = ReportData.Dhaka(2025, 3, 10, 12);
        var rows = new List<Recharge>();
        // Reseller A: 30 Grameenphone ৳100 (Ecare), 20 successful with ৳2.50 commission each, 10 failed.
        for (var i = 0; i < 30; i++)
        {
            rows.Add(ReportData.Recharge(a, walletA, day.AddMinutes(i), 100, i < 20 ? RechargeStatus.Succeeded : RechargeStatus.Failed, commissionPoisha: 250));
        }

        // Reseller A: 5 Robi postpaid ৳500 through Flexi, one still processing; reseller B: 4 Banglalink ৳50 in review.
        for (var i = 0; i < 5; i++)
        {
            rows.Add(ReportData.Recharge(a, walletA, day.AddHours(1).AddMinutes(i), 500, i == 0 ? RechargeStatus.Processing : RechargeStatus.Succeeded,
                MobileOperator.Robi, NumberType.Postpaid, "Flexi", commissionPoisha: 1000, number: $"0181234560{i}"));
        }

        for (var i = 0; i < 4; i++)
        {
            rows.Add(ReportData.Recharge(b, walletB, day.AddHours(2).AddMinutes(i), 50, RechargeStatus.NeedsReview, MobileOperator.Banglalink, number: "01911111111"));
        }

        await using (var db = await app.DbAsync())
        {
            await ReportData.AddAsync(db, [.. rows]);
        }

        var all = Month(2025, 3);
        var page = await Reports.TransactionsAsync(await AuditorAsync(), all, TransactionSort.Time, descending: true, skip: 0, take: 10);
        var totals = await Reports.TotalsAsync(await AuditorAsync(), all);

        Assert.Equal(10, page.Count);
        Assert.Equal("01911111111", page[0].Number);
        Assert.Equal(39, totals.Count);
        Assert.Equal(Money.FromTaka(30 * 100 + 5 * 500 + 4 * 50), totals.Amount);
        Assert.Equal(Money.FromTaka(20 * 100 + 4 * 500), totals.Sales);
        Assert.Equal(new Money(20 * 250 + 4 * 1000), totals.Commission);
        Assert.Equal((24, 10, 5), (totals.Succeeded, totals.Failed, totals.Pending));
        Assert.Equal(24.0 / 34.0, totals.SuccessRate!.Value, 6);

        var robi = all.Copy();
        robi.Operator = MobileOperator.Robi;
        Assert.Equal((5, Money.FromTaka(2500)), await CountAndAmountAsync(robi));

        var flexiSuccessful = all.Copy();
        flexiSuccessful.Provider = "Flexi";
        flexiSuccessful.Status = "Successful";
        Assert.Equal((4, Money.FromTaka(2000)), await CountAndAmountAsync(flexiSuccessful));

        var processing = all.Copy();
        processing.Status = "Processing";
        Assert.Equal(1, (await Reports.TotalsAsync(await AuditorAsync(), processing)).Count);

        var ofB = all.Copy();
        ofB.ResellerId = b;
        var bRows = await Reports.TransactionsAsync(await AuditorAsync(), ofB, TransactionSort.Time, true, 0, 50);
        Assert.Equal(4, bRows.Count);
        Assert.All(bRows, r => Assert.Equal("Needs review", r.StatusText));

        var postpaid = all.Copy();
        postpaid.NumberType = NumberType.Postpaid;
        Assert.Equal(5, (await Reports.TotalsAsync(await AuditorAsync(), postpaid)).Count);

        // The number search takes what a person types: +880 prefix, dashes, part of the number.
        var search = all.Copy();
        search.Number = "+880 1812-345603";
        var found = Assert.Single(await Reports.TransactionsAsync(await AuditorAsync(), search, TransactionSort.Time, true, 0, 25));
        Assert.Equal("01812345603", found.Number);
        search.Number = "34560";
        Assert.Equal(5, (await Reports.TotalsAsync(await AuditorAsync(), search)).Count);

        // Commission shows what was earned: nothing on a failed recharge.
        var failed = all.Copy();
        failed.Status = "Failed (refunded)";
        Assert.All(await Reports.TransactionsAsync(await AuditorAsync(), failed, TransactionSort.Time, true, 0, 25), r => Assert.Equal(Money.Zero, r.Commission));
        Assert.Equal(Money.Zero, (await Reports.TotalsAsync(await AuditorAsync(), failed)).Commission);
    }

    [Fact]
    public async Task Sorting_and_paging_walk_every_row_once_in_order()
    {
        var (a, wallet) = await ResellerAsync();
        var start = ReportData.Dhaka(2025, 4, 5, 9);
        int[] amounts = [300, 20, 150, 20, 999, 45, 60, 150, 75, 500, 20];
        await using (var db = await app.DbAsync())
        {
            await ReportData.AddAsync(db, [.. amounts.Select((t, i) => ReportData.Recharge(a, wallet, start.AddMinutes(i), t, RechargeStatus.Succeeded))]);
        }

        var filter = Month(2025, 4);
        var seen = new List<TransactionRow>();
        for (var skip = 0; skip < amounts.Length; skip += 4)
        {
            seen.AddRange(await Reports.TransactionsAsync(await AuditorAsync(), filter, TransactionSort.Amount, descending: false, skip, take: 4));
        }

        Assert.Equal(amounts.Order().Select(t => Money.FromTaka(t)), seen.Select(r => r.Amount));
        Assert.Equal(amounts.Length, seen.Select(r => r.Id).Distinct().Count());
        var newestFirst = await Reports.TransactionsAsync(await AuditorAsync(), filter, TransactionSort.Time, descending: true, 0, 3);
        Assert.Equal([20L, 500, 75], newestFirst.Select(r => r.Amount.Poisha / 100));
    }

    [Fact]
    public async Task A_recharge_at_23_30_Bangladesh_time_belongs_to_that_Bangladesh_day()
    {
        var (a, wallet) = await ResellerAsync();
        var lateEvening = ReportData.Dhaka(2025, 5, 31, 23, 30);   // 17:30 UTC on 31 May
        var justAfterMidnight = ReportData.Dhaka(2025, 6, 1, 0, 10); // 18:10 UTC, still 31 May in UTC
        await using (var db = await app.DbAsync())
        {
            await ReportData.AddAsync(db,
                ReportData.Recharge(a, wallet, lateEvening, 111, RechargeStatus.Succeeded),
                ReportData.Recharge(a, wallet, justAfterMidnight, 222, RechargeStatus.Succeeded));
            Assert.Equal(
                [new DateOnly(2025, 5, 31), new DateOnly(2025, 6, 1)],
                await db.Set<Recharge>().Where(r => r.ResellerId == a).OrderBy(r => r.CreatedAtUtc).Select(r => r.BusinessDay).ToListAsync());
        }

        var may31 = ReportFilter.ForDays(new DateOnly(2025, 5, 31), new DateOnly(2025, 5, 31));
        Assert.Equal(Money.FromTaka(111), Assert.Single(await Reports.TransactionsAsync(await AuditorAsync(), may31, TransactionSort.Time, true, 0, 25)).Amount);
        var june1 = ReportFilter.ForDays(new DateOnly(2025, 6, 1), new DateOnly(2025, 6, 1));
        Assert.Equal(Money.FromTaka(222), (await Reports.TotalsAsync(await AuditorAsync(), june1)).Amount);

        var summary = await Reports.SummaryAsync(await AuditorAsync(), ReportFilter.ForDays(new DateOnly(2025, 5, 30), new DateOnly(2025, 6, 1)));
        Assert.Equal(["2025-05-30", "2025-05-31", "2025-06-01"], summary.ByDay.Select(d => d.Key));
        Assert.Equal([0L, 111, 222], summary.ByDay.Select(d => d.Totals.Sales.Poisha / 100));
    }

    [Fact]
    public async Task The_summary_totals_each_day_operator_provider_and_reseller()
    {
        var (a, walletA) = await ResellerAsync();
        var (b, walletB) = await ResellerAsync();
        var d1 = ReportData.Dhaka(2025, 7, 1, 10);
        var d2 = ReportData.Dhaka(2025, 7, 2, 10);
        await using (var db = await app.DbAsync())
        {
            await ReportData.AddAsync(db,
                ReportData.Recharge(a, walletA, d1, 100, RechargeStatus.Succeeded, commissionPoisha: 250),
                ReportData.Recharge(a, walletA, d1.AddMinutes(1), 200, RechargeStatus.Failed, MobileOperator.Robi, provider: "Flexi"),
                ReportData.Recharge(b, walletB, d2, 300, RechargeStatus.Succeeded, MobileOperator.Robi, provider: "Flexi", commissionPoisha: 600),
                ReportData.Recharge(b, walletB, d2.AddMinutes(1), 400, RechargeStatus.Succeeded, commissionPoisha: 1000),
                ReportData.Recharge(b, walletB, d2.AddMinutes(2), 50, RechargeStatus.Created, provider: null));
        }

        var summary = await Reports.SummaryAsync(await AuditorAsync(), ReportFilter.ForDays(new DateOnly(2025, 7, 1), new DateOnly(2025, 7, 3)));

        Assert.Equal((5, Money.FromTaka(800), new Money(1850)), (summary.Overall.Count, summary.Overall.Sales, summary.Overall.Commission));
        Assert.Equal([2, 3, 0], summary.ByDay.Select(d => d.Totals.Count));
        var day1 = summary.ByDay[0].Totals;
        Assert.Equal((2, 0.5), (day1.Count, day1.SuccessRate!.Value));
        Assert.Null(summary.ByDay[2].Totals.SuccessRate);

        var gp = summary.ByOperator.Single(r => r.Key == "Grameenphone").Totals;
        var robi = summary.ByOperator.Single(r => r.Key == "Robi").Totals;
        Assert.Equal((3, Money.FromTaka(500), new Money(1250)), (gp.Count, gp.Sales, gp.Commission));
        Assert.Equal((2, Money.FromTaka(300), 0.5), (robi.Count, robi.Sales, robi.SuccessRate!.Value));

        Assert.Equal(["Ecare", "Flexi", "Not sent"], summary.ByProvider.Select(p => p.Label));
        Assert.Equal(Money.FromTaka(500), summary.ByProvider[0].Totals.Sales);

        var resellerB = summary.ByReseller.First();
        Assert.Equal(b, resellerB.Key);
        Assert.Contains("@test.local", resellerB.Label);
        Assert.Equal((3, Money.FromTaka(700)), (resellerB.Totals.Count, resellerB.Totals.Sales));
    }

    [Fact]
    public async Task Reconciliation_sets_recorded_sales_against_the_providers_balance_movement_per_day()
    {
        var (a, wallet) = await ResellerAsync();
        // Day 1 (1 Aug 2025): Ecare sold ৳500 and its balance fell ৳10,000 → ৳9,500: matches.
        // Day 2: sold ৳400 but the balance fell ৳500 (9,500 → 9,000): ৳100 unexplained.
        // Day 3: a ৳5,000 top-up and ৳200 sold: the balance rose ৳4,800.
        await using (var db = await app.DbAsync())
        {
            await ReportData.AddAsync(db,
                ReportData.Recharge(a, wallet, ReportData.Dhaka(2025, 8, 1, 9), 300, RechargeStatus.Succeeded),
                ReportData.Recharge(a, wallet, ReportData.Dhaka(2025, 8, 1, 23, 30), 200, RechargeStatus.Succeeded),
                ReportData.Recharge(a, wallet, ReportData.Dhaka(2025, 8, 1, 12), 700, RechargeStatus.Failed),
                ReportData.Recharge(a, wallet, ReportData.Dhaka(2025, 8, 2, 9), 400, RechargeStatus.Succeeded),
                ReportData.Recharge(a, wallet, ReportData.Dhaka(2025, 8, 3, 9), 200, RechargeStatus.Succeeded));
            db.AddRange(
                ProviderBalanceSnapshot.Create("Ecare", ReportData.Dhaka(2025, 7, 31, 20), 1_000_000),
                ProviderBalanceSnapshot.Create("Ecare", ReportData.Dhaka(2025, 8, 1, 10), 970_000),
                ProviderBalanceSnapshot.Create("Ecare", ReportData.Dhaka(2025, 8, 1, 23, 45), 950_000),
                ProviderBalanceSnapshot.Create("Ecare", ReportData.Dhaka(2025, 8, 2, 18), 900_000),
                ProviderBalanceSnapshot.Create("Ecare", ReportData.Dhaka(2025, 8, 3, 18), 1_380_000));
            await db.SaveChangesAsync();
        }

        var rows = await Reports.ReconciliationAsync(await AuditorAsync(), new DateOnly(2025, 8, 1), new DateOnly(2025, 8, 3));

        var ecare = rows.Where(r => r.Provider == "Ecare").ToList();
        Assert.Equal([new DateOnly(2025, 8, 1), new DateOnly(2025, 8, 2), new DateOnly(2025, 8, 3)], ecare.Select(r => r.Day));
        Assert.Equal((2, Money.FromTaka(500), Money.FromTaka(10_000), Money.FromTaka(9_500)), (ecare[0].Succeeded, ecare[0].Sales, ecare[0].Opening!.Value, ecare[0].Closing!.Value));
        Assert.True(ecare[0].Matches);
        Assert.Equal(Money.FromTaka(100), ecare[1].Difference);
        Assert.False(ecare[1].Matches);
        Assert.Equal(Money.FromTaka(-4_800), ecare[2].BalanceFell);
        Assert.Equal(Money.FromTaka(-5_000), ecare[2].Difference);
        Assert.All(ecare, r => Assert.False(r.DayInProgress));

        // Flexi sold nothing and was never read in this range: shown, with no balance to compare.
        var flexi = rows.Where(r => r.Provider == "Flexi").ToList();
        Assert.Equal(3, flexi.Count);
        Assert.All(flexi, r => Assert.Null(r.Difference));
    }

    [Fact]
    public async Task A_filter_that_cannot_run_is_refused_with_its_reason()
    {
        var backwards = ReportFilter.ForDays(new DateOnly(2025, 9, 10), new DateOnly(2025, 9, 1));
        Assert.Equal("The last day is before the first day.", backwards.Validate()["To"]);
        var tooLong = ReportFilter.ForDays(new DateOnly(2024, 1, 1), new DateOnly(2025, 9, 1));
        Assert.Contains("at most", tooLong.Validate()["To"]);
        var badStatus = Month(2025, 9);
        badStatus.Status = "Refunded";
        Assert.True(badStatus.Validate().ContainsKey("Status"));

        var auditor = await AuditorAsync();
        await Assert.ThrowsAsync<ArgumentException>(() => Reports.TotalsAsync(auditor, backwards));
    }

    private async Task<(int, Money)> CountAndAmountAsync(ReportFilter filter)
    {
        var totals = await Reports.TotalsAsync(await AuditorAsync(), filter);
        var rows = await Reports.TransactionsAsync(await AuditorAsync(), filter, TransactionSort.Time, true, 0, 200);
        Assert.Equal(totals.Count, rows.Count);
        Assert.Equal(totals.Amount, new Money(rows.Sum(r => r.Amount.Poisha)));
        return (totals.Count, totals.Amount);
    }
}

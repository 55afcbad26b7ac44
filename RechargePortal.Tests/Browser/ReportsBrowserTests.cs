using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using RechargePortal.Components.Shared;
using RechargePortal.Features.Recharges;
using RechargePortal.Features.Reports;
using RechargePortal.Features.Wallets;
using RechargePortal.Providers;
using RechargePortal.Security;
using RechargePortal.Tests.TestSupport;

namespace RechargePortal.Tests.Browser;

/// <summary>The reports in Chromium against the real app, as an auditor uses them.</summary>
[Collection(BrowserCollection.Name)]
public sealed class ReportsBrowserTests(BrowserFixture browser)
{
    private static Task ShotAsync(IPage page, string name)
    {
        Directory.CreateDirectory(ProvidersBrowserTests.ScreenshotDirectory);
        return page.ScreenshotAsync(new() { Path = Path.Combine(ProvidersBrowserTests.ScreenshotDirectory, name + ".png"), FullPage = true });
    }

    [SkippableFact]
    public async Task An_auditor_filters_the_transactions_and_the_CSV_holds_exactly_the_rows_on_screen()
    {
        // A reseller of this test's own (other tests share the app), with a Bengali name to carry through to the CSV.
        var (resellerId, walletId) = await browser.App.CreateFundedResellerAsync(Money.Zero);
        const string name = "করিম টেলিকম";
        string resellerEmail;
        await using (var db = await browser.App.DbAsync())
        {
            var user = await db.Users.SingleAsync(u => u.Id == resellerId);
            user.FullName = name;
            resellerEmail = user.Email!;
            await db.SaveChangesAsync();
        }

        // Placed early today in Bangladesh: the page opens on this Bangladesh month up to today.
        var start = DhakaTime.StartOfDayUtc(DhakaTime.Today(browser.Clock));
        var robi100 = ReportData.Recharge(resellerId, walletId, start.AddMinutes(5), 100, RechargeStatus.Succeeded,
            MobileOperator.Robi, NumberType.Prepaid, "Ecare", commissionPoisha: 250, number: "01811112222");
        var robi1250 = ReportData.Recharge(resellerId, walletId, start.AddMinutes(10), 1250, RechargeStatus.Succeeded,
            MobileOperator.Robi, NumberType.Postpaid, "Flexi", commissionPoisha: 3125, number: "01822223333");
        var robiFailed = ReportData.Recharge(resellerId, walletId, start.AddMinutes(15), 50, RechargeStatus.Failed,
            MobileOperator.Robi, NumberType.Prepaid, "Flexi", commissionPoisha: 125, number: "01833334444");
        var gp = ReportData.Recharge(resellerId, walletId, start.AddMinutes(20), 20, RechargeStatus.Succeeded,
            MobileOperator.Grameenphone, NumberType.Prepaid, "Ecare", commissionPoisha: 50, number: "01711112222");
        var robiReview = ReportData.Recharge(resellerId, walletId, start.AddMinutes(25), 30, RechargeStatus.NeedsReview,
            MobileOperator.Robi, NumberType.Prepaid, "Ecare", commissionPoisha: 75, number: "01844445555");
        await using (var db = await browser.App.DbAsync())
        {
            await ReportData.AddAsync(db, robi100, robi1250, robiFailed, gp, robiReview);
        }

        var auditor = await browser.App.CreateUserAsync(Roles.Auditor);
        var page = await browser.NewPageAsync();
        await BrowserFixture.SignInAsync(page, auditor, PortalAppFactory.UserPassword);
        await BrowserFixture.WaitForInteractiveAsync(page);
        await page.GetByRole(AriaRole.Navigation).GetByRole(AriaRole.Link, new() { Name = "Transactions", Exact = true }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Transactions", Exact = true })).ToBeVisibleAsync();

        var totals = page.GetByTestId("report-totals");
        var references = page.GetByTestId("tx-reference");
        await page.GetByTestId("filter-reseller").ClickAsync();
        await page.GetByRole(AriaRole.Option, new() { Name = $"{name} ({resellerEmail})", Exact = true }).ClickAsync();
        await Assertions.Expect(totals).ToHaveTextAsync(
            "5 recharges · Amount ৳1,450.00 · Sales ৳1,370.00 (successful) · Commission ৳34.25 · Success rate 75.0%");
        await Assertions.Expect(references).ToHaveCountAsync(5);

        await page.GetByTestId("filter-operator").ClickAsync();
        await page.GetByRole(AriaRole.Option, new() { Name = "Robi", Exact = true }).ClickAsync();
        await Assertions.Expect(references).ToHaveCountAsync(4);
        await page.GetByTestId("filter-status").ClickAsync();
        await page.GetByRole(AriaRole.Option, new() { Name = "Successful", Exact = true }).ClickAsync();

        await Assertions.Expect(totals).ToHaveTextAsync(
            "2 recharges · Amount ৳1,350.00 · Sales ৳1,350.00 (successful) · Commission ৳33.75 · Success rate 100.0%");
        await Assertions.Expect(references).ToHaveTextAsync([robi1250.Reference, robi100.Reference]); // newest first
        var firstRow = page.Locator("tbody tr").First;
        await Assertions.Expect(firstRow).ToContainTextAsync("01822-223333");
        await Assertions.Expect(firstRow).ToContainTextAsync(name);
        await Assertions.Expect(firstRow).ToContainTextAsync("৳31.25");
        await ShotAsync(page, "transactions-desktop");

        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Link, new() { Name = "Export CSV" }).ClickAsync());
        var today = DhakaTime.Today(browser.Clock);
        Assert.Equal($"transactions-{new DateOnly(today.Year, today.Month, 1):yyyyMMdd}-{today:yyyyMMdd}.csv", download.SuggestedFilename);
        var bytes = await File.ReadAllBytesAsync(await download.PathAsync());
        Assert.Equal([0xEF, 0xBB, 0xBF], bytes[..3]); // Excel reads the Bengali as UTF-8
        var lines = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes[3..])
            .Split("\n", StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToList();
        Assert.Equal(TransactionsCsv.Header, lines[0]);
        Assert.Equal(3, lines.Count); // the header and exactly the two rows on screen, oldest first
        Assert.StartsWith($"{robi100.Reference},", lines[1]);
        Assert.StartsWith($"{robi1250.Reference},", lines[2]);
        Assert.Contains($",{resellerEmail},{name},01822223333,Robi,Postpaid,1250.00,31.25,Successful,Flexi,", lines[2]);
        Assert.Contains(",100.00,2.50,Successful,Ecare,", lines[1]);

        // The address carries the filter: the same link on a phone shows the same rows, as cards.
        var link = page.Url;
        Assert.Contains("operator=Robi", link);
        Assert.Contains("status=Successful", link);
        var phone = await browser.NewPageAsync(360, 740);
        await BrowserFixture.SignInAsync(phone, auditor, PortalAppFactory.UserPassword);
        await BrowserFixture.WaitForInteractiveAsync(phone);
        await phone.GotoAsync(link);
        await Assertions.Expect(phone.GetByTestId("report-totals")).ToHaveTextAsync(
            "2 recharges · Amount ৳1,350.00 · Sales ৳1,350.00 (successful) · Commission ৳33.75 · Success rate 100.0%");
        await Assertions.Expect(phone.GetByTestId("tx-reference")).ToHaveTextAsync([robi1250.Reference, robi100.Reference]);
        await Assertions.Expect(phone.GetByTestId("filter-operator")).ToHaveTextAsync("Robi");
        Assert.True(await phone.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"), "The page scrolls sideways on a phone.");
        await Assertions.Expect(phone.GetByRole(AriaRole.Link, new() { Name = "Export CSV" })).ToBeInViewportAsync();
        await ShotAsync(phone, "transactions-phone");
    }
}
